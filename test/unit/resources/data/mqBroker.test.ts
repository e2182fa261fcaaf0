import {
  CreateBrokerCommand, DeleteBrokerCommand, DescribeBrokerCommand, ListBrokersCommand, MqClient, RebootBrokerCommand, UpdateBrokerCommand,
  type DescribeBrokerResponse,
} from '@aws-sdk/client-mq';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { mqBrokerHandler } from '../../../../src/resources/data/mqBroker.js';
import { awsError, call, makeCtx, reports, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const mq = mockClient(MqClient);
const sm = mockClient(SecretsManagerClient);
const ctx = makeCtx();
const PASSWORD = 'Zq8xN3vT5pW2kR7mH4jC6bF9dG1sL0aY';
const inputs = {
  brokerName: 'demo-rabbitmq', engineVersion: '3.13', hostInstanceType: 'mq.m5.large', deploymentMode: 'CLUSTER_MULTI_AZ',
  publiclyAccessible: false, subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'], securityGroupIds: ['sg-mq'], autoMinorVersionUpgrade: true,
  maintenanceWindow: { dayOfWeek: 'SUNDAY', timeOfDay: '04:00', timeZone: 'UTC' }, generalLogs: true, adminUsername: 'morpheus-admin',
  adminSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mq-admin',
};
const broker = (extra: Partial<DescribeBrokerResponse> = {}): DescribeBrokerResponse => ({
  BrokerId: 'b-1', BrokerArn: 'arn:aws:mq:us-east-1:123456789012:broker:demo-rabbitmq:b-1', BrokerName: 'demo-rabbitmq', BrokerState: 'RUNNING',
  EngineType: 'RABBITMQ', EngineVersion: '3.13', HostInstanceType: 'mq.m5.large', DeploymentMode: 'CLUSTER_MULTI_AZ', PubliclyAccessible: false,
  SubnetIds: ['subnet-c', 'subnet-a', 'subnet-b'], SecurityGroups: ['sg-mq'], AutoMinorVersionUpgrade: true,
  MaintenanceWindowStartTime: { DayOfWeek: 'SUNDAY', TimeOfDay: '04:00', TimeZone: 'UTC' }, Logs: { General: true, GeneralLogGroup: '/aws/amazonmq/broker/b-1/general' },
  Users: [{ Username: 'morpheus-admin' }],
  BrokerInstances: [{ ConsoleURL: 'https://b-1.mq.us-east-1.amazonaws.com', Endpoints: ['amqps://b-1.mq.us-east-1.amazonaws.com:5671'] }],
  Tags: { 'morpheus-ws:address': 'data.mq.broker', 'morpheus-ws:workspace': 'demo' },
  ...extra,
});

beforeEach(() => {
  mq.reset();
  sm.reset();
  reports.length = 0;
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'morpheus-admin', password: PASSWORD }) });
});

