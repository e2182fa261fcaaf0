/** Argument parsing and dispatch. Each command lives in src/commands; this file only wires them. */
import { Command, Option } from 'commander';
import { applyCommand } from './commands/apply.js';
import { checkCommand, type CheckOptions } from './commands/check.js';
import { costCommand } from './commands/cost.js';
import { backupVerifyCommand } from './commands/backupVerify.js';
import { destroyCommand } from './commands/destroy.js';
import { CliError } from './commands/errors.js';
import { graphCommand } from './commands/graph.js';
import { initCommand } from './commands/init.js';
import { outputCommand } from './commands/output.js';
import { planCommand } from './commands/plan.js';
import { rotateCredentialsCommand, WHICH } from './commands/rotateCredentials.js';
import { runbookCommand } from './commands/runbook.js';
import { schemaCommand } from './commands/schema.js';
import { stateList, statePull, statePush, stateRm, stateShow } from './commands/state.js';
import { stateImportCommand } from './commands/stateImport.js';
import { stateMigrateCommand } from './commands/stateMigrate.js';
import { statusCommand, type StatusOptions } from './commands/status.js';
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
    .addOption(new Option('--state-backend <backend>', 'where the state lives: a local file, or S3 (shared, locked)').choices(['local', 's3']))
    .option('--state-bucket <bucket>', 'S3 bucket for the state (implies --state-backend s3)')
    .option('--state-key <key>', 'S3 object key; {workspace} is replaced (default morpheus-ws/{workspace}.state.json)')
    .option('--state-region <region>', 'region of the state bucket (default: the stack region)')
    .option('--state-create-bucket', 'create the state bucket (versioned, SSE-KMS, private) if it does not exist')
    .action(run(initCommand)),
  '  $ morpheus-ws init\n  $ morpheus-ws init --yes --name prod --region eu-west-1 --allowed-cidr 203.0.113.0/24\n' +
  '  $ morpheus-ws init --yes --name prod --state-bucket acme-morpheus-state --state-create-bucket');

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
    .description('live health of every tier, read from AWS: targets, nodes, database, broker, search, storage, alarms, drift, credentials')
    .option('--json', 'one JSON document (one per refresh with --watch)')
    .option('--watch [seconds]', 'refresh every N seconds (default 10) until Ctrl-C')
    .addHelpText('after', '\nExit codes: 0 healthy, 3 degraded (something down, degraded, missing, drifted or alarming; or nothing deployed), 1 error.')
    .action(run<StatusOptions>(statusCommand)),
  '  $ morpheus-ws status\n  $ morpheus-ws status --watch 30\n  $ morpheus-ws status --json | jq .reasons');

  examples(program.command('check')
    .description('evaluate the live stack against the AWS Foundational Security Best Practices controls that apply')
    .option('--json', 'one JSON document')
    .option('--strict', 'also fail on warnings (accepted exceptions such as SecretsManager.1)')
    .addHelpText('after', '\nExit codes: 0 no control fails, 1 a control fails (or an error).')
    .action(run<CheckOptions>(checkCommand)),
  '  $ morpheus-ws check\n  $ morpheus-ws check --json | jq \'.results[] | select(.status == "fail")\'');

  examples(program.command('cost')
    .description('estimated monthly cost per tier from the config and the shipped price table (no AWS call)')
    .option('--json', 'one JSON document')
    .action(run(costCommand)),
  '  $ morpheus-ws cost\n  $ morpheus-ws cost --json | jq .totalMonthlyUsd');

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

  examples(program.command('runbook')
    .description('write the operations and disaster-recovery runbooks (Markdown) for the deployed stack')
    .option('--out <dir>', 'directory for operations.md and disaster-recovery.md', 'runbooks')
    .option('--json', 'print the written files as JSON')
    .action(run(runbookCommand)),
  '  $ morpheus-ws runbook\n  $ morpheus-ws runbook --out docs/ops');

  examples(program.command('rotate-credentials')
    .description('new passwords for the MQ app user, the OpenSearch master user and the MySQL user, with no outage')
    .addOption(new Option('--which <credential>', 'which credential (mq-admin only when named)').choices([...WHICH]).default('all'))
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'newline-delimited JSON')
    .addOption(lockTimeout)
    .action(run(rotateCredentialsCommand)),
  '  $ morpheus-ws rotate-credentials\n  $ morpheus-ws rotate-credentials --which search --yes');

  const backup = program.command('backup').description('check the backups');
  examples(backup.command('verify')
    .description('recovery points within the RPO for Aurora and EFS; --restore-test restores the newest Aurora snapshot into a temporary cluster')
    .option('--restore-test', 'restore the newest Aurora snapshot into a temporary cluster, time it, delete it')
    .option('--json', 'one JSON document')
    .action(run(backupVerifyCommand)),
  '  $ morpheus-ws backup verify\n  $ morpheus-ws backup verify --restore-test --json');

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
  examples(state.command('migrate')
    .description('move the state to another backend (same lineage and serial) and update the config file')
    .addOption(new Option('--to <backend>', 'where the state goes').choices(['local', 's3']).makeOptionMandatory())
    .option('--bucket <bucket>', 'S3 bucket (with --to s3)')
    .option('--key <key>', 'S3 object key; {workspace} is replaced (default morpheus-ws/{workspace}.state.json)')
    .option('--region <region>', 'region of the bucket (default: the stack region)')
    .option('--create-bucket', 'create the bucket (versioned, SSE-KMS, private) if it does not exist')
    .option('--dir <dir>', 'directory of the state file, relative to the config (with --to local; default .morpheus-ws)')
    .addOption(lockTimeout)
    .action(run(stateMigrateCommand)),
  '  $ morpheus-ws state migrate --to s3 --bucket acme-morpheus-state --create-bucket\n  $ morpheus-ws state migrate --to local');
  examples(state.command('import <address> <id>')
    .description('adopt an existing AWS resource at an address the configuration declares (nothing in AWS changes)')
    .addOption(lockTimeout)
    .action(run<{ lockTimeout: string }>((options, term, [address, id]) => stateImportCommand(address, id, options, term))),
  '  $ morpheus-ws state import network.vpc vpc-0a1b2c3d\n  $ morpheus-ws state import \'network.subnet.private[us-east-1a]\' subnet-0123abcd');
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `morpheus-ws status | head`: a closed pipe is the reader's choice, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  await buildProgram().parseAsync(argv);
}
