/**
 * `rotate-credentials`: new passwords for the credentials morpheus-ws owns, with no outage and no value ever shown.
 *
 * Per credential: (1) a new value is stored as the secret's AWSPENDING version (an AWSPENDING left by an
 * interrupted run is reused, never replaced: the service may already use it); (2) the service is changed — OpenSearch
 * by UpdateDomainConfig from here, RabbitMQ and MySQL from one app node through SSM Run Command, the node reading
 * the value from Secrets Manager itself (MySQL keeps the old password valid as well: RETAIN CURRENT PASSWORD);
 * (3) AWSPENDING becomes AWSCURRENT (AWSPREVIOUS keeps the old value, LastChangedDate moves). Then (4) the app nodes
 * rewrite morpheus.rb from the secrets and reconfigure, one at a time (SSM MaxConcurrency 1, MaxErrors 0), each
 * waiting until /ping answers before the next starts; and (5) MySQL drops the old password.
 *
 * Why Run Command rather than an instance refresh: a refresh replaces every node, and a new node spends 15–30
 * minutes in its first reconfigure, so a rotation would take hours and run with reduced capacity; rewriting
 * morpheus.rb on the running nodes takes minutes per node. Nodes that boot during the rotation read the secrets at
 * boot and need nothing.
 */
import type { AwsClients } from '../aws/clients.js';
import { inServiceNodes } from '../resources/app/asgInstances.js';
import { runOnNodes, type RunOutcome } from '../resources/app/runCommand.js';
import { nodeTaskScript, type NodeTask } from '../resources/app/rotationScripts.js';
import type { PasswordPolicy } from '../resources/data/password.js';
import { setSearchMasterPassword } from '../resources/data/searchMasterPassword.js';
import {
  describeSecretVersions, PENDING, promotePending, putPendingCredentials, readCredentialsAt,
} from '../resources/data/secretRotation.js';
import type { SecretName } from '../resources/data/names.js';
import { addr } from '../stack/addresses.js';
import type { StateDoc } from '../state/types.js';
import type { Terminal } from '../ui/terminal.js';
import { confirmOrYes } from './confirm.js';
import { CliError } from './errors.js';
import { trapInterrupts } from './interrupts.js';
import { openWorkspace, parseDuration, withLock, type GlobalOptions } from './workspace.js';

export type Which = 'mq' | 'search' | 'db' | 'all' | 'mq-admin';
export const WHICH: readonly Which[] = ['mq', 'search', 'db', 'all', 'mq-admin'];

/** The MQ admin is never in `all`: Amazon MQ cannot reset a lost RabbitMQ admin password (the broker must be recreated). */
const SELECTION: Record<Which, SecretName[]> = {
  mq: ['mqApp'], search: ['searchMaster'], db: ['dbApp'], all: ['dbApp', 'mqApp', 'searchMaster'], 'mq-admin': ['mqAdmin'],
};

const LABEL: Record<SecretName, string> = {
  dbApp: 'MySQL user', mqApp: 'RabbitMQ app user', searchMaster: 'OpenSearch master user', mqAdmin: 'RabbitMQ admin',
};

/** Which service change each credential needs; `search` happens from here, the others on a node. */
const APPLY: Record<SecretName, NodeTask | 'search'> = {
  dbApp: 'db-user', mqApp: 'mq-app-user', searchMaster: 'search', mqAdmin: 'mq-admin-user',
};

/** Morpheus connects with these three; the admin is only used by the boot script. */
const USED_BY_MORPHEUS: SecretName[] = ['dbApp', 'mqApp', 'searchMaster'];

const SINGLE_NODE_TIMEOUT_S = 900;
const REFRESH_TIMEOUT_S = 3600;

export interface RotationPlan {
  workspace: string;
  region: string;
  credentials: { name: SecretName; secretArn: string; policy: PasswordPolicy }[];
  domainName?: string;
  autoScalingGroup?: string;
}

export interface RotationOutcome {
  credential: SecretName;
  label: string;
  secretArn: string;
  status: 'rotated' | 'failed' | 'skipped';
  versionId?: string;
  changed?: string;
  error?: string;
}

export interface RotationResult {
  outcomes: RotationOutcome[];
  nodes: { refreshed: boolean; commandId?: string; instances: number; error?: string };
  oldDbPasswordDiscarded?: boolean;
}

export interface RotationHooks {
  report(message: string): void;
  /** Set: start no new credential. */
  stop?: AbortSignal;
  /** Set: abandon waits. */
  signal?: AbortSignal;
}