describe('mq.broker', () => {
  it('creates a private RabbitMQ cluster with the admin password read from its secret, and never exposes it', async () => {
    mq.on(CreateBrokerCommand).resolves({ BrokerId: 'b-1' });
    mq.on(DescribeBrokerCommand).resolvesOnce(broker({ BrokerState: 'CREATION_IN_PROGRESS' })).resolves(broker());
    const actual = await withFakeTime(() => mqBrokerHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: tagsFor('data.mq.broker') }));
    const sent = mq.commandCalls(CreateBrokerCommand)[0].args[0].input;
    expect(sent).toMatchObject({
      BrokerName: 'demo-rabbitmq', EngineType: 'RABBITMQ', DeploymentMode: 'CLUSTER_MULTI_AZ', PubliclyAccessible: false,
      CreatorRequestId: 'tok', Logs: { General: true }, Users: [{ Username: 'morpheus-admin', Password: PASSWORD }],
    });
    expect(sent.Tags).toMatchObject({ 'morpheus-ws:address': 'data.mq.broker' });
    expect(sm.commandCalls(GetSecretValueCommand)[0].args[0].input.SecretId).toBe(inputs.adminSecretArn);
    expect(JSON.stringify(actual)).not.toContain(PASSWORD);
    expect(reports.join('\n')).not.toContain(PASSWORD);
    expect(actual.outputs).toEqual({
      brokerId: 'b-1', arn: 'arn:aws:mq:us-east-1:123456789012:broker:demo-rabbitmq:b-1',
      amqpsEndpoint: 'amqps://b-1.mq.us-east-1.amazonaws.com:5671', amqpsHost: 'b-1.mq.us-east-1.amazonaws.com',
      consoleUrl: 'https://b-1.mq.us-east-1.amazonaws.com',
    });
  });

  it('reads in the desired shape: no diff, the secret ARN is not readable and is left out', async () => {
    mq.on(DescribeBrokerCommand).resolves(broker());
    const actual = (await mqBrokerHandler.read(ctx, [{ address: 'data.mq.broker', id: 'b-1', inputs, outputs: {} }])).get('data.mq.broker')!;
    expect(actual.inputs).not.toHaveProperty('adminSecretArn');
    for (const [field, value] of Object.entries(inputs)) {
      if (field !== 'adminSecretArn') expect(mqBrokerHandler.equal!(field, value, actual.inputs[field]), field).toBe(true);
    }
  });

  it('treats a missing or deleting broker as absent', async () => {
    mq.on(DescribeBrokerCommand, { BrokerId: 'b-1' }).rejects(awsError('NotFoundException'));
    mq.on(DescribeBrokerCommand, { BrokerId: 'b-2' }).resolves(broker({ BrokerId: 'b-2', BrokerState: 'DELETION_IN_PROGRESS' }));
    const result = await mqBrokerHandler.read(ctx, [{ address: 'a', id: 'b-1', inputs, outputs: {} }, { address: 'b', id: 'b-2', inputs, outputs: {} }]);
    expect(result.size).toBe(0);
  });

  it('updates with UpdateBroker and reboots when AWS holds the change until a reboot', async () => {
    mq.on(UpdateBrokerCommand).resolves({});
    mq.on(RebootBrokerCommand).resolves({});
    mq.on(DescribeBrokerCommand).resolvesOnce(broker({ PendingHostInstanceType: 'mq.m5.xlarge' }))
      .resolvesOnce(broker({ BrokerState: 'REBOOT_IN_PROGRESS' })).resolves(broker({ HostInstanceType: 'mq.m5.xlarge' }));
    const actual = await withFakeTime(() => mqBrokerHandler.update!(ctx, {
      ...call(), id: 'b-1', inputs: { ...inputs, hostInstanceType: 'mq.m5.xlarge' }, previous: { id: 'b-1', inputs, outputs: {} }, changed: ['hostInstanceType'], tags: {},
    }));
    expect(mq.commandCalls(UpdateBrokerCommand)[0].args[0].input).toEqual({ BrokerId: 'b-1', HostInstanceType: 'mq.m5.xlarge' });
    expect(mq.commandCalls(RebootBrokerCommand)).toHaveLength(1);
    expect(actual.inputs.hostInstanceType).toBe('mq.m5.xlarge');
  });

  it('does not reboot for a change that applies at once', async () => {
    mq.on(UpdateBrokerCommand).resolves({});
    mq.on(DescribeBrokerCommand).resolves(broker({ AutoMinorVersionUpgrade: false }));
    await mqBrokerHandler.update!(ctx, {
      ...call(), id: 'b-1', inputs: { ...inputs, autoMinorVersionUpgrade: false }, previous: { id: 'b-1', inputs, outputs: {} }, changed: ['autoMinorVersionUpgrade'], tags: {},
    });
    expect(mq.commandCalls(RebootBrokerCommand)).toHaveLength(0);
  });

  it('finds its broker by name and address tag', async () => {
    mq.on(ListBrokersCommand).resolves({ BrokerSummaries: [{ BrokerId: 'b-1', BrokerName: 'demo-rabbitmq', BrokerState: 'RUNNING', DeploymentMode: 'CLUSTER_MULTI_AZ', EngineType: 'RABBITMQ', HostInstanceType: 'mq.m5.large' }] });
    mq.on(DescribeBrokerCommand).resolves(broker());
    expect((await mqBrokerHandler.find(ctx, { address: 'data.mq.broker', token: 'tok', inputs: {}, tags: tagsFor('data.mq.broker') }))?.id).toBe('b-1');
  });

  it('deletes, retrying while the broker is busy, and waits until it is gone', async () => {
    mq.on(DeleteBrokerCommand).rejectsOnce(awsError('ConflictException')).resolves({});
    mq.on(DescribeBrokerCommand).resolvesOnce(broker({ BrokerState: 'DELETION_IN_PROGRESS' })).rejects(awsError('NotFoundException'));
    await withFakeTime(() => mqBrokerHandler.delete(ctx, { ...call(), id: 'b-1', inputs, outputs: {} }));
    expect(mq.commandCalls(DeleteBrokerCommand)).toHaveLength(2);
  });
});
