/** The whole morpheus-ws.yaml schema. Each tier owns its section file; this file only composes them. */
import { z } from 'zod';
import { appSchema } from './app.js';
import { backupCrossTierIssues, backupSchema } from './backup.js';
import { dataCrossTierIssues, dataSchema } from './data.js';
import { edgeSchema } from './edge.js';
import { monitoringSchema } from './monitoring.js';
import { networkSchema } from './network.js';
import { stateSchema } from './state.js';

export const WORKSPACE_NAME = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/;

export const configSchema = z.strictObject({
  workspace: z.string().regex(WORKSPACE_NAME,
    'must be 2–20 characters, lowercase letters, digits and hyphens, starting with a letter (it is part of AWS resource names such as the 32-character ALB name)')
    .describe('Name of this deployment; part of every resource name and tag.'),
  region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'must be an AWS region code such as us-east-1')
    .describe('AWS region of the stack.'),
  tags: z.record(z.string().regex(/^(?!aws:)(?!morpheus-ws:).{1,128}$/, 'tag keys must be 1–128 chars and not start with aws: or morpheus-ws:'), z.string().max(256))
    .default({}).describe('Tags added to every resource.'),
  network: networkSchema.prefault({}),
  kms: z.strictObject({
    deletionWindowDays: z.number().int().min(7).max(30).default(30).describe('Waiting period before a destroyed key is deleted.'),
  }).prefault({}),
  data: dataSchema.prefault({}),
  app: appSchema.prefault({}),
  edge: edgeSchema.prefault({}),
  monitoring: monitoringSchema.prefault({}),
  backup: backupSchema.prefault({}),
  state: stateSchema.prefault({ backend: 'local' }),
}).superRefine((config, ctx) => {
  // Checks that span sections (data nodes vs AZs, DB connections vs app nodes).
  for (const issue of [...dataCrossTierIssues(config), ...backupCrossTierIssues(config)]) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
