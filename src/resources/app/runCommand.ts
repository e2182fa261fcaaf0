/**
 * Running a shell script on app nodes with SSM Run Command (AWS-RunShellScript) and waiting for the outcome. The
 * script text goes in the request as is: callers must only send scripts that hold no secret.
 */
import { GetCommandInvocationCommand, ListCommandsCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../../aws/clients.js';
import { hasCode } from '../../aws/errors.js';
import { waitUntil } from '../../aws/wait.js';

export const RUN_SHELL_DOCUMENT = 'AWS-RunShellScript';

export interface RunOnNodesArgs {
  instanceIds: string[];
  script: string;
  comment: string;
  /** '1' runs the nodes one after the other (a rolling change); SSM stops at the first failure with maxErrors '0'. */
  maxConcurrency: string;
  /** Seconds the script may run on one node. */
  executionTimeoutSeconds: number;
  report?: (message: string) => void;
  signal?: AbortSignal;
}

export interface NodeOutcome {
  instanceId: string;
  status: string;
  details?: string;
}

export interface RunOutcome {
  commandId: string;
  status: string;
  nodes: NodeOutcome[];
}

const DONE = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/** Comments are limited to 100 characters. */
function comment(text: string): string {
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

export async function runOnNodes(aws: AwsClients, args: RunOnNodesArgs): Promise<RunOutcome> {
  const ssm = aws.get(SSMClient);
  const sent = await ssm.send(new SendCommandCommand({
    DocumentName: RUN_SHELL_DOCUMENT,
    InstanceIds: args.instanceIds,
    Comment: comment(args.comment),
    Parameters: {
      commands: args.script.split('\n'),
      executionTimeout: [String(args.executionTimeoutSeconds)],
    },
    MaxConcurrency: args.maxConcurrency,
    MaxErrors: '0',
    // Time a node has to pick the command up; a rolling run waits for the nodes before it.
    TimeoutSeconds: Math.max(600, args.executionTimeoutSeconds * args.instanceIds.length + 600),
  }));
  const commandId = sent.Command!.CommandId!;
  const totalMs = (args.executionTimeoutSeconds * args.instanceIds.length + 900) * 1000;
  const status = await waitUntil(async () => {
    const command = (await ssm.send(new ListCommandsCommand({ CommandId: commandId }))).Commands?.[0];
    const current = command?.Status ?? 'Pending';
    if (DONE.has(current)) return { done: true, value: current };
    const progress = command ? ` ${command.CompletedCount ?? 0}/${command.TargetCount ?? args.instanceIds.length} nodes` : '';
    return { done: false, status: `${current}${progress}` };
  }, { what: `${args.comment} (command ${commandId})`, timeoutMs: totalMs, minDelayMs: 2000, maxDelayMs: 20_000, report: args.report, signal: args.signal });
  const nodes: NodeOutcome[] = [];
  for (const instanceId of args.instanceIds) {
    try {
      const invocation = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
      nodes.push({ instanceId, status: invocation.Status ?? 'Unknown', ...(invocation.StatusDetails ? { details: invocation.StatusDetails } : {}) });
    } catch (error) {
      // A rolling run stopped by an earlier failure never reached this node.
      if (!hasCode(error, 'InvocationDoesNotExist')) throw error;
      nodes.push({ instanceId, status: 'NotRun' });
    }
  }
  return { commandId, status, nodes };
}
