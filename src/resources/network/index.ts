import type { Handler } from '../context.js';
import { elasticIpHandler } from './elasticIp.js';
import { flowLogHandler } from './flowLog.js';
import { internetGatewayHandler } from './internetGateway.js';
import { natGatewayHandler } from './natGateway.js';
import { routeTableHandler } from './routeTable.js';
import { securityGroupHandler } from './securityGroup.js';
import { subnetHandler } from './subnet.js';
import { vpcHandler } from './vpc.js';

/** Handlers of the network tier's AWS kinds. */
export const networkHandlers: Handler[] = [
  vpcHandler, internetGatewayHandler, subnetHandler, elasticIpHandler, natGatewayHandler, routeTableHandler,
  securityGroupHandler, flowLogHandler,
];
