import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { lookupAccount } from '../../../../src/resources/shared/account.js';
import { makeCtx } from './handlerHarness.js';

const sts = mockClient(STSClient);

describe('lookupAccount', () => {
  it('returns the account and the partition of the caller ARN', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws-us-gov:sts::123456789012:assumed-role/x/y' });
    expect(await lookupAccount(makeCtx().aws)).toEqual({ accountId: '123456789012', partition: 'aws-us-gov' });
  });
});
