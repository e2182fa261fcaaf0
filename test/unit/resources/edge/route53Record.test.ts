import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { route53RecordHandler as handler } from '../../../../src/resources/edge/route53Record.js';
import { awsError, call, makeCtx, withFakeTime } from '../shared/handlerHarness.js';

const r53 = mockClient(Route53Client);
const ctx = makeCtx();
const alias = { hostedZoneId: 'Z1', name: 'm.example.com', type: 'A', alias: { dnsName: 'demo-alb-1.us-east-1.elb.amazonaws.com', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true } };

beforeEach(() => r53.reset());

describe('route53.record', () => {
  it('upserts an alias record and waits until INSYNC', async () => {
    r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
    r53.on(GetChangeCommand).resolvesOnce({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } })
      .resolves({ ChangeInfo: { Id: 'C1', Status: 'INSYNC', SubmittedAt: new Date() } });
    const actual = await withFakeTime(() => handler.create(ctx, { ...call('edge.dnsRecord'), inputs: { ...alias }, token: 't', tags: {} }));
    const change = r53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes![0];
    expect(change.Action).toBe('UPSERT');
    expect(change.ResourceRecordSet!.AliasTarget).toEqual({ DNSName: alias.alias.dnsName, HostedZoneId: 'Z35SXDOTRQ7X7K', EvaluateTargetHealth: true });
    expect(actual.id).toBe('Z1|m.example.com|A');
  });

  it('reads a CNAME back normalised (no trailing dot, any value order)', async () => {
    r53.on(ListResourceRecordSetsCommand).resolves({ IsTruncated: false, MaxItems: 1, ResourceRecordSets: [{ Name: '_x.m.example.com.', Type: 'CNAME', TTL: 300, ResourceRecords: [{ Value: '_y.acm-validations.aws.' }] }] });
    const actual = (await handler.read(ctx, [{ address: 'v', id: 'Z1|_x.m.example.com|CNAME', inputs: {}, outputs: {} }])).get('v')!;
    expect(actual.inputs).toEqual({ hostedZoneId: 'Z1', name: '_x.m.example.com', type: 'CNAME', ttl: 300, values: ['_y.acm-validations.aws.'] });
    expect(handler.equal!('name', '_x.m.example.com.', actual.inputs.name)).toBe(true);
  });

  it('is absent when the next record in the zone is another one', async () => {
    r53.on(ListResourceRecordSetsCommand).resolves({ IsTruncated: false, MaxItems: 1, ResourceRecordSets: [{ Name: 'z.example.com.', Type: 'A' }] });
    expect((await handler.read(ctx, [{ address: 'v', id: 'Z1|m.example.com|A', inputs: {}, outputs: {} }])).size).toBe(0);
  });

  it('deletes with the record as it is now, and does nothing when it is gone', async () => {
    r53.on(ListResourceRecordSetsCommand).resolvesOnce({ IsTruncated: false, MaxItems: 1, ResourceRecordSets: [{ Name: 'm.example.com.', Type: 'A', AliasTarget: { DNSName: 'x.', HostedZoneId: 'Z2', EvaluateTargetHealth: true } }] })
      .resolves({ IsTruncated: false, MaxItems: 1, ResourceRecordSets: [] });
    r53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: 'C2', Status: 'INSYNC', SubmittedAt: new Date() } });
    r53.on(GetChangeCommand).resolves({ ChangeInfo: { Id: 'C2', Status: 'INSYNC', SubmittedAt: new Date() } });
    await handler.delete(ctx, { ...call('d'), id: 'Z1|m.example.com|A', inputs: {}, outputs: {} });
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)[0].args[0].input.ChangeBatch!.Changes![0]).toMatchObject({ Action: 'DELETE', ResourceRecordSet: { Name: 'm.example.com.' } });
    await handler.delete(ctx, { ...call('d'), id: 'Z1|m.example.com|A', inputs: {}, outputs: {} });
    expect(r53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(1);
  });

  it('treats a missing hosted zone as no record', async () => {
    r53.on(ListResourceRecordSetsCommand).rejects(awsError('NoSuchHostedZone'));
    expect((await handler.read(ctx, [{ address: 'v', id: 'Z9|m.example.com|A', inputs: {}, outputs: {} }])).size).toBe(0);
  });
});
