import { z } from 'zod';

/** The backup tier's settings. Filled by the backup tier's issue; every field has a production-grade default. */
export const backupSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Deploy this tier.'),
});

export type BackupConfig = z.infer<typeof backupSchema>;
