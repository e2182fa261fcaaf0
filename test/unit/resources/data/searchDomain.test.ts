import {
  CreateDomainCommand, DeleteDomainCommand, DescribeDomainsCommand, OpenSearchClient, UpdateDomainConfigCommand, UpgradeDomainCommand,
  type DomainStatus,
} from '@aws-sdk/client-opensearch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { searchDomainHandler } from '../../../../src/resources/data/searchDomain.js';
import { awsError, call, makeCtx, reports, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const os = mockClient(OpenSearchClient);
const sm = mockClient(SecretsManagerClient);
const ctx = makeCtx();
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1111';
const PASSWORD = 'Aa1-secret-value-xyz';
const LOG = 'arn:aws:logs:us-east-1:123456789012:log-group:/aws/opensearch/demo-search/application';
const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'es:*', Resource: 'arn:aws:es:us-east-1:123456789012:domain/demo-search/*' }] };
const inputs = {
  domainName: 'demo-search', engineVersion: 'OpenSearch_2.5', instanceType: 'r6g.large.search', instanceCount: 3, availabilityZoneCount: 3,
  dedicatedMasterEnabled: false, volumeSize: 100, subnetIds: ['subnet-a', 'subnet-b', 'subnet-c'], securityGroupIds: ['sg-search'],
  kmsKeyId: KEY, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07', accessPolicy: policy, logs: { application: LOG },
  automatedSnapshotStartHour: 2, masterUsername: 'morpheus-admin', masterSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:search',
};
const domain = (extra: Partial<DomainStatus> = {}): DomainStatus => ({
  DomainId: '123456789012/demo-search', DomainName: 'demo-search', ARN: 'arn:aws:es:us-east-1:123456789012:domain/demo-search', Created: true,
  Deleted: false, Processing: false, UpgradeProcessing: false, EngineVersion: 'OpenSearch_2.5',
  ClusterConfig: { InstanceType: 'r6g.large.search', InstanceCount: 3, ZoneAwarenessEnabled: true, ZoneAwarenessConfig: { AvailabilityZoneCount: 3 }, DedicatedMasterEnabled: false },
  EBSOptions: { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: 100, Iops: 3000, Throughput: 125 },
  VPCOptions: { SubnetIds: ['subnet-b', 'subnet-a', 'subnet-c'], SecurityGroupIds: ['sg-search'] },
  EncryptionAtRestOptions: { Enabled: true, KmsKeyId: KEY }, NodeToNodeEncryptionOptions: { Enabled: true },
  DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
  AdvancedSecurityOptions: { Enabled: true, InternalUserDatabaseEnabled: true },
  AccessPolicies: JSON.stringify(policy), LogPublishingOptions: { ES_APPLICATION_LOGS: { CloudWatchLogsLogGroupArn: `${LOG}:*`, Enabled: true } },
  SnapshotOptions: { AutomatedSnapshotStartHour: 2 }, Endpoints: { vpc: 'vpc-demo-search-abc.us-east-1.es.amazonaws.com' },
  ...extra,
});

beforeEach(() => {
  os.reset();
  sm.reset();
  reports.length = 0;
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ username: 'morpheus-admin', password: PASSWORD }) });
});

