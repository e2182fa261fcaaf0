import { z } from 'zod';

const localBackend = z.strictObject({
  backend: z.literal('local'),
  /** Directory for state and lock files, relative to the config file. */
  dir: z.string().min(1).default('.morpheus-ws').describe('Where state files live, relative to the config file.'),
});

const s3Backend = z.strictObject({
  backend: z.literal('s3'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3–63 chars, lowercase, digits, dots, hyphens)'),
  key: z.string().min(1).default('morpheus-ws/{workspace}.state.json').describe('Object key; {workspace} is replaced.'),
  region: z.string().optional().describe('Bucket region; defaults to the stack region.'),
  kmsKeyId: z.string().optional().describe('KMS key for SSE-KMS; defaults to the aws/s3 key.'),
});

export const stateSchema = z.discriminatedUnion('backend', [localBackend, s3Backend]);

export type StateConfig = z.infer<typeof stateSchema>;
