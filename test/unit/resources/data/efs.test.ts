import {
  CreateAccessPointCommand, CreateFileSystemCommand, CreateMountTargetCommand, DeleteFileSystemCommand, DeleteMountTargetCommand,
  DescribeAccessPointsCommand, DescribeBackupPolicyCommand, DescribeFileSystemsCommand, DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetsCommand, EFSClient, ModifyMountTargetSecurityGroupsCommand, PutBackupPolicyCommand, UpdateFileSystemCommand,
  type FileSystemDescription,
} from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { efsAccessPointHandler } from '../../../../src/resources/data/efsAccessPoint.js';
import { efsFileSystemHandler } from '../../../../src/resources/data/efsFileSystem.js';
import { efsMountTargetHandler } from '../../../../src/resources/data/efsMountTarget.js';
import { awsError, call, makeCtx, tagsFor, withFakeTime } from '../shared/handlerHarness.js';

const efs = mockClient(EFSClient);
const ctx = makeCtx();
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1111';
const fsInputs = { encrypted: true, kmsKeyId: KEY, performanceMode: 'generalPurpose', throughputMode: 'elastic', automaticBackups: true };
const fs = (extra: Partial<FileSystemDescription> = {}) => ({
  FileSystemId: 'fs-1', FileSystemArn: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1', CreationToken: 'tok',
  LifeCycleState: 'available' as const, Encrypted: true, KmsKeyId: KEY, PerformanceMode: 'generalPurpose' as const, ThroughputMode: 'elastic' as const,
  OwnerId: '1', CreationTime: new Date(), NumberOfMountTargets: 0, SizeInBytes: { Value: 0 }, Tags: [], ...extra,
});

beforeEach(() => efs.reset());

describe('efs.fileSystem', () => {
  it('creates with the creation token, the CMK, elastic throughput and automatic backups, then waits for available', async () => {
    efs.on(CreateFileSystemCommand).resolves({ ...fs({ LifeCycleState: 'creating' }) });
    efs.on(DescribeFileSystemsCommand).resolvesOnce({ FileSystems: [fs({ LifeCycleState: 'creating' })] }).resolves({ FileSystems: [fs()] });
    efs.on(DescribeBackupPolicyCommand).resolves({ BackupPolicy: { Status: 'ENABLED' } });
    const actual = await withFakeTime(() => efsFileSystemHandler.create(ctx, { ...call(), inputs: fsInputs, token: 'tok', tags: tagsFor('data.efs.fileSystem') }));
    expect(efs.commandCalls(CreateFileSystemCommand)[0].args[0].input).toMatchObject({
      CreationToken: 'tok', Encrypted: true, KmsKeyId: KEY, PerformanceMode: 'generalPurpose', ThroughputMode: 'elastic', Backup: true,
    });
    expect(actual).toEqual({
      id: 'fs-1', inputs: fsInputs,
      outputs: { fileSystemId: 'fs-1', arn: 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1', dnsName: 'fs-1.efs.us-east-1.amazonaws.com' },
    });
  });

  it('adopts the file system of the same creation token', async () => {
    efs.on(CreateFileSystemCommand).rejects(awsError('FileSystemAlreadyExists'));
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [fs()] });
    efs.on(DescribeBackupPolicyCommand).resolves({ BackupPolicy: { Status: 'ENABLED' } });
    expect((await efsFileSystemHandler.create(ctx, { ...call(), inputs: fsInputs, token: 'tok', tags: {} })).id).toBe('fs-1');
    expect(efs.commandCalls(DescribeFileSystemsCommand)[0].args[0].input.CreationToken).toBe('tok');
  });

  it('reads backups off when there is no backup policy', async () => {
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [fs(), fs({ FileSystemId: 'fs-2' })] });
    efs.on(DescribeBackupPolicyCommand).rejects(awsError('PolicyNotFound'));
    const result = await efsFileSystemHandler.read(ctx, [{ address: 'a', id: 'fs-1', inputs: {}, outputs: {} }, { address: 'b', id: 'fs-9', inputs: {}, outputs: {} }]);
    expect(result.get('a')!.inputs.automaticBackups).toBe(false);
    expect(result.has('b')).toBe(false);
    expect(efs.commandCalls(DescribeFileSystemsCommand)).toHaveLength(1);
  });

  it('updates throughput and the backup policy in place', async () => {
    efs.on(UpdateFileSystemCommand).resolves({});
    efs.on(PutBackupPolicyCommand).resolves({});
    efs.on(DescribeFileSystemsCommand).resolves({ FileSystems: [fs({ ThroughputMode: 'bursting' })] });
    efs.on(DescribeBackupPolicyCommand).resolves({ BackupPolicy: { Status: 'ENABLED' } });
    await efsFileSystemHandler.update!(ctx, {
      ...call(), id: 'fs-1', inputs: { ...fsInputs, throughputMode: 'bursting' }, previous: { id: 'fs-1', inputs: fsInputs, outputs: {} },
      changed: ['throughputMode', 'automaticBackups'], tags: {},
    });
    expect(efs.commandCalls(UpdateFileSystemCommand)[0].args[0].input).toEqual({ FileSystemId: 'fs-1', ThroughputMode: 'bursting' });
    expect(efs.commandCalls(PutBackupPolicyCommand)[0].args[0].input).toEqual({ FileSystemId: 'fs-1', BackupPolicy: { Status: 'ENABLED' } });
  });

  it('retries FileSystemInUse while mount targets are still going, then waits until gone', async () => {
    efs.on(DeleteFileSystemCommand).rejectsOnce(awsError('FileSystemInUse')).resolves({});
    efs.on(DescribeFileSystemsCommand).rejects(awsError('FileSystemNotFound'));
    await withFakeTime(() => efsFileSystemHandler.delete(ctx, { ...call(), id: 'fs-1', inputs: {}, outputs: {} }));
    expect(efs.commandCalls(DeleteFileSystemCommand)).toHaveLength(2);
  });
});

