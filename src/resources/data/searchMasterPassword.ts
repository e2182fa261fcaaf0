/**
 * Changing the OpenSearch fine-grained access control master user's password in place (UpdateDomainConfig
 * AdvancedSecurityOptions.MasterUserOptions). The password goes to that call and nowhere else.
 */
import { DescribeDomainsCommand, OpenSearchClient, UpdateDomainConfigCommand } from '@aws-sdk/client-opensearch';
import type { AwsClients } from '../../aws/clients.js';
import { waitUntil } from '../../aws/wait.js';
import type { Credentials } from './secret.js';
import { MINUTE } from './common.js';

export interface WaitArgs {
  report?: (message: string) => void;
  signal?: AbortSignal;
}

const SETTLE_TIMEOUT_MS = 120 * MINUTE;

export async function setSearchMasterPassword(aws: AwsClients, domainName: string, credentials: Credentials, wait: WaitArgs = {}): Promise<void> {
  const client = aws.get(OpenSearchClient);
  await client.send(new UpdateDomainConfigCommand({
    DomainName: domainName,
    AdvancedSecurityOptions: {
      MasterUserOptions: { MasterUserName: credentials.username, MasterUserPassword: credentials.password },
    },
  }));
  // The new password is in force once the domain has finished processing the change.
  await waitUntil(async () => {
    const domain = (await client.send(new DescribeDomainsCommand({ DomainNames: [domainName] }))).DomainStatusList?.[0];
    if (!domain) return { failed: `domain ${domainName} is gone` };
    const busy = domain.Processing || domain.UpgradeProcessing;
    return busy ? { done: false, status: domain.DomainProcessingStatus ?? 'processing' } : { done: true, value: undefined };
  }, { what: `OpenSearch domain ${domainName} to apply the new master password`, timeoutMs: SETTLE_TIMEOUT_MS, minDelayMs: 5000, maxDelayMs: 60_000, ...wait });
}