/** What to rotate, from the state: secret ARNs and each secret's password rules (the inputs it was created with). */
export function rotationPlan(doc: StateDoc, workspace: string, region: string, which: Which): RotationPlan {
  const credentials = SELECTION[which].map((name) => {
    const resource = doc.resources[addr.secret(name)];
    if (!resource) throw new CliError(`the ${LABEL[name]} secret (${addr.secret(name)}) is not deployed: run morpheus-ws apply first`);
    const inputs = resource.inputs as { passwordLength?: number; passwordSymbols?: string };
    return {
      name,
      secretArn: (resource.outputs.arn as string | undefined) ?? resource.id,
      policy: { length: inputs.passwordLength ?? 32, symbols: inputs.passwordSymbols ?? '' },
    };
  });
  return {
    workspace, region, credentials,
    domainName: doc.resources[addr.searchDomain]?.outputs.domainName as string | undefined,
    autoScalingGroup: doc.resources[addr.autoScalingGroup]?.outputs.name as string | undefined,
  };
}

function commandFailure(what: string, run: RunOutcome): string {
  const failed = run.nodes.filter((n) => n.status !== 'Success').map((n) => `${n.instanceId}: ${n.details ?? n.status}`);
  return `${what} ended ${run.status} (SSM command ${run.commandId}${failed.length ? `; ${failed.join(', ')}` : ''})`;
}

export async function rotateCredentials(aws: AwsClients, plan: RotationPlan, hooks: RotationHooks): Promise<RotationResult> {
  const nodeTasks = plan.credentials.some((c) => APPLY[c.name] !== 'search');
  const needsRoll = plan.credentials.some((c) => USED_BY_MORPHEUS.includes(c.name));
  const nodes = plan.autoScalingGroup && (nodeTasks || needsRoll) ? await inServiceNodes(aws, plan.autoScalingGroup) : [];
  if (nodeTasks && !nodes.length) {
    throw new CliError('the RabbitMQ and MySQL users are changed from an app node, and no app node is in service: start the app tier (morpheus-ws apply) and retry');
  }
  const script = (task: NodeTask) => nodeTaskScript(task, { workspace: plan.workspace, region: plan.region });

  const outcomes: RotationOutcome[] = [];
  for (const credential of plan.credentials) {
    const base = { credential: credential.name, label: LABEL[credential.name], secretArn: credential.secretArn };
    if (hooks.stop?.aborted) {
      outcomes.push({ ...base, status: 'skipped', error: 'interrupted before it started' });
      continue;
    }
    let versionId: string | undefined;
    try {
      const before = await describeSecretVersions(aws, credential.secretArn);
      if (before.pendingVersionId && before.pendingVersionId !== before.currentVersionId) {
        versionId = before.pendingVersionId;
        hooks.report(`${base.label}: resuming the rotation left pending (version ${versionId})`);
      } else {
        versionId = await putPendingCredentials(aws, credential.secretArn, credential.policy);
        hooks.report(`${base.label}: new password stored as ${PENDING} (version ${versionId})`);
      }
      const apply = APPLY[credential.name];
      if (apply === 'search') {
        if (!plan.domainName) throw new Error('the OpenSearch domain is not deployed');
        hooks.report(`${base.label}: updating domain ${plan.domainName}`);
        await setSearchMasterPassword(aws, plan.domainName, await readCredentialsAt(aws, credential.secretArn, PENDING),
          { report: hooks.report, signal: hooks.signal });
      } else {
        const node = nodes[0];
        hooks.report(`${base.label}: changing it from node ${node.instanceId}`);
        const run = await runOnNodes(aws, {
          instanceIds: [node.instanceId], script: script(apply), comment: `morpheus-ws ${plan.workspace}: rotate ${base.label}`,
          maxConcurrency: '1', executionTimeoutSeconds: SINGLE_NODE_TIMEOUT_S, report: hooks.report, signal: hooks.signal,
        });
        if (run.status !== 'Success') throw new Error(commandFailure(`changing the ${base.label}`, run));
      }
      await promotePending(aws, credential.secretArn, versionId);
      const after = await describeSecretVersions(aws, credential.secretArn);
      hooks.report(`${base.label}: version ${versionId} is now AWSCURRENT`);
      outcomes.push({ ...base, status: 'rotated', versionId, ...(after.lastChangedDate ? { changed: after.lastChangedDate.toISOString() } : {}) });
    } catch (error) {
      const message = (error as Error).message;
      const pending = versionId
        ? ` The new value stays as ${PENDING} version ${versionId} (the service may already use it); running the same command again resumes with it.`
        : '';
      outcomes.push({ ...base, status: 'failed', ...(versionId ? { versionId } : {}), error: `${message}.${pending}` });
    }
  }

  const rotatedForMorpheus = outcomes.filter((o) => o.status === 'rotated' && USED_BY_MORPHEUS.includes(o.credential));
  const result: RotationResult = { outcomes, nodes: { refreshed: false, instances: nodes.length } };
  if (!rotatedForMorpheus.length) return result;
  if (!nodes.length) {
    result.nodes.error = 'no app node in service: nodes read the new values when they boot';
    return result;
  }
  hooks.report(`rewriting morpheus.rb and reconfiguring ${nodes.length} node(s), one at a time`);
  const roll = await runOnNodes(aws, {
    instanceIds: nodes.map((n) => n.instanceId), script: script('refresh-node'),
    comment: `morpheus-ws ${plan.workspace}: reconfigure with rotated credentials`, maxConcurrency: '1',
    executionTimeoutSeconds: REFRESH_TIMEOUT_S, report: hooks.report, signal: hooks.signal,
  });
  result.nodes = { refreshed: roll.status === 'Success', commandId: roll.commandId, instances: nodes.length };
  if (roll.status !== 'Success') {
    result.nodes.error = commandFailure('reconfiguring the nodes', roll);
    return result;
  }
  // Only now is the old MySQL password unused everywhere.
  if (rotatedForMorpheus.some((o) => o.credential === 'dbApp')) {
    const discard = await runOnNodes(aws, {
      instanceIds: [nodes[0].instanceId], script: script('db-user-discard-old'),
      comment: `morpheus-ws ${plan.workspace}: discard the old MySQL password`, maxConcurrency: '1',
      executionTimeoutSeconds: SINGLE_NODE_TIMEOUT_S, report: hooks.report, signal: hooks.signal,
    });
    result.oldDbPasswordDiscarded = discard.status === 'Success';
    if (!result.oldDbPasswordDiscarded) result.nodes.error = commandFailure('discarding the old MySQL password', discard);
  }
  return result;
}

