/** Argument parsing and dispatch. Each command lives in src/commands; this file only wires them. */
import { Command, Option } from 'commander';
import { applyCommand } from './commands/apply.js';
import { destroyCommand } from './commands/destroy.js';
import { CliError } from './commands/errors.js';
import { graphCommand } from './commands/graph.js';
import { initCommand } from './commands/init.js';
import { outputCommand } from './commands/output.js';
import { planCommand } from './commands/plan.js';
import { schemaCommand } from './commands/schema.js';
import { stateList, statePull, statePush, stateRm, stateShow } from './commands/state.js';
import { statusCommand } from './commands/status.js';
import { forceUnlockCommand } from './commands/unlock.js';
import type { GlobalOptions } from './commands/workspace.js';
import { ConfigError } from './config/load.js';
import { GraphError } from './engine/graph.js';
import { errorSummary } from './engine/errorSummary.js';
import { LockHeldError, StateConflictError } from './state/types.js';
import { hintFor } from './ui/errorHints.js';
import { createTerminal, type Terminal } from './ui/terminal.js';
import { noteRuntimeOnce } from './ui/runtimeNotice.js';

const VERSION = '0.1.0';

type Action<O> = (options: O & GlobalOptions, term: Terminal, args: string[]) => Promise<number> | number;

function terminalFor(options: GlobalOptions): Terminal {
  return createTerminal({ json: options.json, noTty: options.tty === false, color: options.color, debug: options.debug });
}

/** Runs a command: known errors become one clear message and exit 1; stacks only with --debug. */
function run<O>(action: Action<O>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = command.optsWithGlobals() as O & GlobalOptions;
    const term = terminalFor(options);
    noteRuntimeOnce(term);
    try {
      process.exitCode = await action(options, term, command.args);
    } catch (error) {
      process.exitCode = reportError(error, term);
    }
  };
}

function reportError(error: unknown, term: Terminal): number {
  const known = error instanceof CliError || error instanceof ConfigError || error instanceof LockHeldError
    || error instanceof StateConflictError || error instanceof GraphError;
  const summary = errorSummary(error);
  const where = summary.operation ? ` (${summary.operation})` : '';
  if (term.json) {
    term.out(JSON.stringify({ schema: 1, type: 'error', error: summary.error, code: summary.code, operation: summary.operation }));
  }
  term.err(term.c.red(`Error${where}: ${summary.error}`));
  const hint = known ? undefined : hintFor(summary.code, summary.error);
  if (hint) term.err(`  hint: ${hint}`);
  if (term.debug && error instanceof Error && error.stack) term.err(term.c.dim(error.stack));
  else if (!known) term.err(term.c.dim('  (run with --debug for details)'));
  return error instanceof CliError ? error.exitCode : 1;
}

