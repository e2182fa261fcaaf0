import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeDomainsCommand, OpenSearchClient, UpdateDomainConfigCommand } from '@aws-sdk/client-opensearch';
import {
  DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCommandInvocationCommand, ListCommandsCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../../src/aws/clients.js';
import { rotateCredentials, rotationPlan, type RotationPlan } from '../../../src/commands/rotateCredentials.js';
import type { StateDoc } from '../../../src/state/types.js';

const sm = mockClient(SecretsManagerClient);
const es = mockClient(OpenSearchClient);
const ssm = mockClient(SSMClient);
const asg = mockClient(AutoScalingClient);

const ARN = {
  dbApp: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:morpheus-ws/demo/db-app-AbCdEf',
  mqApp: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:morpheus-ws/demo/mq-app-AbCdEf',
  searchMaster: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:morpheus-ws/demo/search-master-AbCdEf',
  mqAdmin: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:morpheus-ws/demo/mq-admin-AbCdEf',
};
const NODES = ['i-0aaa', 'i-0bbb', 'i-0ccc'];

function secretResource(name: keyof typeof ARN, symbols = '') {
  return {
    kind: 'secretsmanager.secret', tier: 'data' as const, id: ARN[name], inputsHash: '', dependsOn: [], createdAt: '', updatedAt: '',
    inputs: { name, passwordLength: 32, passwordSymbols: symbols }, outputs: { arn: ARN[name], name },
  };
}

const doc = {
  version: 1, lineage: 'l', serial: 3, workspace: 'demo', region: 'us-east-1', intents: {},
  resources: {
    'data.secret.dbApp': secretResource('dbApp'),
    'data.secret.mqApp': secretResource('mqApp'),
    'data.secret.searchMaster': secretResource('searchMaster', '-_.~'),
    'data.secret.mqAdmin': secretResource('mqAdmin'),
    'data.search.domain': { kind: 'opensearch.domain', tier: 'data', id: 'demo-search', inputs: {}, inputsHash: '', dependsOn: [], createdAt: '', updatedAt: '', outputs: { domainName: 'demo-search' } },
    'app.asg': { kind: 'autoscaling.group', tier: 'app', id: 'demo-morpheus-app', inputs: {}, inputsHash: '', dependsOn: [], createdAt: '', updatedAt: '', outputs: { name: 'demo-morpheus-app' } },
  },
} as unknown as StateDoc;

/** Every mutating call in order, across services: the order is what keeps the service up. */
let sequence: string[];
/** Values this test generated through PutSecretValue, to look for anywhere they must not be. */
let putValues: string[];
let commandStatus: string;

function fakeSecrets(): void {
  const versions = new Map<string, Record<string, string[]>>();
  const values = new Map<string, string>();
  for (const arn of Object.values(ARN)) {
    versions.set(arn, { 'v-old': ['AWSCURRENT'] });
    values.set(`${arn}@AWSCURRENT`, JSON.stringify({ username: 'someone', password: 'old-password-0000' }));
  }
  sm.on(DescribeSecretCommand).callsFake((input) => ({ ARN: input.SecretId, VersionIdsToStages: versions.get(input.SecretId), LastChangedDate: new Date('2026-01-02T03:04:05Z') }));
  sm.on(GetSecretValueCommand).callsFake((input) => ({ SecretString: values.get(`${input.SecretId}@${input.VersionStage ?? 'AWSCURRENT'}`) }));
  sm.on(PutSecretValueCommand).callsFake((input) => {
    sequence.push(`PutSecretValue ${input.SecretId} ${input.VersionStages}`);
    putValues.push(JSON.parse(input.SecretString).password);
    values.set(`${input.SecretId}@AWSPENDING`, input.SecretString);
    versions.get(input.SecretId)![input.ClientRequestToken] = ['AWSPENDING'];
    return { VersionId: input.ClientRequestToken };
  });
  sm.on(UpdateSecretVersionStageCommand).callsFake((input) => {
    sequence.push(`UpdateSecretVersionStage ${input.SecretId} ${input.VersionStage} ${input.MoveToVersionId ? 'move' : 'remove'}`);
    const v = versions.get(input.SecretId)!;
    if (input.RemoveFromVersionId) v[input.RemoveFromVersionId] = v[input.RemoveFromVersionId].filter((s) => s !== input.VersionStage);
    if (input.MoveToVersionId) v[input.MoveToVersionId] = [...v[input.MoveToVersionId], input.VersionStage];
    return {};
  });
}

beforeEach(() => {
  for (const m of [sm, es, ssm, asg]) m.reset();
  sequence = [];
  putValues = [];
  commandStatus = 'Success';
  fakeSecrets();
  asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{
    AutoScalingGroupName: 'demo-morpheus-app', MinSize: 3, MaxSize: 6, DesiredCapacity: 3, DefaultCooldown: 300, AvailabilityZones: [], HealthCheckType: 'ELB', CreatedTime: new Date(),
    Instances: [
      ...NODES.map((InstanceId, i) => ({ InstanceId, AvailabilityZone: `us-east-1${'abc'[i]}`, LifecycleState: 'InService' as const, HealthStatus: 'Healthy', ProtectedFromScaleIn: false })),
      { InstanceId: 'i-0new', AvailabilityZone: 'us-east-1a', LifecycleState: 'Pending' as const, HealthStatus: 'Healthy', ProtectedFromScaleIn: false },
    ],
  }] });
  let n = 0;
  ssm.on(SendCommandCommand).callsFake((input) => {
    const task = /rotation \(([a-z-]+)\)/.exec(input.Parameters.commands.join('\n'))?.[1];
    sequence.push(`SendCommand ${task} ${input.InstanceIds.join(',')} concurrency=${input.MaxConcurrency} errors=${input.MaxErrors}`);
    return { Command: { CommandId: `cmd-${++n}` } };
  });
  ssm.on(ListCommandsCommand).callsFake(() => ({ Commands: [{ Status: commandStatus, CompletedCount: 1, TargetCount: 1 }] }));
  ssm.on(GetCommandInvocationCommand).callsFake((input) => ({ InstanceId: input.InstanceId, Status: commandStatus, StatusDetails: commandStatus }));
  es.on(UpdateDomainConfigCommand).callsFake(() => {
    sequence.push('UpdateDomainConfig');
    return {};
  });
  es.on(DescribeDomainsCommand).resolves({ DomainStatusList: [{ DomainName: 'demo-search', DomainId: 'x', ARN: 'a', ClusterConfig: {}, Processing: false, Created: true }] });
});

