/** The account and partition the credentials belong to, looked up by commands before the stack is built. */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsClients } from '../../aws/clients.js';

export interface AccountFacts {
  accountId: string;
  /** `aws`, `aws-cn`, `aws-us-gov`…: the second field of every ARN. */
  partition: string;
}

export async function lookupAccount(aws: AwsClients): Promise<AccountFacts> {
  const out = await aws.get(STSClient).send(new GetCallerIdentityCommand({}));
  const partition = out.Arn?.split(':')[1];
  if (!out.Account || !partition) throw new Error('STS GetCallerIdentity returned no account or ARN');
  return { accountId: out.Account, partition };
}
