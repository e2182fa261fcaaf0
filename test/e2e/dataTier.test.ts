/**
 * The data tier issue end to end: the built CLI against moto behind the recording proxy.
 * init --yes -> apply --yes -> read Aurora, EFS, Amazon MQ, OpenSearch, Secrets Manager and SSM directly ->
 * no secret value anywhere the tool writes or prints -> plan --detailed-exitcode = 0 -> destroy leaves nothing.
 * Then a second workspace is destroyed without --skip-final-snapshot and leaves a final Aurora snapshot.
 */
import { DescribeSecurityGroupsCommand, DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeBackupPolicyCommand, DescribeFileSystemsCommand, DescribeMountTargetSecurityGroupsCommand, DescribeMountTargetsCommand,
  EFSClient, type FileSystemDescription,
} from '@aws-sdk/client-efs';
import { DescribeBrokerCommand, ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { DescribeDomainCommand, ListDomainNamesCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import {
  DescribeDBClusterParametersCommand, DescribeDBClusterSnapshotsCommand, DescribeDBClustersCommand, DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand, RDSClient, type DBCluster, type Parameter,
} from '@aws-sdk/client-rds';
import { DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersByPathCommand, SSMClient, type Parameter as SsmParameter } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from '../support/cli.js';
import { tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

const aws = useEmulator();
const WS = 'dtier';
const SNAPSHOT_WS = 'dsnap';
const CLUSTER_ID = `${WS}-aurora`;
const PREFIX = `/morpheus-ws/${WS}/`;
const APPLY_TIMEOUT_MS = 300_000;

let dir: string;
let rds: RDSClient;
let efs: EFSClient;
let mq: MqClient;
let search: OpenSearchClient;
let secrets: SecretsManagerClient;
let ssm: SSMClient;
let ec2: EC2Client;
/** Every CLI run of the main workspace, for the secret-leak check. */
const printed: { what: string; result: CliResult }[] = [];

interface StateResource { kind: string; id: string; inputs: Record<string, unknown>; outputs: Record<string, any> }
const stateOf = (workdir: string, ws: string): { resources: Record<string, StateResource> } =>
  JSON.parse(readFileSync(join(workdir, '.morpheus-ws', `${ws}.state.json`), 'utf8'));
const stateText = () => readFileSync(join(dir, '.morpheus-ws', `${WS}.state.json`), 'utf8');
const resource = (address: string) => {
  const found = stateOf(dir, WS).resources[address];
  if (!found) throw new Error(`${address} is not in the state`);
  return found;
};
const keyArn = () => resource('security.kms.key').outputs.arn as string;
const groupId = (name: string) => resource(`network.sg.${name}`).outputs.groupId as string;
const privateSubnets = () => Object.entries(stateOf(dir, WS).resources)
  .filter(([address]) => address.startsWith('network.subnet.private['))
  .map(([, r]) => ({ subnetId: r.outputs.subnetId as string, az: r.outputs.az as string }));
const privateSubnetIds = () => privateSubnets().map((s) => s.subnetId).sort();
const sorted = (values: readonly (string | undefined)[] | undefined) => [...(values ?? [])].map(String).sort();

async function cli(what: string, args: string[], timeoutMs = 120_000): Promise<CliResult> {
  const result = await aws.cli(args, { cwd: dir, timeoutMs });
  printed.push({ what, result });
  return result;
}

async function cluster(): Promise<DBCluster> {
  const { DBClusters } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: CLUSTER_ID }));
  expect(DBClusters).toHaveLength(1);
  return DBClusters![0];
}

