import {
  ACMClient, DeleteCertificateCommand, DescribeCertificateCommand, ImportCertificateCommand, ListCertificatesCommand,
  ListTagsForCertificateCommand, RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { mockClient } from 'aws-sdk-client-mock';
import forge from 'node-forge';
import { beforeEach, describe, expect, it } from 'vitest';
import { acmCertificateHandler as handler, SELF_SIGNED_WARNING } from '../../../../src/resources/edge/acmCertificate.js';
import { acmCertificateValidationHandler as validation } from '../../../../src/resources/edge/acmCertificateValidation.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const acm = mockClient(ACMClient);
const ctx = makeCtx();
const address = 'edge.certificate';
const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';

beforeEach(() => acm.reset());

describe('acm.certificate', () => {
  it('imports a self-signed certificate made in memory, flagged as not for production', async () => {
    acm.on(ImportCertificateCommand).resolves({ CertificateArn: arn });
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: arn, DomainName: 'm.example.com', Type: 'IMPORTED', Status: 'ISSUED' } });
    const reports: string[] = [];
    const actual = await handler.create(ctx, {
      ...call(address), report: (m) => reports.push(m), inputs: { domainName: 'm.example.com', validation: 'SELF_SIGNED', validityDays: 30 }, token: 't', tags: tagsFor(address),
    });
    const sent = acm.commandCalls(ImportCertificateCommand)[0].args[0].input;
    const cert = forge.pki.certificateFromPem(Buffer.from(sent.Certificate!).toString());
    expect(cert.subject.getField('CN').value).toBe('m.example.com');
    expect(cert.validity.notAfter.getTime() - Date.now()).toBeLessThan(31 * 86_400_000);
    expect(Buffer.from(sent.PrivateKey!).toString()).toMatch(/BEGIN RSA PRIVATE KEY/);
    expect(sent.Tags).toContainEqual({ Key: 'morpheus-ws:address', Value: address });
    // The key went to ACM only: not in the result, not in progress messages.
    expect(JSON.stringify(actual)).not.toMatch(/PRIVATE KEY/);
    expect(reports.join()).not.toMatch(/PRIVATE KEY/);
    expect(actual.outputs).toMatchObject({ arn, selfSigned: true, warning: SELF_SIGNED_WARNING });
    expect(actual.inputs).toEqual({ domainName: 'm.example.com', validation: 'SELF_SIGNED', validityDays: 30 });
  });

  it('requests a DNS-validated certificate with an idempotency token and outputs its validation record', async () => {
    acm.on(RequestCertificateCommand).resolves({ CertificateArn: arn });
    acm.on(DescribeCertificateCommand)
      .resolvesOnce({ Certificate: { CertificateArn: arn, DomainName: 'm.example.com', Type: 'AMAZON_ISSUED', Status: 'PENDING_VALIDATION', DomainValidationOptions: [{ DomainName: 'm.example.com' }] } })
      .resolves({ Certificate: { CertificateArn: arn, DomainName: 'm.example.com', Type: 'AMAZON_ISSUED', Status: 'PENDING_VALIDATION', DomainValidationOptions: [{ DomainName: 'm.example.com', ResourceRecord: { Name: '_x.m.example.com.', Type: 'CNAME', Value: '_y.acm-validations.aws.' } }] } });
    const actual = await withFakeTime(() => handler.create(ctx, { ...call(address), inputs: { domainName: 'm.example.com', validation: 'DNS' }, token: 'a1b2-c3d4-e5f6', tags: tagsFor(address) }));
    expect(acm.commandCalls(RequestCertificateCommand)[0].args[0].input).toMatchObject({ ValidationMethod: 'DNS', IdempotencyToken: 'a1b2c3d4e5f6' });
    expect(actual.outputs).toMatchObject({ validationRecordName: '_x.m.example.com', validationRecordType: 'CNAME', validationRecordValue: '_y.acm-validations.aws.', selfSigned: false });
  });

  it('finds a certificate by its tags', async () => {
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [{ CertificateArn: arn, DomainName: 'm.example.com' }] });
    acm.on(ListTagsForCertificateCommand).resolves({ Tags: [{ Key: 'morpheus-ws:address', Value: address }, { Key: 'morpheus-ws:workspace', Value: 'demo' }] });
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: arn, DomainName: 'm.example.com', Type: 'AMAZON_ISSUED' } });
    expect((await handler.find(ctx, { address, token: 't', inputs: { domainName: 'm.example.com', validation: 'DNS' }, tags: tagsFor(address) }))!.id).toBe(arn);
  });

  it('deletes, retrying while a listener still uses it, NotFound meaning done', async () => {
    acm.on(DeleteCertificateCommand).rejectsOnce(awsError('ResourceInUseException')).resolves({});
    await withFakeTime(() => handler.delete(ctx, { ...call(address), id: arn, inputs: {}, outputs: {} }));
    expect(acm.commandCalls(DeleteCertificateCommand)).toHaveLength(2);
    acm.reset();
    acm.on(DeleteCertificateCommand).rejects(awsError('ResourceNotFoundException'));
    await handler.delete(ctx, { ...call(address), id: arn, inputs: {}, outputs: {} });
  });
});

describe('acm.certificateValidation', () => {
  it('waits until the certificate is issued', async () => {
    acm.on(DescribeCertificateCommand)
      .resolvesOnce({ Certificate: { CertificateArn: arn, Status: 'PENDING_VALIDATION' } })
      .resolves({ Certificate: { CertificateArn: arn, Status: 'ISSUED' } });
    const actual = await withFakeTime(() => validation.create(ctx, { ...call('edge.certificate.validation'), inputs: { certificateArn: arn }, token: 't', tags: {} }));
    expect(actual.outputs).toEqual({ certificateArn: arn });
  });

  it('fails clearly when validation fails', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: arn, Status: 'FAILED', FailureReason: 'CAA_ERROR' } });
    await expect(validation.create(ctx, { ...call('v'), inputs: { certificateArn: arn }, token: 't', tags: {} })).rejects.toThrow(/FAILED \(CAA_ERROR\)/);
  });

  it('reads as present only once issued', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: arn, Status: 'PENDING_VALIDATION' } });
    expect((await validation.read(ctx, [{ address: 'v', id: arn, inputs: {}, outputs: {} }])).size).toBe(0);
  });
});
