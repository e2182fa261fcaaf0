/**
 * `acm.certificate`: the load balancer's certificate, either requested from ACM with DNS validation (its
 * validation record is an output, written by a `route53.record` and waited for by `acm.certificateValidation`),
 * or — demo only — a self-signed certificate generated in memory and imported. The private key is passed to
 * ImportCertificate and nowhere else.
 */
import {
  ACMClient, DeleteCertificateCommand, DescribeCertificateCommand, ImportCertificateCommand, ListCertificatesCommand,
  ListTagsForCertificateCommand, RequestCertificateCommand, type CertificateDetail,
} from '@aws-sdk/client-acm';
import { hasCode } from '../../aws/errors.js';
import { ADDRESS_TAG, WORKSPACE_TAG, tagList } from '../../aws/tags.js';
import { retryWhile, waitUntil } from '../../aws/wait.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { readEach } from '../readEach.js';
import { selfSignedCertificate } from './selfSigned.js';

export interface AcmCertificateInputs {
  domainName: string;
  validation: 'DNS' | 'SELF_SIGNED';
  /** SELF_SIGNED only. */
  validityDays?: number;
}

export const SELF_SIGNED_WARNING =
  'self-signed certificate: browsers will warn and clients cannot verify the server. NOT FOR PRODUCTION — set edge.certificateArn, or edge.hostname + edge.hostedZoneId';

const RECORD_TIMEOUT_MS = 5 * 60_000;
// The listener using it may take a few minutes to let go after the load balancer is deleted.
const DELETE_TIMEOUT_MS = 10 * 60_000;

function acm(ctx: ResourceCtx): ACMClient {
  return ctx.aws.get(ACMClient);
}

async function describe(ctx: ResourceCtx, arn: string): Promise<CertificateDetail | undefined> {
  try {
    return (await acm(ctx).send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate;
  } catch (error) {
    if (hasCode(error, 'ResourceNotFoundException', 'ResourceNotFound')) return undefined;
    throw error;
  }
}

function toActual(cert: CertificateDetail, validityDays?: number): Actual {
  const selfSigned = cert.Type === 'IMPORTED';
  const inputs: Record<string, unknown> = { domainName: cert.DomainName!, validation: selfSigned ? 'SELF_SIGNED' : 'DNS' };
  // The validity is not readable back as days; it is judged by the last applied value.
  if (selfSigned && validityDays !== undefined) inputs.validityDays = validityDays;
  const record = cert.DomainValidationOptions?.[0]?.ResourceRecord;
  const outputs: Record<string, unknown> = {
    arn: cert.CertificateArn!,
    domainName: cert.DomainName!,
    status: cert.Status ?? '',
    selfSigned,
  };
  if (selfSigned) outputs.warning = SELF_SIGNED_WARNING;
  if (record) {
    // Route 53 names are compared without the trailing dot.
    outputs.validationRecordName = record.Name!.replace(/\.$/, '');
    outputs.validationRecordType = record.Type!;
    outputs.validationRecordValue = record.Value!;
  }
  if (cert.NotAfter) outputs.notAfter = cert.NotAfter.toISOString();
  return { id: cert.CertificateArn!, inputs, outputs };
}

/** ACM idempotency tokens are at most 32 word characters. */
function idempotencyToken(token: string): string {
  return token.replace(/\W/g, '').slice(0, 32);
}

async function waitForValidationRecord(ctx: ResourceCtx, arn: string, report: (m: string) => void, signal: AbortSignal): Promise<CertificateDetail> {
  return waitUntil(async () => {
    const cert = await describe(ctx, arn);
    if (!cert) return { done: false, status: 'not visible yet' };
    return cert.DomainValidationOptions?.[0]?.ResourceRecord ? { done: true, value: cert } : { done: false, status: 'validation record pending' };
  }, { what: 'the certificate validation record', timeoutMs: RECORD_TIMEOUT_MS, minDelayMs: 1000, report, signal });
}

export const acmCertificateHandler: Handler = {
  kind: 'acm.certificate',
  forceNew: ['domainName', 'validation', 'validityDays'],

  // ACM has no batch describe; the stack has one certificate.
  read(ctx, items) {
    return readEach(items, async (item) => {
      const cert = await describe(ctx, item.id);
      return cert && toActual(cert, item.inputs.validityDays as number | undefined);
    });
  },

  async find(ctx, args) {
    const inputs = args.inputs as unknown as AcmCertificateInputs;
    let token: string | undefined;
    do {
      const page = await acm(ctx).send(new ListCertificatesCommand({ NextToken: token }));
      for (const summary of page.CertificateSummaryList ?? []) {
        if (summary.DomainName !== inputs.domainName || !summary.CertificateArn) continue;
        const tags = await acm(ctx).send(new ListTagsForCertificateCommand({ CertificateArn: summary.CertificateArn }));
        const map = Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]));
        if (map[ADDRESS_TAG] === args.tags[ADDRESS_TAG] && map[WORKSPACE_TAG] === args.tags[WORKSPACE_TAG]) {
          const cert = await describe(ctx, summary.CertificateArn);
          if (cert) return toActual(cert, inputs.validityDays);
        }
      }
      token = page.NextToken;
    } while (token);
    return undefined;
  },

  async create(ctx, args) {
    const inputs = args.inputs as unknown as AcmCertificateInputs;
    if (inputs.validation === 'SELF_SIGNED') {
      args.report(`generating a ${SELF_SIGNED_WARNING}`);
      const { certificatePem, privateKeyPem } = selfSignedCertificate(inputs.domainName, inputs.validityDays ?? 365);
      const out = await acm(ctx).send(new ImportCertificateCommand({
        Certificate: Buffer.from(certificatePem),
        PrivateKey: Buffer.from(privateKeyPem),
        Tags: tagList(args.tags),
      }));
      const cert = await describe(ctx, out.CertificateArn!);
      return toActual(cert ?? { CertificateArn: out.CertificateArn, DomainName: inputs.domainName, Type: 'IMPORTED' }, inputs.validityDays);
    }
    const out = await acm(ctx).send(new RequestCertificateCommand({
      DomainName: inputs.domainName,
      ValidationMethod: 'DNS',
      IdempotencyToken: idempotencyToken(args.token),
      KeyAlgorithm: 'RSA_2048',
      Tags: tagList(args.tags),
    }));
    const cert = await waitForValidationRecord(ctx, out.CertificateArn!, args.report, args.signal);
    return toActual(cert);
  },

  async delete(ctx, args) {
    try {
      await retryWhile(
        () => acm(ctx).send(new DeleteCertificateCommand({ CertificateArn: args.id })),
        (e) => hasCode(e, 'ResourceInUseException', 'ResourceInUse'),
        { what: `deleting certificate ${args.id}`, timeoutMs: DELETE_TIMEOUT_MS, report: args.report, signal: args.signal },
      );
    } catch (error) {
      if (hasCode(error, 'ResourceNotFoundException', 'ResourceNotFound')) return;
      throw error;
    }
  },
};
