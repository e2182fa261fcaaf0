import { z } from 'zod';

/** The monitoring tier's settings. Filled by the monitoring tier's issue; every field has a production-grade default. */
export const monitoringSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Deploy this tier.'),
});

export type MonitoringConfig = z.infer<typeof monitoringSchema>;
