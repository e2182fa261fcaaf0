/** What every resource handler receives: the AWS clients and facts about the workspace. */
import type { AwsClients } from '../aws/clients.js';
import type { ResourceHandler } from '../engine/types.js';

export interface ResourceCtx {
  aws: AwsClients;
  workspace: string;
  region: string;
  accountId: string;
  partition: string;
  /** Set by `destroy --skip-final-snapshot` and similar operator choices. */
  options: {
    skipFinalSnapshot?: boolean;
    forceDeleteSecrets?: boolean;
  };
}

export type Handler = ResourceHandler<ResourceCtx>;
