/** Picks the backend the config names. */
import path from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import type { StateConfig } from '../config/state.js';
import { LocalBackend } from './localBackend.js';
import type { StateBackend } from './types.js';

export function createBackend(config: StateConfig, options: { configDir: string; workspace: string; aws: () => AwsClients; report?: (message: string) => void }): Promise<StateBackend> | StateBackend {
  if (config.backend === 'local') return new LocalBackend(path.resolve(options.configDir, config.dir), options.workspace);
  return import('./s3Backend.js').then(({ S3Backend }) => new S3Backend({
    aws: options.aws(), bucket: config.bucket, key: config.key.replaceAll('{workspace}', options.workspace), kmsKeyId: config.kmsKeyId,
    region: config.region, workspace: options.workspace, report: options.report,
  }));
}
