import { z } from 'zod';

/** The edge tier's settings. Filled by the edge tier's issue; every field has a production-grade default. */
export const edgeSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Deploy this tier.'),
});

export type EdgeConfig = z.infer<typeof edgeSchema>;
