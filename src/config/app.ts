import { z } from 'zod';

/** The app tier's settings. Filled by the app tier's issue; every field has a production-grade default. */
export const appSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Deploy this tier.'),
});

export type AppConfig = z.infer<typeof appSchema>;