const aws = () => new AwsClients({ region: 'us-east-1', maxAttempts: 1 });
const hooks = { report: () => {} };
const plan = (which: Parameters<typeof rotationPlan>[3]): RotationPlan => rotationPlan(doc, 'demo', 'us-east-1', which);

/** Everything any SendCommand carried: script lines, comment, instance ids. */
const sentToNodes = () => JSON.stringify(ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input));

describe('rotate-credentials', () => {
  it('db: user first (dual password), then the secret, then the nodes one at a time, then the old password goes', async () => {
    const result = await rotateCredentials(aws(), plan('db'), hooks);
    expect(result.outcomes).toMatchObject([{ credential: 'dbApp', status: 'rotated', changed: '2026-01-02T03:04:05.000Z' }]);
    expect(sequence).toEqual([
      `PutSecretValue ${ARN.dbApp} AWSPENDING`,
      'SendCommand db-user i-0aaa concurrency=1 errors=0',
      `UpdateSecretVersionStage ${ARN.dbApp} AWSCURRENT move`,
      `UpdateSecretVersionStage ${ARN.dbApp} AWSPENDING remove`,
      'SendCommand refresh-node i-0aaa,i-0bbb,i-0ccc concurrency=1 errors=0',
      'SendCommand db-user-discard-old i-0aaa concurrency=1 errors=0',
    ]);
    expect(result.oldDbPasswordDiscarded).toBe(true);
    const put = sm.commandCalls(PutSecretValueCommand)[0].args[0].input;
    expect(put.ClientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(put.SecretString!)).toMatchObject({ username: 'someone' });
    expect(putValues[0]).toMatch(/^[A-Za-z0-9]{32}$/);
    // AWSCURRENT moves from the old version, so Secrets Manager keeps it as AWSPREVIOUS.
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0].args[0].input).toMatchObject({ VersionStage: 'AWSCURRENT', RemoveFromVersionId: 'v-old' });
  });

  it('no secret value in any SendCommand: nodes read it from Secrets Manager (AWSPENDING) themselves', async () => {
    await rotateCredentials(aws(), plan('all'), hooks);
    expect(putValues).toHaveLength(3);
    const sent = sentToNodes();
    for (const value of [...putValues, 'old-password-0000']) expect(sent).not.toContain(value);
    const scripts = ssm.commandCalls(SendCommandCommand).map((c) => c.args[0].input.Parameters!.commands!.join('\n'));
    expect(scripts[0]).toContain('--version-stage AWSPENDING');
    expect(scripts[0]).toContain('RETAIN CURRENT PASSWORD');
    expect(ssm.commandCalls(SendCommandCommand)[0].args[0].input.DocumentName).toBe('AWS-RunShellScript');
  });

  it('all: one rolling reconfigure after every service change, each service changed before its secret switches', async () => {
    await rotateCredentials(aws(), plan('all'), hooks);
    const index = (text: string) => sequence.findIndex((s) => s.startsWith(text));
    for (const [change, arn] of [['SendCommand db-user', ARN.dbApp], ['SendCommand mq-app-user', ARN.mqApp], ['UpdateDomainConfig', ARN.searchMaster]]) {
      expect(index(`PutSecretValue ${arn}`)).toBeLessThan(index(change));
      expect(index(change)).toBeLessThan(index(`UpdateSecretVersionStage ${arn} AWSCURRENT`));
      expect(index(`UpdateSecretVersionStage ${arn} AWSCURRENT`)).toBeLessThan(index('SendCommand refresh-node'));
    }
    expect(sequence.filter((s) => s.startsWith('SendCommand refresh-node'))).toHaveLength(1);
    expect(sequence.at(-1)).toMatch(/^SendCommand db-user-discard-old/);
    expect(sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input.SecretId)).not.toContain(ARN.mqAdmin);
  });

  it('search: the password reaches UpdateDomainConfig and no node command', async () => {
    await rotateCredentials(aws(), plan('search'), hooks);
    const update = es.commandCalls(UpdateDomainConfigCommand)[0].args[0].input;
    expect(update.AdvancedSecurityOptions?.MasterUserOptions).toEqual({ MasterUserName: 'someone', MasterUserPassword: putValues[0] });
    expect(putValues[0]).toMatch(/[-_.~]/);
    expect(sentToNodes()).not.toContain(putValues[0]);
    expect(sequence.filter((s) => s.startsWith('SendCommand')).map((s) => s.split(' ')[1])).toEqual(['refresh-node']);
  });

  it('a failed service change leaves AWSCURRENT alone and does not touch the nodes', async () => {
    commandStatus = 'Failed';
    const result = await rotateCredentials(aws(), plan('mq'), hooks);
    expect(result.outcomes[0]).toMatchObject({ status: 'failed' });
    expect(result.outcomes[0].error).toMatch(/AWSPENDING version .* running the same command again resumes/);
    expect(sequence.some((s) => s.includes('AWSCURRENT'))).toBe(false);
    expect(sequence.some((s) => s.includes('refresh-node'))).toBe(false);
    expect(JSON.stringify(result)).not.toContain(putValues[0]);
  });

  it('resumes with an AWSPENDING left by a failed run instead of generating another value', async () => {
    commandStatus = 'Failed';
    await rotateCredentials(aws(), plan('db'), hooks);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    commandStatus = 'Success';
    sequence = [];
    const again = await rotateCredentials(aws(), plan('db'), hooks);
    expect(again.outcomes[0].status).toBe('rotated');
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect(sequence[0]).toBe('SendCommand db-user i-0aaa concurrency=1 errors=0');
  });

  it('the MQ admin only when named, and it needs no node reconfigure', async () => {
    const result = await rotateCredentials(aws(), plan('mq-admin'), hooks);
    expect(result.outcomes).toMatchObject([{ credential: 'mqAdmin', status: 'rotated' }]);
    expect(sequence.filter((s) => s.startsWith('SendCommand')).map((s) => s.split(' ')[1])).toEqual(['mq-admin-user']);
  });

  it('refuses node-side rotations when no app node is in service', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ AutoScalingGroupName: 'demo-morpheus-app', MinSize: 0, MaxSize: 0, DesiredCapacity: 0, DefaultCooldown: 300, AvailabilityZones: [], HealthCheckType: 'ELB', CreatedTime: new Date(), Instances: [] }] });
    await expect(rotateCredentials(aws(), plan('db'), hooks)).rejects.toThrow(/no app node is in service/);
    expect(sequence).toEqual([]);
  });
});
