import { CloudWatchLogsClient, DeleteResourcePolicyCommand, DescribeResourcePoliciesCommand, PutResourcePolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  AddTagsToResourceCommand, DeleteParameterCommand, GetParameterCommand, GetParametersCommand, ListTagsForResourceCommand, PutParameterCommand, SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { logsResourcePolicyHandler } from '../../../../src/resources/data/logsResourcePolicy.js';
import { ssmParameterHandler } from '../../../../src/resources/data/ssmParameter.js';
import { awsError, call, makeCtx, tagsFor } from '../shared/handlerHarness.js';

const ssm = mockClient(SSMClient);
const logs = mockClient(CloudWatchLogsClient);
const ctx = makeCtx();
const NAME = '/morpheus-ws/demo/db/endpoint';
const param = (name: string, value: string) => ({ Name: name, Value: value, ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name}`, Type: 'String' as const });

beforeEach(() => {
  ssm.reset();
  logs.reset();
});

describe('ssm.parameter', () => {
  it('creates a tagged String parameter', async () => {
    ssm.on(PutParameterCommand).resolves({});
    ssm.on(GetParameterCommand).resolves({ Parameter: param(NAME, 'db.example') });
    const actual = await ssmParameterHandler.create(ctx, { ...call(), inputs: { name: NAME, value: 'db.example', description: 'd' }, token: 't', tags: tagsFor('data.ssm[db/endpoint]') });
    expect(ssm.commandCalls(PutParameterCommand)[0].args[0].input).toMatchObject({ Name: NAME, Value: 'db.example', Type: 'String', Overwrite: false });
    expect(ssm.commandCalls(PutParameterCommand)[0].args[0].input.Tags).toContainEqual({ Key: 'morpheus-ws:address', Value: 'data.ssm[db/endpoint]' });
    expect(actual).toEqual({ id: NAME, inputs: { name: NAME, value: 'db.example' }, outputs: { name: NAME, arn: `arn:aws:ssm:us-east-1:123456789012:parameter${NAME}` } });
  });

  it('takes over a parameter that already exists (overwrite, then tag)', async () => {
    ssm.on(PutParameterCommand).rejectsOnce(awsError('ParameterAlreadyExists')).resolves({});
    ssm.on(AddTagsToResourceCommand).resolves({});
    ssm.on(GetParameterCommand).resolves({ Parameter: param(NAME, 'x') });
    await ssmParameterHandler.create(ctx, { ...call(), inputs: { name: NAME, value: 'x', description: 'd' }, token: 't', tags: tagsFor('a') });
    const second = ssm.commandCalls(PutParameterCommand)[1].args[0].input;
    expect(second.Overwrite).toBe(true);
    expect(second.Tags).toBeUndefined();
    expect(ssm.commandCalls(AddTagsToResourceCommand)).toHaveLength(1);
  });

  it('reads with GetParameters, ten names per call', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `/morpheus-ws/demo/p${i}`);
    ssm.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({ Parameters: input.Names.slice(1).map((n) => param(n, 'v')), InvalidParameters: input.Names.slice(0, 1) }));
    const result = await ssmParameterHandler.read(ctx, names.map((n) => ({ address: n, id: n, inputs: {}, outputs: {} })));
    expect(ssm.commandCalls(GetParametersCommand).map((c) => c.args[0].input.Names!.length)).toEqual([10, 2]);
    expect(result.size).toBe(10);
  });

  it('finds a parameter only when it carries our tags', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: param(NAME, 'v') });
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'morpheus-ws:address', Value: 'data.ssm[db/endpoint]' }, { Key: 'morpheus-ws:workspace', Value: 'demo' }] });
    expect((await ssmParameterHandler.find(ctx, { address: 'data.ssm[db/endpoint]', token: 't', inputs: {}, tags: tagsFor('data.ssm[db/endpoint]') }))?.id).toBe(NAME);
    expect(ssm.commandCalls(GetParameterCommand)[0].args[0].input.Name).toBe(NAME);
  });

  it('updates by overwriting and deletes (NotFound is done)', async () => {
    ssm.on(PutParameterCommand).resolves({});
    ssm.on(GetParameterCommand).resolves({ Parameter: param(NAME, 'new') });
    const actual = await ssmParameterHandler.update!(ctx, { ...call(), id: NAME, inputs: { name: NAME, value: 'new', description: 'd' }, previous: { id: NAME, inputs: {}, outputs: {} }, changed: ['value'], tags: {} });
    expect(actual.inputs.value).toBe('new');
    ssm.on(DeleteParameterCommand).rejects(awsError('ParameterNotFound'));
    await ssmParameterHandler.delete(ctx, { ...call(), id: NAME, inputs: {}, outputs: {} });
  });
});

describe('logs.resourcePolicy', () => {
  const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'es.amazonaws.com' }, Action: ['logs:PutLogEvents'], Resource: 'x' }] };

  it('puts the policy on create and update, and reads it back as an object', async () => {
    logs.on(PutResourcePolicyCommand).resolves({ resourcePolicy: { policyName: 'p', policyDocument: JSON.stringify(document) } });
    const actual = await logsResourcePolicyHandler.create(ctx, { ...call(), inputs: { policyName: 'p', policyDocument: document }, token: 't', tags: {} });
    expect(actual.inputs).toEqual({ policyName: 'p', policyDocument: document });
    logs.on(DescribeResourcePoliciesCommand).resolves({ resourcePolicies: [{ policyName: 'other' }, { policyName: 'p', policyDocument: JSON.stringify(document) }] });
    const read = await logsResourcePolicyHandler.read(ctx, [{ address: 'a', id: 'p', inputs: {}, outputs: {} }, { address: 'b', id: 'gone', inputs: {}, outputs: {} }]);
    expect([...read.keys()]).toEqual(['a']);
    expect(logsResourcePolicyHandler.equal!('policyDocument', document, read.get('a')!.inputs.policyDocument)).toBe(true);
  });

  it('deletes; NotFound is done', async () => {
    logs.on(DeleteResourcePolicyCommand).rejects(awsError('ResourceNotFoundException'));
    await logsResourcePolicyHandler.delete(ctx, { ...call(), id: 'p', inputs: {}, outputs: {} });
  });
});
