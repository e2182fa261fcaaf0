/**
 * `iam.serviceLinkedRole`: the account-wide role an AWS service needs before it can work in your VPC (OpenSearch
 * creates ENIs through its service-linked role). AWS creates it on first console use only, not through the API:
 * a fresh account's first VPC domain fails without it.
 *
 * It is shared by every stack in the account, so destroy leaves it in place (deleting it would break other domains
 * and AWS refuses while any exists).
 */
import { CreateServiceLinkedRoleCommand, GetRoleCommand, IAMClient, ListRolesCommand, type Role } from '@aws-sdk/client-iam';
import { hasCode } from '../../aws/errors.js';
import type { Actual } from '../../engine/types.js';
import type { Handler, ResourceCtx } from '../context.js';
import { readEach } from '../readEach.js';

function toActual(role: Role, serviceName: string): Actual {
  return { id: role.RoleName!, inputs: { serviceName }, outputs: { name: role.RoleName, arn: role.Arn } };
}

/** Service-linked roles live under /aws-service-role/<service>/: their names are the service's choice. */
async function findByService(ctx: ResourceCtx, serviceName: string): Promise<Actual | undefined> {
  let marker: string | undefined;
  do {
    const page = await ctx.aws.get(IAMClient).send(new ListRolesCommand({ PathPrefix: `/aws-service-role/${serviceName}/`, Marker: marker }));
    const role = page.Roles?.find((r) => r.RoleName);
    if (role) return toActual(role, serviceName);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return undefined;
}

export const serviceLinkedRoleHandler: Handler = {
  kind: 'iam.serviceLinkedRole',
  forceNew: ['serviceName'],

  read(ctx, items) {
    return readEach(items, async (item) => {
      try {
        const { Role } = await ctx.aws.get(IAMClient).send(new GetRoleCommand({ RoleName: item.id }));
        return Role ? toActual(Role, String(item.inputs.serviceName)) : undefined;
      } catch (error) {
        if (!hasCode(error, 'NoSuchEntity')) throw error;
        return undefined;
      }
    });
  },

  find(ctx, args) {
    return args.inputs.serviceName ? findByService(ctx, String(args.inputs.serviceName)) : Promise.resolve(undefined);
  },

  async create(ctx, args) {
    const serviceName = String(args.inputs.serviceName);
    try {
      const { Role } = await ctx.aws.get(IAMClient).send(new CreateServiceLinkedRoleCommand({ AWSServiceName: serviceName }));
      if (Role?.RoleName) return toActual(Role, serviceName);
    } catch (error) {
      // "has been taken": created earlier by the console or another stack — adopt it.
      if (!hasCode(error, 'InvalidInput', 'EntityAlreadyExists')) throw error;
    }
    const existing = await findByService(ctx, serviceName);
    if (!existing) throw new Error(`the service-linked role for ${serviceName} was not found after creating it`);
    return existing;
  },

  async delete() {
    // Shared by the whole account: kept on purpose (see the header).
  },
};