describe('opensearch.domain', () => {
  it('creates a zone-aware VPC domain, encrypted, HTTPS-only, with fine-grained access control and logs; the password never leaks', async () => {
    os.on(CreateDomainCommand).resolves({});
    os.on(DescribeDomainsCommand).resolvesOnce({ DomainStatusList: [domain({ Processing: true, Endpoints: undefined })] }).resolves({ DomainStatusList: [domain()] });
    const actual = await withFakeTime(() => searchDomainHandler.create(ctx, { ...call(), inputs, token: 't', tags: tagsFor('data.search.domain') }));
    const sent = os.commandCalls(CreateDomainCommand)[0].args[0].input;
    expect(sent).toMatchObject({
      DomainName: 'demo-search', EngineVersion: 'OpenSearch_2.5',
      ClusterConfig: { InstanceCount: 3, ZoneAwarenessEnabled: true, ZoneAwarenessConfig: { AvailabilityZoneCount: 3 }, DedicatedMasterEnabled: false },
      EBSOptions: { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: 100 },
      EncryptionAtRestOptions: { Enabled: true, KmsKeyId: KEY }, NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' },
      AdvancedSecurityOptions: { Enabled: true, InternalUserDatabaseEnabled: true, MasterUserOptions: { MasterUserName: 'morpheus-admin', MasterUserPassword: PASSWORD } },
      LogPublishingOptions: { ES_APPLICATION_LOGS: { CloudWatchLogsLogGroupArn: LOG, Enabled: true } },
    });
    expect(JSON.parse(sent.AccessPolicies!)).toEqual(policy);
    expect(JSON.stringify(actual)).not.toContain(PASSWORD);
    expect(reports.join('\n')).not.toContain(PASSWORD);
    expect(actual.outputs).toEqual({ domainName: 'demo-search', arn: 'arn:aws:es:us-east-1:123456789012:domain/demo-search', domainId: '123456789012/demo-search', endpoint: 'vpc-demo-search-abc.us-east-1.es.amazonaws.com' });
  });

  it('retries while the new log resource policy is not yet honoured', async () => {
    os.on(CreateDomainCommand).rejectsOnce(awsError('ValidationException', 'The Resource Access Policy specified for the CloudWatch Logs log group does not grant sufficient permissions')).resolves({});
    os.on(DescribeDomainsCommand).resolves({ DomainStatusList: [domain()] });
    await withFakeTime(() => searchDomainHandler.create(ctx, { ...call(), inputs, token: 't', tags: {} }));
    expect(os.commandCalls(CreateDomainCommand)).toHaveLength(2);
  });

  it('reads up to five domains per call, in the desired shape (no diff)', async () => {
    os.on(DescribeDomainsCommand).resolves({ DomainStatusList: [domain()] });
    const items = ['demo-search', 'a', 'b', 'c', 'd', 'e'].map((id) => ({ address: id === 'demo-search' ? 'data.search.domain' : id, id, inputs, outputs: {} }));
    const result = await searchDomainHandler.read(ctx, items);
    expect(os.commandCalls(DescribeDomainsCommand)).toHaveLength(2);
    const actual = result.get('data.search.domain')!;
    for (const [field, value] of Object.entries(inputs)) {
      if (field === 'masterUsername' || field === 'masterSecretArn') {
        expect(actual.inputs).not.toHaveProperty(field);
        continue;
      }
      expect(searchDomainHandler.equal!(field, value, actual.inputs[field]), field).toBe(true);
    }
  });

  it('applies cluster and access policy changes with one UpdateDomainConfig and upgrades the engine with UpgradeDomain', async () => {
    os.on(UpdateDomainConfigCommand).resolves({});
    os.on(UpgradeDomainCommand).resolves({});
    os.on(DescribeDomainsCommand).resolves({ DomainStatusList: [domain()] });
    await searchDomainHandler.update!(ctx, {
      ...call(), id: 'demo-search', inputs: { ...inputs, instanceCount: 6, engineVersion: 'OpenSearch_2.11' }, previous: { id: 'demo-search', inputs, outputs: {} },
      changed: ['instanceCount', 'engineVersion'], tags: {},
    });
    const update = os.commandCalls(UpdateDomainConfigCommand)[0].args[0].input;
    expect(update.ClusterConfig).toMatchObject({ InstanceCount: 6, ZoneAwarenessEnabled: true });
    expect(update).not.toHaveProperty('AdvancedSecurityOptions');
    expect(os.commandCalls(UpgradeDomainCommand)[0].args[0].input).toEqual({ DomainName: 'demo-search', TargetVersion: 'OpenSearch_2.11' });
  });

  it('deletes and waits until the domain is no longer listed', async () => {
    os.on(DeleteDomainCommand).resolves({});
    os.on(DescribeDomainsCommand).resolvesOnce({ DomainStatusList: [domain({ Deleted: true })] }).resolves({ DomainStatusList: [] });
    await withFakeTime(() => searchDomainHandler.delete(ctx, { ...call(), id: 'demo-search', inputs, outputs: {} }));
    expect(os.commandCalls(DescribeDomainsCommand)).toHaveLength(2);
    os.on(DeleteDomainCommand).rejects(awsError('ResourceNotFoundException'));
    await searchDomainHandler.delete(ctx, { ...call(), id: 'demo-search', inputs, outputs: {} });
  });
});