export interface RotateOptions extends GlobalOptions {
  which: Which;
  yes?: boolean;
  lockTimeout: string;
}

export async function rotateCredentialsCommand(options: RotateOptions, term: Terminal): Promise<number> {
  const which = options.which ?? 'all';
  if (!WHICH.includes(which)) throw new CliError(`--which must be one of ${WHICH.join(', ')}`);
  const workspace = await openWorkspace(options, term);
  const { config } = workspace;
  const { doc } = await workspace.backend.read();
  if (!doc || !Object.keys(doc.resources).length) throw new CliError(`workspace ${config.workspace} has nothing deployed: run morpheus-ws apply first`);
  const plan = rotationPlan(doc, config.workspace, config.region, which);
  const names = plan.credentials.map((c) => LABEL[c.name]).join(', ');
  const question = `Rotate the ${names} of workspace ${config.workspace}? The app nodes are reconfigured one at a time.`;
  if (!await confirmOrYes(term, options.yes, question)) {
    term.err('Nothing rotated.');
    return 1;
  }
  const log = (message: string) => (term.json ? term.out(JSON.stringify({ schema: 1, type: 'progress', message })) : term.err(term.c.dim(message)));
  const interrupts = trapInterrupts((event) => 'message' in event && term.err(term.c.yellow(event.message)));
  let result: RotationResult;
  try {
    result = await withLock(workspace, 'rotate-credentials', parseDuration(options.lockTimeout),
      () => rotateCredentials(workspace.aws, plan, { report: log, stop: interrupts.stop, signal: interrupts.abort }));
  } finally {
    interrupts.dispose();
  }
  const ok = result.outcomes.every((o) => o.status === 'rotated') && !result.nodes.error;
  if (term.json) {
    term.out(JSON.stringify({ schema: 1, type: 'rotation', workspace: config.workspace, ok, ...result }));
  } else {
    for (const o of result.outcomes) {
      const mark = o.status === 'rotated' ? term.c.green('rotated') : o.status === 'failed' ? term.c.red('failed') : term.c.yellow('skipped');
      term.out(`${o.label.padEnd(24)} ${mark}${o.changed ? `  ${o.changed}` : ''}${o.error ? `\n  ${o.error}` : ''}`);
    }
    if (result.nodes.refreshed) term.out(`App nodes: ${result.nodes.instances} reconfigured one at a time (SSM command ${result.nodes.commandId}).`);
    if (result.nodes.error) term.out(term.c.red(`App nodes: ${result.nodes.error}`));
    if (which === 'all') term.out(term.c.dim('The RabbitMQ admin is not rotated by `all`; use --which mq-admin (see the operations runbook).'));
  }
  return ok ? 0 : 1;
}
