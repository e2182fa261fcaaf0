import { z } from 'zod';

/** The data tier's settings. Filled by the data tier's issue; every field has a production-grade default. */
export const dataSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Deploy this tier.'),
});

export type DataConfig = z.infer<typeof dataSchema>;