describe('efs.mountTarget', () => {
  const mt = { MountTargetId: 'fsmt-1', FileSystemId: 'fs-1', SubnetId: 'subnet-a', LifeCycleState: 'available' as const, IpAddress: '10.0.0.5', AvailabilityZoneName: 'us-east-1a', OwnerId: '1' };
  const inputs = { fileSystemId: 'fs-1', subnetId: 'subnet-a', securityGroupIds: ['sg-efs'] };

  it('reads all mount targets of a file system in one listing', async () => {
    efs.on(DescribeMountTargetsCommand).resolves({ MountTargets: [mt, { ...mt, MountTargetId: 'fsmt-2', SubnetId: 'subnet-b' }] });
    efs.on(DescribeMountTargetSecurityGroupsCommand).resolves({ SecurityGroups: ['sg-efs'] });
    const result = await efsMountTargetHandler.read(ctx, [
      { address: 'a', id: 'fsmt-1', inputs, outputs: {} }, { address: 'b', id: 'fsmt-2', inputs: { ...inputs, subnetId: 'subnet-b' }, outputs: {} },
    ]);
    expect(efs.commandCalls(DescribeMountTargetsCommand)).toHaveLength(1);
    expect(result.get('a')).toEqual({ id: 'fsmt-1', inputs, outputs: { mountTargetId: 'fsmt-1', ipAddress: '10.0.0.5', availabilityZone: 'us-east-1a' } });
  });

  it('adopts the mount target an interrupted create left in the same subnet', async () => {
    efs.on(CreateMountTargetCommand).rejects(awsError('MountTargetConflict'));
    efs.on(DescribeMountTargetsCommand).resolves({ MountTargets: [mt] });
    efs.on(DescribeMountTargetSecurityGroupsCommand).resolves({ SecurityGroups: ['sg-efs'] });
    expect((await efsMountTargetHandler.create(ctx, { ...call(), inputs, token: 't', tags: {} })).id).toBe('fsmt-1');
  });

  it('retries while the new file system is not available yet', async () => {
    efs.on(CreateMountTargetCommand).rejectsOnce(awsError('IncorrectFileSystemLifeCycleState')).resolves({ ...mt, LifeCycleState: 'creating' });
    efs.on(DescribeMountTargetsCommand).resolvesOnce({ MountTargets: [{ ...mt, LifeCycleState: 'creating' }] }).resolves({ MountTargets: [mt] });
    efs.on(DescribeMountTargetSecurityGroupsCommand).resolves({ SecurityGroups: ['sg-efs'] });
    await withFakeTime(() => efsMountTargetHandler.create(ctx, { ...call(), inputs, token: 't', tags: {} }));
    expect(efs.commandCalls(CreateMountTargetCommand)).toHaveLength(2);
  });

  it('changes security groups in place', async () => {
    efs.on(ModifyMountTargetSecurityGroupsCommand).resolves({});
    efs.on(DescribeMountTargetsCommand).resolves({ MountTargets: [mt] });
    efs.on(DescribeMountTargetSecurityGroupsCommand).resolves({ SecurityGroups: ['sg-new'] });
    const actual = await efsMountTargetHandler.update!(ctx, { ...call(), id: 'fsmt-1', inputs: { ...inputs, securityGroupIds: ['sg-new'] }, previous: { id: 'fsmt-1', inputs, outputs: {} }, changed: ['securityGroupIds'], tags: {} });
    expect(actual.inputs.securityGroupIds).toEqual(['sg-new']);
  });

  it('deletes and waits until the mount target (and its ENI) is gone', async () => {
    efs.on(DeleteMountTargetCommand).resolves({});
    efs.on(DescribeMountTargetsCommand).resolvesOnce({ MountTargets: [{ ...mt, LifeCycleState: 'deleting' }] }).rejects(awsError('MountTargetNotFound'));
    await withFakeTime(() => efsMountTargetHandler.delete(ctx, { ...call(), id: 'fsmt-1', inputs, outputs: {} }));
    expect(efs.commandCalls(DescribeMountTargetsCommand)).toHaveLength(2);
  });
});

