import type { Handler } from '../context.js';
import { auroraClusterHandler } from './auroraCluster.js';
import { auroraInstanceHandler } from './auroraInstance.js';
import { dbClusterParameterGroupHandler } from './dbClusterParameterGroup.js';
import { dbSubnetGroupHandler } from './dbSubnetGroup.js';
import { efsAccessPointHandler } from './efsAccessPoint.js';
import { efsFileSystemHandler } from './efsFileSystem.js';
import { efsMountTargetHandler } from './efsMountTarget.js';
import { logsResourcePolicyHandler } from './logsResourcePolicy.js';
import { mqBrokerHandler } from './mqBroker.js';
import { searchDomainHandler } from './searchDomain.js';
import { secretHandler } from './secret.js';
import { ssmParameterHandler } from './ssmParameter.js';

/** Handlers of the data tier's AWS kinds. */
export const dataHandlers: Handler[] = [
  dbSubnetGroupHandler,
  dbClusterParameterGroupHandler,
  auroraClusterHandler,
  auroraInstanceHandler,
  efsFileSystemHandler,
  efsMountTargetHandler,
  efsAccessPointHandler,
  mqBrokerHandler,
  searchDomainHandler,
  logsResourcePolicyHandler,
  secretHandler,
  ssmParameterHandler,
];
