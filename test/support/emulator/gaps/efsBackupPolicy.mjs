/**
 * EFS PutBackupPolicy, which moto 5.2.1 answers with HTTP 500. A policy put here is remembered per file system
 * and answered by DescribeBackupPolicy; file systems without one fall through to moto (which knows the policy
 * implied by CreateFileSystem's `Backup` flag).
 */
import { jsonError, jsonResponse } from '../wire.mjs';

const STATUSES = new Set(['ENABLED', 'DISABLED']);

export function efsBackupPolicy() {
  /** `${region}/${fileSystemId}` -> status */
  const policies = new Map();

  async function fileSystemMissing(call, ctx) {
    const id = call.params.FileSystemId;
    const res = await ctx.upstream({ method: 'GET', path: `/2015-02-01/file-systems?FileSystemId=${encodeURIComponent(id)}` });
    if (res.status >= 200 && res.status < 300) return undefined;
    return jsonError(404, 'FileSystemNotFound', `File system '${id}' does not exist.`, { ErrorCode: 'FileSystemNotFound' });
  }

  const handlers = {
    async PutBackupPolicy(call, ctx) {
      const status = call.body?.BackupPolicy?.Status;
      if (!STATUSES.has(status)) {
        return jsonError(400, 'ValidationException', 'BackupPolicy.Status must be ENABLED or DISABLED', {
          ErrorCode: 'ValidationException',
        });
      }
      const missing = await fileSystemMissing(call, ctx);
      if (missing) return missing;
      policies.set(`${call.region}/${call.params.FileSystemId}`, status);
      return jsonResponse(200, { BackupPolicy: { Status: status } });
    },

    async DescribeBackupPolicy(call, ctx) {
      const status = policies.get(`${call.region}/${call.params.FileSystemId}`);
      if (status === undefined) return undefined;
      const missing = await fileSystemMissing(call, ctx);
      if (missing) return missing;
      return jsonResponse(200, { BackupPolicy: { Status: status } });
    },
  };

  return {
    service: 'elasticfilesystem',
    handle(call, ctx) {
      return handlers[call.operation]?.(call, ctx);
    },
    reset() {
      policies.clear();
    },
  };
}