export function buildProgram(): Command {
  const program = new Command('morpheus-ws')
    .description('Deploy and operate a highly available Morpheus stack on AWS.')
    .version(VERSION)
    .option('-c, --config <file>', 'configuration file', 'morpheus-ws.yaml')
    .option('--debug', 'log every AWS call (operation, duration, request id) and show stack traces')
    .option('--no-tty', 'plain line output even on a terminal')
    .option('--no-color', 'no colours')
    .showHelpAfterError('(add --help for usage)');

  const lockTimeout = new Option('--lock-timeout <duration>', 'wait this long for the workspace lock (e.g. 30s, 5m)').default('0s');
  const parallelism = new Option('--parallelism <n>', 'resources worked on at once').default('10');
  const examples = (cmd: Command, text: string) => cmd.addHelpText('after', `\nExamples:\n${text}`);

  examples(program.command('init')
    .description('write morpheus-ws.yaml: guided questions, or the defaults with --yes')
    .option('-y, --yes', 'no questions: take the defaults and the flags given')
    .option('--force', 'overwrite an existing config file')
    .option('--name <workspace>', 'workspace name')
    .option('--region <region>', 'AWS region')
    .option('--az-count <n>', 'availability zones (2–3)')
    .option('--vpc-cidr <cidr>', 'VPC CIDR')
    .option('--allowed-cidr <cidr...>', 'CIDRs allowed to reach the load balancer')
    .action(run(initCommand)),
  '  $ morpheus-ws init\n  $ morpheus-ws init --yes --name prod --region eu-west-1 --allowed-cidr 203.0.113.0/24');

  examples(program.command('plan')
    .description('show what apply would change (reads AWS, changes nothing)')
    .option('--detailed-exitcode', 'exit 0 when nothing would change, 2 when something would, 1 on error')
    .option('--out <file>', 'save the plan for `apply FILE`')
    .option('--json', 'newline-delimited JSON events')
    .addOption(lockTimeout)
    .action(run(planCommand)),
  '  $ morpheus-ws plan\n  $ morpheus-ws plan --detailed-exitcode --out plan.json');

  examples(program.command('apply [planFile]')
    .description('create or update the stack (a saved plan is applied only if nothing changed since)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'newline-delimited JSON events')
    .addOption(parallelism).addOption(lockTimeout)
    .action(run<{ yes?: boolean; parallelism: string; lockTimeout: string }>((options, term, [planFile]) => applyCommand(planFile, options, term))),
  '  $ morpheus-ws apply\n  $ morpheus-ws apply --yes --parallelism 20\n  $ morpheus-ws apply plan.json');

  examples(program.command('destroy')
    .description('delete every resource of the workspace, dependants first')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--skip-final-snapshot', 'do not take a final Aurora snapshot')
    .option('--force-delete-secrets', 'delete secrets without a recovery window')
    .option('--json', 'newline-delimited JSON events')
    .addOption(parallelism).addOption(lockTimeout)
    .action(run(destroyCommand)),
  '  $ morpheus-ws destroy\n  $ morpheus-ws destroy --yes --skip-final-snapshot');

  examples(program.command('status')
    .description('live state of every resource, read from AWS (exit 3 when something is missing or drifted)')
    .option('--json', 'one JSON document')
    .action(run(statusCommand)),
  '  $ morpheus-ws status\n  $ morpheus-ws status --json | jq .healthy');

  examples(program.command('output [name]')
    .description('ids and endpoints of the deployed stack (secret ARNs, never values)')
    .option('--json', 'JSON')
    .action(run<object>((options, term, [name]) => outputCommand(name, options, term))),
  '  $ morpheus-ws output\n  $ morpheus-ws output url');

  examples(program.command('graph')
    .description('the resource graph as Graphviz DOT')
    .option('--tier <tier>', 'only one tier')
    .action(run(graphCommand)),
  '  $ morpheus-ws graph | dot -Tsvg > graph.svg\n  $ morpheus-ws graph --tier network');

  program.command('schema')
    .description('print the JSON Schema of morpheus-ws.yaml (for editors)')
    .action(run(async (_options, term) => schemaCommand(term)));

  examples(program.command('force-unlock <id>')
    .description('remove a lock left by a run that died')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(run<{ yes?: boolean }>((options, term, [id]) => forceUnlockCommand(id, options, term))),
  '  $ morpheus-ws force-unlock 6f1c…');

  const state = program.command('state').description('inspect and repair the state');
  state.command('list').description('resources in the state').option('--json', 'JSON').action(run(stateList));
  state.command('show <address>').description('one resource as stored').action(run<object>((options, term, [address]) => stateShow(address, options, term)));
  state.command('pull').description('print the state document').action(run(statePull));
  state.command('push <file>').description('replace the state with a file (lineage and serial checked)')
    .option('--force', 'push a different lineage or an older serial').addOption(lockTimeout)
    .action(run<{ lockTimeout: string; force?: boolean }>((options, term, [file]) => statePush(file, options, term)));
  state.command('rm <address...>').description('forget resources without deleting them')
    .option('-y, --yes', 'do not ask for confirmation').addOption(lockTimeout)
    .action(run<{ lockTimeout: string; yes?: boolean }>((options, term, addresses) => stateRm(addresses, options, term)));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