async function workspaceParameters(prefix = PREFIX): Promise<SsmParameter[]> {
  const found: SsmParameter[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ssm.send(new GetParametersByPathCommand({ Path: prefix, Recursive: true, NextToken }));
    found.push(...(page.Parameters ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

async function workspaceFileSystems(ws: string): Promise<FileSystemDescription[]> {
  const { FileSystems } = await efs.send(new DescribeFileSystemsCommand({}));
  return (FileSystems ?? []).filter((f) => f.LifeCycleState !== 'deleted'
    && f.Tags?.some((t) => t.Key === 'morpheus-ws:workspace' && t.Value === ws));
}

/** Base64, then gzip when it carries the gzip magic bytes (cloud-init unpacks both). */
function decodeUserData(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
}

describe('data tier: Aurora, EFS, Amazon MQ, OpenSearch, secrets and parameters', () => {
  beforeAll(async () => {
    dir = tempWorkdir();
    const config = aws.clientConfig();
    rds = new RDSClient(config);
    efs = new EFSClient(config);
    mq = new MqClient(config);
    search = new OpenSearchClient(config);
    secrets = new SecretsManagerClient(config);
    ssm = new SSMClient(config);
    ec2 = new EC2Client(config);
    const init = await aws.cli(['init', '--yes', '--name', WS, '--region', 'us-east-1'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    // --debug: its per-call log is one of the outputs the secret-leak check reads.
    const apply = await cli('apply --debug', ['--debug', 'apply', '--yes'], APPLY_TIMEOUT_MS);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/Apply complete: \d+ done, 0 failed/);
    console.log(`data tier apply: ${apply.ms} ms, ${aws.calls.length} AWS calls`);
  }, APPLY_TIMEOUT_MS);

  it('runs an encrypted Aurora MySQL 3.x cluster with backups, deletion protection and log exports', async () => {
    const c = await cluster();
    expect(c.Engine).toBe('aurora-mysql');
    expect(c.EngineVersion).toMatch(/^8\.0\.mysql_aurora\.3\.\d+\.\d+$/);
    expect(c.EngineMode ?? 'provisioned').toBe('provisioned');
    expect(c.StorageEncrypted).toBe(true);
    expect(c.KmsKeyId).toBe(keyArn());
    expect(c.BackupRetentionPeriod).toBeGreaterThanOrEqual(7);
    expect(c.PreferredBackupWindow).toMatch(/^\d{2}:\d{2}-\d{2}:\d{2}$/);
    expect(c.DeletionProtection).toBe(true);
    expect(sorted(c.EnabledCloudwatchLogsExports)).toEqual(expect.arrayContaining(['audit', 'error', 'slowquery']));
    expect(c.PubliclyAccessible ?? false).toBe(false);
  });

  it('lets RDS manage the master password in Secrets Manager, encrypted with the workspace key', async () => {
    const c = await cluster();
    expect(c.MasterUserSecret?.SecretArn).toMatch(/^arn:aws:secretsmanager:/);
    expect(c.MasterUserSecret?.KmsKeyId).toBe(keyArn());
    // No password ever travels from morpheus-ws to RDS.
    const create = aws.callsTo('rds', 'CreateDBCluster');
    expect(create).toHaveLength(1);
    expect(create[0].params.ManageMasterUserPassword).toBe('true');
    expect(create[0].params.MasterUserPassword).toBeUndefined();
    expect(resource('data.db.cluster').outputs.masterSecretArn).toBe(c.MasterUserSecret?.SecretArn);
  });

  it('uses its own cluster parameter group with utf8mb4, UTC and enough max_connections', async () => {
    const c = await cluster();
    expect(c.DBClusterParameterGroup).toBe(`${WS}-aurora-mysql8-0`);
    const parameters: Parameter[] = [];
    let Marker: string | undefined;
    do {
      const page = await rds.send(new DescribeDBClusterParametersCommand({ DBClusterParameterGroupName: c.DBClusterParameterGroup, Source: 'user', Marker }));
      parameters.push(...(page.Parameters ?? []));
      Marker = page.Marker;
    } while (Marker);
    const value = new Map(parameters.map((p) => [p.ParameterName!, p.ParameterValue!]));
    for (const name of ['character_set_server', 'character_set_client', 'character_set_connection', 'character_set_database', 'character_set_results']) {
      expect(value.get(name), name).toBe('utf8mb4');
    }
    expect(value.get('collation_server')).toMatch(/^utf8mb4_/);
    expect(value.get('time_zone')).toBe('UTC');
    // 150 per app node at the app tier's maximum size (DESIGN.md §5).
    expect(Number(value.get('max_connections'))).toBeGreaterThanOrEqual(150 * 6);
  });

  it('puts >= 2 instances in different AZs of the private subnets, reachable only through the db security group', async () => {
    const c = await cluster();
    const members = c.DBClusterMembers ?? [];
    expect(members.length).toBeGreaterThanOrEqual(2);
    expect(members.filter((m) => m.IsClusterWriter)).toHaveLength(1);
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [CLUSTER_ID] }] }));
    expect(DBInstances!.length).toBeGreaterThanOrEqual(2);
    const azs = DBInstances!.map((i) => i.AvailabilityZone!);
    expect(new Set(azs).size).toBe(azs.length);
    const privateAzs = privateSubnets().map((s) => s.az);
    for (const az of azs) expect(privateAzs).toContain(az);
    for (const instance of DBInstances!) {
      expect(instance.Engine).toBe('aurora-mysql');
      expect(instance.PubliclyAccessible).toBe(false);
    }

    const { DBSubnetGroups } = await rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: c.DBSubnetGroup }));
    expect(sorted(DBSubnetGroups![0].Subnets!.map((s) => s.SubnetIdentifier))).toEqual(privateSubnetIds());
    expect(c.VpcSecurityGroups!.map((g) => g.VpcSecurityGroupId)).toEqual([groupId('db')]);

    // moto ignores Performance Insights and Enhanced Monitoring on CreateDBInstance (DESIGN.md §7): assert what was sent.
    const creates = aws.callsTo('rds', 'CreateDBInstance');
    expect(creates.length).toBe(DBInstances!.length);
    for (const create of creates) {
      expect(create.params).toMatchObject({
        DBClusterIdentifier: CLUSTER_ID, EnablePerformanceInsights: 'true', PerformanceInsightsKMSKeyId: keyArn(),
        MonitoringRoleArn: resource('data.db.monitoringRole').outputs.arn, PubliclyAccessible: 'false',
      });
      expect(Number(create.params.MonitoringInterval)).toBeGreaterThan(0);
    }
  });

  it('encrypts EFS with the workspace key, mounts it in every private subnet through the efs group, and backs it up', async () => {
    const [fs, ...others] = await workspaceFileSystems(WS);
    expect(others).toEqual([]);
    expect(fs.Encrypted).toBe(true);
    expect(fs.KmsKeyId).toBe(keyArn());
    const { MountTargets } = await efs.send(new DescribeMountTargetsCommand({ FileSystemId: fs.FileSystemId }));
    expect(sorted(MountTargets!.map((m) => m.SubnetId))).toEqual(privateSubnetIds());
    for (const target of MountTargets!) {
      const { SecurityGroups } = await efs.send(new DescribeMountTargetSecurityGroupsCommand({ MountTargetId: target.MountTargetId }));
      expect(SecurityGroups).toEqual([groupId('efs')]);
    }
    const { BackupPolicy } = await efs.send(new DescribeBackupPolicyCommand({ FileSystemId: fs.FileSystemId }));
    expect(BackupPolicy?.Status).toBe('ENABLED');
    // Automatic backups are asked for at creation, so no window exists without them.
    expect(aws.callsTo('elasticfilesystem', 'CreateFileSystem')[0].params).toMatchObject({ Backup: true, Encrypted: true });
  });

  it('runs a private RabbitMQ 3.13 cluster over the private subnets with general logs', async () => {
    const { BrokerSummaries } = await mq.send(new ListBrokersCommand({}));
    const summary = BrokerSummaries!.find((b) => b.BrokerName === `${WS}-rabbitmq`);
    expect(summary).toBeDefined();
    const broker = await mq.send(new DescribeBrokerCommand({ BrokerId: summary!.BrokerId }));
    expect(broker.EngineType).toBe('RABBITMQ');
    expect(broker.EngineVersion).toMatch(/^3\.13(\.|$)/);
    expect(broker.DeploymentMode).toBe('CLUSTER_MULTI_AZ');
    expect(broker.PubliclyAccessible).toBe(false);
    expect(sorted(broker.SubnetIds)).toEqual(privateSubnetIds());
    expect(broker.SecurityGroups).toEqual([groupId('mq')]);
    expect(broker.Logs?.General).toBe(true);
  });

  it('runs an OpenSearch 2.x domain across the AZs, encrypted in transit and at rest, with fine-grained access control', async () => {
    const { DomainNames } = await search.send(new ListDomainNamesCommand({}));
    expect(DomainNames!.map((d) => d.DomainName)).toContain(`${WS}-search`);
    const { DomainStatus: d } = await search.send(new DescribeDomainCommand({ DomainName: `${WS}-search` }));
    expect(d!.EngineVersion).toMatch(/^OpenSearch_2\.\d+$/);
    const azCount = privateSubnets().length;
    expect(d!.ClusterConfig?.ZoneAwarenessEnabled).toBe(true);
    expect(d!.ClusterConfig?.ZoneAwarenessConfig?.AvailabilityZoneCount).toBe(azCount);
    expect((d!.ClusterConfig?.InstanceCount ?? 0) % azCount).toBe(0);
    expect(d!.NodeToNodeEncryptionOptions?.Enabled).toBe(true);
    expect(d!.EncryptionAtRestOptions).toMatchObject({ Enabled: true, KmsKeyId: keyArn() });
    expect(d!.DomainEndpointOptions).toMatchObject({ EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' });
    expect(d!.AdvancedSecurityOptions?.Enabled).toBe(true);
    expect(d!.AdvancedSecurityOptions?.InternalUserDatabaseEnabled).toBe(true);
    expect(sorted(d!.VPCOptions?.SubnetIds)).toEqual(privateSubnetIds());
    expect(d!.VPCOptions?.SecurityGroupIds).toEqual([groupId('search')]);
    const logs = d!.LogPublishingOptions ?? {};
    expect(logs.ES_APPLICATION_LOGS).toMatchObject({ Enabled: true, CloudWatchLogsLogGroupArn: expect.stringContaining(`/aws/opensearch/${WS}-search/application`) });
    for (const option of Object.values(logs)) expect(option.Enabled).toBe(true);
    // The master user's password is read from its secret and sent once, never echoed back by DescribeDomain.
    const create = aws.callsTo('es', 'CreateDomain');
    expect(create).toHaveLength(1);
    expect(create[0].params.AdvancedSecurityOptions?.MasterUserOptions?.MasterUserName).toBe('morpheus-admin');
  });

  it('keeps the generated credentials in Secrets Manager, encrypted with the workspace key', async () => {
    for (const name of ['mqAdmin', 'mqApp', 'searchMaster', 'dbApp']) {
      const arn = resource(`data.secret.${name}`).outputs.arn as string;
      const secret = await secrets.send(new DescribeSecretCommand({ SecretId: arn }));
      expect(secret.KmsKeyId, name).toBe(keyArn());
      expect(secret.Name).toMatch(new RegExp(`^morpheus-ws/${WS}/`));
    }
    const master = await secrets.send(new DescribeSecretCommand({ SecretId: (await cluster()).MasterUserSecret!.SecretArn }));
    expect(master.KmsKeyId).toBe(keyArn());
  });

  it('publishes endpoints and secret ARNs (never values) as String parameters under /morpheus-ws/<workspace>/', async () => {
    const parameters = await workspaceParameters();
    const byName = new Map(parameters.map((p) => [p.Name!.slice(PREFIX.length), p]));
    for (const key of ['db/endpoint', 'db/readerEndpoint', 'db/port', 'db/name', 'db/masterSecretArn', 'db/userSecretArn',
      'mq/amqpsHost', 'mq/consoleUrl', 'mq/vhost', 'mq/adminSecretArn', 'mq/appSecretArn',
      'search/endpoint', 'search/domainName', 'search/masterSecretArn', 'efs/fileSystemId', 'efs/dnsName']) {
      expect(byName.has(key), key).toBe(true);
    }
    for (const p of parameters) expect(p.Type, p.Name).toBe('String');
    const c = await cluster();
    expect(byName.get('db/endpoint')!.Value).toBe(c.Endpoint);
    expect(byName.get('db/masterSecretArn')!.Value).toBe(c.MasterUserSecret!.SecretArn);
    expect(byName.get('db/userSecretArn')!.Value).toBe(resource('data.secret.dbApp').outputs.arn);
    expect(byName.get('efs/fileSystemId')!.Value).toBe((await workspaceFileSystems(WS))[0].FileSystemId);
    expect(byName.get('search/domainName')!.Value).toBe(`${WS}-search`);
    for (const [key, p] of byName) if (key.endsWith('SecretArn')) expect(p.Value, key).toMatch(/^arn:aws:secretsmanager:/);
  });

  it('opens 3306, 5671, 443 and 2049 to the app security group only', async () => {
    const app = groupId('app');
    const expected: Record<string, number[]> = { db: [3306], mq: [443, 5671], search: [443], efs: [2049] };
    for (const [name, ports] of Object.entries(expected)) {
      const { SecurityGroups } = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId(name)] }));
      const rules = SecurityGroups![0].IpPermissions ?? [];
      expect(sorted(rules.map((r) => String(r.FromPort))), name).toEqual(sorted(ports.map(String)));
      for (const rule of rules) {
        expect(rule.UserIdGroupPairs?.map((p) => p.GroupId), `${name} ${rule.FromPort}`).toEqual([app]);
        expect(rule.IpRanges ?? [], `${name} ${rule.FromPort}`).toEqual([]);
        expect(rule.Ipv6Ranges ?? [], `${name} ${rule.FromPort}`).toEqual([]);
      }
    }
  });

  it('never writes or prints a secret value: state, plan, parameters, CLI output, --debug, user data', async () => {
    // Every password this workspace has: the four generated credentials and the RDS-managed master password.
    const arns = ['mqAdmin', 'mqApp', 'searchMaster', 'dbApp'].map((name) => resource(`data.secret.${name}`).outputs.arn as string);
    arns.push((await cluster()).MasterUserSecret!.SecretArn!);
    const passwords: string[] = [];
    for (const arn of arns) {
      const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
      const value = JSON.parse(SecretString!) as { username: string; password: string };
      expect(value.password.length, arn).toBeGreaterThanOrEqual(8);
      passwords.push(value.password);
    }

    // plan takes the workspace lock, so the plans run one after another; the read-only commands run beside them.
    await Promise.all([
      (async () => {
        await cli('plan', ['plan']);
        await cli('plan --json', ['plan', '--json']);
        await cli('plan --debug', ['--debug', 'plan']);
      })(),
      cli('status', ['status']),
      cli('status --json', ['status', '--json']),
      cli('output', ['output']),
      cli('output --json', ['output', '--json']),
      cli('state pull', ['state', 'pull']),
    ]);
    for (const { what, result } of printed) expect([0, 3], `${what} exited ${result.code}: ${result.stderr}`).toContain(result.code);
    const planJson = printed.find((p) => p.what === 'plan --json')!.result;
    expect(planJson.code).toBe(0);
    expect(planJson.stdout).toContain('"type":"plan"');
    // The --debug runs really logged their AWS calls, so the check below reads those logs too.
    const debugText = (what: string) => printed.filter((p) => p.what === what).map((p) => p.result.stdout + p.result.stderr).join('');
    expect(debugText('apply --debug')).toMatch(/CreateDBCluster/);
    expect(debugText('plan --debug')).toMatch(/DescribeDBClusters/);

    const places: { what: string; text: string }[] = [
      { what: 'state file', text: stateText() },
      ...printed.flatMap(({ what, result }) => [
        { what: `${what} stdout`, text: result.stdout },
        { what: `${what} stderr`, text: result.stderr },
      ]),
      ...(await workspaceParameters()).map((p) => ({ what: `SSM ${p.Name}`, text: p.Value! })),
    ];
    const { LaunchTemplateVersions } = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: resource('app.launchTemplate').id }));
    expect(LaunchTemplateVersions!.length).toBeGreaterThan(0);
    for (const version of LaunchTemplateVersions!) {
      const userData = decodeUserData(version.LaunchTemplateData!.UserData!);
      expect(userData).toMatch(/^#!\/bin\/bash/);
      places.push({ what: `user data v${version.VersionNumber}`, text: userData });
    }
    for (const { what, text } of places) {
      passwords.forEach((password, i) => expect(text.includes(password), `secret ${i + 1} found in ${what}`).toBe(false));
    }
  });

  it('re-plans to no changes', async () => {
    const plan = await aws.cli(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/No changes\./);
  });

  it('destroy --skip-final-snapshot --force-delete-secrets leaves no data-tier resource behind', async () => {
    const clusterSecret = (await cluster()).MasterUserSecret!.SecretArn!;
    const secretArns = ['mqAdmin', 'mqApp', 'searchMaster', 'dbApp'].map((name) => resource(`data.secret.${name}`).outputs.arn as string);
    aws.clear();
    const destroy = await aws.cli(['destroy', '--yes', '--skip-final-snapshot', '--force-delete-secrets'], { cwd: dir, timeoutMs: APPLY_TIMEOUT_MS });
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
    console.log(`data tier destroy: ${destroy.ms} ms`);

    const { DBClusters } = await rds.send(new DescribeDBClustersCommand({}));
    expect(DBClusters!.filter((c) => c.DBClusterIdentifier === CLUSTER_ID)).toEqual([]);
    const { DBInstances } = await rds.send(new DescribeDBInstancesCommand({}));
    expect(DBInstances!.filter((i) => i.DBInstanceIdentifier!.startsWith(`${CLUSTER_ID}-`))).toEqual([]);
    expect(await workspaceFileSystems(WS)).toEqual([]);
    const { BrokerSummaries } = await mq.send(new ListBrokersCommand({}));
    expect((BrokerSummaries ?? []).filter((b) => b.BrokerName === `${WS}-rabbitmq` && b.BrokerState !== 'DELETION_IN_PROGRESS')).toEqual([]);
    const { DomainNames } = await search.send(new ListDomainNamesCommand({}));
    expect((DomainNames ?? []).map((d) => d.DomainName)).not.toContain(`${WS}-search`);
    // Force-deleted: not even scheduled for deletion.
    const { SecretList } = await secrets.send(new ListSecretsCommand({ IncludePlannedDeletion: true }));
    const left = (SecretList ?? []).filter((s) => s.Name!.startsWith(`morpheus-ws/${WS}/`) || [clusterSecret, ...secretArns].includes(s.ARN!));
    expect(left.map((s) => s.Name)).toEqual([]);
    expect(await workspaceParameters()).toEqual([]);
    // Skipped on request: no final snapshot was asked for.
    const deleteCluster = aws.callsTo('rds', 'DeleteDBCluster');
    expect(deleteCluster).toHaveLength(1);
    expect(deleteCluster[0].params).toMatchObject({ DBClusterIdentifier: CLUSTER_ID, SkipFinalSnapshot: 'true' });
    expect(deleteCluster[0].params.FinalDBSnapshotIdentifier).toBeUndefined();
    // Deletion protection is lifted by destroy before the delete.
    const lift = aws.callsTo('rds', 'ModifyDBCluster').find((c) => c.params.DeletionProtection === 'false');
    expect(lift).toBeDefined();
    expect(lift!.seq).toBeLessThan(deleteCluster[0].seq);
    expect(aws.callsTo('secretsmanager', 'DeleteSecret').every((c) => c.params.ForceDeleteWithoutRecovery === true)).toBe(true);
    expect(stateOf(dir, WS).resources).toEqual({});
  }, APPLY_TIMEOUT_MS);

  it('destroy without --skip-final-snapshot takes a final snapshot named <cluster>-final-…', async () => {
    // The OpenSearch service-linked role is account-wide and destroy keeps it on purpose. A second CreateServiceLinkedRole
    // gets InvalidInput ("has been taken") from AWS, which the handler adopts, but EntityAlreadyExists from moto: start
    // this workspace from an empty emulator (the first workspace is gone and checked already).
    await aws.reset();
    const snapDir = tempWorkdir();
    const init = await aws.cli(['init', '--yes', '--name', SNAPSHOT_WS, '--region', 'us-east-1'], { cwd: snapDir });
    expect(init.code, init.stderr).toBe(0);
    const apply = await aws.cli(['apply', '--yes'], { cwd: snapDir, timeoutMs: APPLY_TIMEOUT_MS });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    const clusterId = `${SNAPSHOT_WS}-aurora`;
    aws.clear();
    const destroy = await aws.cli(['destroy', '--yes', '--force-delete-secrets'], { cwd: snapDir, timeoutMs: APPLY_TIMEOUT_MS });
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
    console.log(`second workspace apply: ${apply.ms} ms, destroy with final snapshot: ${destroy.ms} ms`);

    const [deleteCluster] = aws.callsTo('rds', 'DeleteDBCluster');
    expect(deleteCluster.params).toMatchObject({ DBClusterIdentifier: clusterId, SkipFinalSnapshot: 'false' });
    const snapshotId = deleteCluster.params.FinalDBSnapshotIdentifier as string;
    expect(snapshotId).toMatch(new RegExp(`^${clusterId}-final-[0-9a-z]+$`));
    const { DBClusterSnapshots } = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: clusterId, SnapshotType: 'manual' }));
    expect(DBClusterSnapshots!.map((s) => s.DBClusterSnapshotIdentifier)).toContain(snapshotId);
    const { DBClusters } = await rds.send(new DescribeDBClustersCommand({}));
    expect(DBClusters!.filter((c) => c.DBClusterIdentifier === clusterId)).toEqual([]);
    expect(stateOf(snapDir, SNAPSHOT_WS).resources).toEqual({});
  }, 2 * APPLY_TIMEOUT_MS);
});
