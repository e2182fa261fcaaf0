/**
 * AWS Backup selections (and ListRecoveryPointsByResource), which moto 5.2.1 answers with HTTP 500. Kept in memory per backup plan; the plan itself
 * stays in moto and is checked there. DeleteBackupPlan is refused while the plan still has selections, as AWS
 * does, so teardown ordering bugs show up on the emulator too.
 */
import { randomUUID } from 'node:crypto';
import { jsonError, jsonResponse } from '../wire.mjs';

export function backupSelections() {
  /** planId -> Map(selectionId -> stored selection) */
  const plans = new Map();

  const selectionsOf = (planId) => {
    let selections = plans.get(planId);
    if (!selections) plans.set(planId, (selections = new Map()));
    return selections;
  };

  const notFound = (what) => jsonError(400, 'ResourceNotFoundException', `${what} not found`, { Code: 'ResourceNotFoundException' });

  async function planExists(call, ctx) {
    const res = await ctx.upstream({ method: 'GET', path: `/backup/plans/${encodeURIComponent(call.params.BackupPlanId)}/` });
    return res.status >= 200 && res.status < 300;
  }

  const handlers = {
    async CreateBackupSelection(call, ctx) {
      const selection = call.body?.BackupSelection;
      if (!selection?.SelectionName || !selection?.IamRoleArn) {
        return jsonError(400, 'InvalidParameterValueException', 'BackupSelection needs SelectionName and IamRoleArn');
      }
      const planId = call.params.BackupPlanId;
      if (!(await planExists(call, ctx))) return notFound(`Backup plan ${planId}`);
      const selections = selectionsOf(planId);
      const creatorRequestId = call.body.CreatorRequestId;
      const retried = creatorRequestId && [...selections.values()].find((s) => s.CreatorRequestId === creatorRequestId);
      const stored = retried || {
        SelectionId: randomUUID(),
        BackupPlanId: planId,
        CreationDate: Date.now() / 1000,
        CreatorRequestId: creatorRequestId,
        BackupSelection: selection,
      };
      selections.set(stored.SelectionId, stored);
      return jsonResponse(200, {
        SelectionId: stored.SelectionId,
        BackupPlanId: planId,
        CreationDate: stored.CreationDate,
      });
    },

    async GetBackupSelection(call) {
      const stored = plans.get(call.params.BackupPlanId)?.get(call.params.SelectionId);
      if (!stored) return notFound(`Backup selection ${call.params.SelectionId}`);
      return jsonResponse(200, stored);
    },

    async ListBackupSelections(call, ctx) {
      const planId = call.params.BackupPlanId;
      if (!plans.has(planId) && !(await planExists(call, ctx))) return notFound(`Backup plan ${planId}`);
      const all = [...(plans.get(planId)?.values() ?? [])];
      const start = Number(call.query.get('nextToken') ?? 0);
      const size = Number(call.query.get('maxResults') ?? 1000);
      const page = all.slice(start, start + size);
      return jsonResponse(200, {
        BackupSelectionsList: page.map((s) => ({
          SelectionId: s.SelectionId,
          SelectionName: s.BackupSelection.SelectionName,
          BackupPlanId: s.BackupPlanId,
          CreationDate: s.CreationDate,
          CreatorRequestId: s.CreatorRequestId,
          IamRoleArn: s.BackupSelection.IamRoleArn,
        })),
        NextToken: start + size < all.length ? String(start + size) : undefined,
      });
    },

    async DeleteBackupSelection(call) {
      const selections = plans.get(call.params.BackupPlanId);
      if (!selections?.delete(call.params.SelectionId)) return notFound(`Backup selection ${call.params.SelectionId}`);
      return jsonResponse(200, undefined);
    },

    // moto lacks it too. The emulator never runs backup jobs, so "no recovery points" is the truthful answer.
    async ListRecoveryPointsByResource() {
      return jsonResponse(200, { RecoveryPoints: [] });
    },

    async DeleteBackupPlan(call) {
      if ((plans.get(call.params.BackupPlanId)?.size ?? 0) > 0) {
        return jsonError(
          400,
          'InvalidRequestException',
          'Related backup plan selections must be deleted prior to backup plan deletion',
          { Code: 'InvalidRequestException' },
        );
      }
      return undefined; // the plan itself lives in moto
    },
  };

  return {
    service: 'backup',
    handle(call, ctx) {
      return handlers[call.operation]?.(call, ctx);
    },
    reset() {
      plans.clear();
    },
  };
}