describe('efs.accessPoint', () => {
  const ap = {
    AccessPointId: 'fsap-1', AccessPointArn: 'arn:ap', FileSystemId: 'fs-1', ClientToken: 'tok', LifeCycleState: 'available' as const,
    PosixUser: { Uid: 999, Gid: 999 }, RootDirectory: { Path: '/morpheus', CreationInfo: { OwnerUid: 999, OwnerGid: 999, Permissions: '0775' } },
  };
  const inputs = { fileSystemId: 'fs-1', uid: 999, gid: 999, path: '/morpheus', permissions: '0775' };

  it('creates with the client token and the fixed owner', async () => {
    efs.on(CreateAccessPointCommand).resolves({ AccessPointId: 'fsap-1' });
    efs.on(DescribeAccessPointsCommand).resolves({ AccessPoints: [ap] });
    const actual = await efsAccessPointHandler.create(ctx, { ...call(), inputs, token: 'tok', tags: tagsFor('data.efs.accessPoint') });
    expect(efs.commandCalls(CreateAccessPointCommand)[0].args[0].input).toMatchObject({
      ClientToken: 'tok', FileSystemId: 'fs-1', PosixUser: { Uid: 999, Gid: 999 },
      RootDirectory: { Path: '/morpheus', CreationInfo: { OwnerUid: 999, OwnerGid: 999, Permissions: '0775' } },
    });
    expect(actual).toEqual({ id: 'fsap-1', inputs, outputs: { accessPointId: 'fsap-1', arn: 'arn:ap' } });
  });

  it('finds an interrupted create by its client token', async () => {
    efs.on(DescribeAccessPointsCommand).resolves({ AccessPoints: [{ ...ap, ClientToken: 'other', AccessPointId: 'fsap-0' }, ap] });
    expect((await efsAccessPointHandler.find(ctx, { address: 'data.efs.accessPoint', token: 'tok', inputs: {}, tags: {} }))?.id).toBe('fsap-1');
  });
});
