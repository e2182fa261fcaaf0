/** Argument parsing and dispatch. Each command lives in src/commands; this file only wires them. */
import { Argument, Command, Option } from 'commander';
import type { ApplyOptions } from './commands/apply.js';
import type { CheckOptions } from './commands/check.js';
import type { BackupVerifyOptions } from './commands/backupVerify.js';
import type { DestroyOptions } from './commands/destroy.js';
import { CliError } from './commands/errors.js';
import type { InitOptions } from './commands/init.js';
import type { PlanOptions } from './commands/plan.js';
import type { RotateOptions } from './commands/rotateCredentials.js';
import type { RunbookOptions } from './commands/runbook.js';
import type { ImportOptions } from './commands/stateImport.js';
import type { MigrateOptions } from './commands/stateMigrate.js';
import type { StatusOptions } from './commands/status.js';
import type { GlobalOptions } from './commands/workspace.js';
import { errorSummary } from './engine/errorSummary.js';
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

/**
 * A command whose module is imported only when it runs: `--help`, `--version`, `schema`, `completion` and early
 * failures then start without loading every AWS SDK client.
 */
function lazy<M, O>(load: () => Promise<M>, pick: (module: M) => Action<O>) {
  return run<O>(async (options, term, args) => pick(await load())(options, term, args));
}

/** Errors whose message already says what went wrong and what to do: no hint, no "--debug" line. By name, so
 * checking needs no import of the modules (and their dependencies) that define them. */
const KNOWN_ERRORS = new Set(['CliError', 'ConfigError', 'LockHeldError', 'StateConflictError', 'GraphError']);

/** Kept in step with WHICH in commands/rotateCredentials.ts (a test compares them); listed here for --help. */
const ROTATABLE = ['mq', 'search', 'db', 'all', 'mq-admin'];

function reportError(error: unknown, term: Terminal): number {
  const known = error instanceof Error && KNOWN_ERRORS.has(error.name);
  const summary = errorSummary(error);
  const where = summary.operation ? ` (${summary.operation})` : '';
  if (term.json) {
    term.out(JSON.stringify({ schema: 1, time: new Date().toISOString(), type: 'error', error: summary.error, code: summary.code, operation: summary.operation }));
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
    .option('--region <region>', 'AWS region (checked against the regions enabled for the account)')
    .option('--az-count <n>', 'availability zones (2–3)')
    .option('--availability-zones <zone...>', 'explicit AZ names (default: the first --az-count zones of the region)')
    .option('--vpc-cidr <cidr>', 'VPC CIDR')
    .option('--allowed-cidr <cidr...>', 'CIDRs allowed to reach the load balancer')
    .option('--hostname <name>', 'host name users type (needs --certificate-arn or --hosted-zone-id)')
    .option('--certificate-arn <arn>', 'existing ACM certificate (ISSUED, in the stack region) covering --hostname')
    .option('--hosted-zone-id <id>', 'public Route 53 zone of --hostname: a DNS-validated certificate and an alias record are made')
    .option('--self-signed', 'self-signed certificate on the load balancer DNS name (demo only; the default with --yes)')
    .option('--instance-type <type>', 'app node instance type (default m6i.xlarge)')
    .option('--min-size <n>', 'minimum app nodes (default 3)')
    .option('--max-size <n>', 'maximum app nodes (default 6)')
    .option('--db-instance-class <class>', 'Aurora instance class (default db.r6g.large)')
    .option('--mq-instance-type <type>', 'Amazon MQ broker instance type (default mq.m5.large)')
    .option('--search-instance-type <type>', 'OpenSearch data node type (default r6g.large.search)')
    .option('--search-instance-count <n>', 'OpenSearch data nodes, a multiple of the AZ count (default 3)')
    .option('--alarm-email <email...>', 'addresses subscribed to the alarms')
    .option('--budget <usd>', 'monthly budget in USD (default 3000 with --yes; the estimate + 20% when guided)')
    .option('--dr-region <region>', 'region backups are copied to, or "none" (default: the usual pair of the region)')
    .addOption(new Option('--state-backend <backend>', 'where the state lives: a local file, or S3 (shared, locked)').choices(['local', 's3']))
    .option('--state-bucket <bucket>', 'S3 bucket for the state (implies --state-backend s3)')
    .option('--state-key <key>', 'S3 object key; {workspace} is replaced (default morpheus-ws/{workspace}.state.json)')
    .option('--state-region <region>', 'region of the state bucket (default: the stack region)')
    .option('--state-create-bucket', 'create the state bucket (versioned, SSE-KMS, private) if it does not exist')
    .action(lazy(() => import('./commands/init.js'), (m) => (o: InitOptions, t) => m.initCommand(o, t))),
  '  $ morpheus-ws init\n  $ morpheus-ws init --yes --name prod --region eu-west-1 --allowed-cidr 203.0.113.0/24\n' +
  '  $ morpheus-ws init --yes --name prod --hostname morpheus.example.com --hosted-zone-id Z0123456789ABCDEFGHIJ \\\n' +
  '      --alarm-email ops@example.com --budget 4000 --dr-region us-west-2\n' +
  '  $ morpheus-ws init --yes --name prod --state-bucket acme-morpheus-state --state-create-bucket');

  examples(program.command('plan')
    .description('show what apply would change (reads AWS, changes nothing)')
    .option('--detailed-exitcode', 'exit 0 when nothing would change, 2 when something would, 1 on error')
    .option('--out <file>', 'save the plan for `apply FILE`')
    .option('--json', 'newline-delimited JSON events')
    .addOption(lockTimeout)
    .action(lazy(() => import('./commands/plan.js'), (m) => (o: PlanOptions, t) => m.planCommand(o, t))),
  '  $ morpheus-ws plan\n  $ morpheus-ws plan --detailed-exitcode --out plan.json');

  examples(program.command('apply [planFile]')
    .description('create or update the stack (a saved plan is applied only if nothing changed since)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'newline-delimited JSON events')
    .addOption(parallelism).addOption(lockTimeout)
    .action(lazy(() => import('./commands/apply.js'), (m) => (o: ApplyOptions, t, [planFile]) => m.applyCommand(planFile, o, t))),
  '  $ morpheus-ws apply\n  $ morpheus-ws apply --yes --parallelism 20\n  $ morpheus-ws apply plan.json');

  examples(program.command('destroy')
    .description('delete every resource of the workspace, dependants first')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--skip-final-snapshot', 'do not take a final Aurora snapshot')
    .option('--force-delete-secrets', 'delete secrets without a recovery window')
    .option('--json', 'newline-delimited JSON events')
    .addOption(parallelism).addOption(lockTimeout)
    .action(lazy(() => import('./commands/destroy.js'), (m) => (o: DestroyOptions, t) => m.destroyCommand(o, t))),
  '  $ morpheus-ws destroy\n  $ morpheus-ws destroy --yes --skip-final-snapshot');

  examples(program.command('status')
    .description('live health of every tier, read from AWS: targets, nodes, database, broker, search, storage, alarms, drift, credentials')
    .option('--json', 'one JSON document (one per refresh with --watch)')
    .option('--watch [seconds]', 'refresh every N seconds (default 10) until Ctrl-C')
    .addHelpText('after', '\nExit codes: 0 healthy, 3 degraded (something down, degraded, missing, drifted or alarming; or nothing deployed), 1 error.')
    .action(lazy(() => import('./commands/status.js'), (m) => (o: StatusOptions, t) => m.statusCommand(o, t))),
  '  $ morpheus-ws status\n  $ morpheus-ws status --watch 30\n  $ morpheus-ws status --json | jq .reasons');

  examples(program.command('check')
    .description('evaluate the live stack against the AWS Foundational Security Best Practices controls that apply')
    .option('--json', 'one JSON document')
    .option('--strict', 'also fail on warnings (accepted exceptions such as SecretsManager.1)')
    .addHelpText('after', '\nExit codes: 0 no control fails, 1 a control fails (or an error).')
    .action(lazy(() => import('./commands/check.js'), (m) => (o: CheckOptions, t) => m.checkCommand(o, t))),
  '  $ morpheus-ws check\n  $ morpheus-ws check --json | jq \'.results[] | select(.status == "fail")\'');

  examples(program.command('cost')
    .description('estimated monthly cost per tier from the config and the shipped price table (no AWS call)')
    .option('--json', 'one JSON document')
    .action(lazy(() => import('./commands/cost.js'), (m) => (o: GlobalOptions, t) => m.costCommand(o, t))),
  '  $ morpheus-ws cost\n  $ morpheus-ws cost --json | jq .totalMonthlyUsd');

  examples(program.command('output [name]')
    .description('ids and endpoints of the deployed stack (secret ARNs, never values)')
    .option('--json', 'JSON')
    .action(lazy(() => import('./commands/output.js'), (m) => (o: GlobalOptions, t, [name]) => m.outputCommand(name, o, t))),
  '  $ morpheus-ws output\n  $ morpheus-ws output url');

  examples(program.command('graph')
    .description('the resource graph as Graphviz DOT')
    .option('--tier <tier>', 'only one tier')
    .action(lazy(() => import('./commands/graph.js'), (m) => (o: GlobalOptions & { tier?: string }, t) => m.graphCommand(o, t))),
  '  $ morpheus-ws graph | dot -Tsvg > graph.svg\n  $ morpheus-ws graph --tier network');

  examples(program.command('schema')
    .description('print the JSON Schema of morpheus-ws.yaml (for editors)')
    .action(lazy(() => import('./commands/schema.js'), (m) => (_o: GlobalOptions, t) => m.schemaCommand(t))),
  '  $ morpheus-ws schema > morpheus-ws.schema.json   # then: # yaml-language-server: $schema=./morpheus-ws.schema.json');

  examples(program.command('completion')
    .description('print a shell completion script for bash or zsh')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action(lazy(() => import('./commands/completion.js'), (m) => (_o: GlobalOptions, t, [shell]) => m.completionCommand(program, shell, t))),
  '  $ source <(morpheus-ws completion bash)                      # this shell\n' +
  '  $ morpheus-ws completion bash > ~/.local/share/bash-completion/completions/morpheus-ws\n' +
  '  $ morpheus-ws completion zsh > "${fpath[1]}/_morpheus-ws"     # then: compinit');

  examples(program.command('force-unlock <id>')
    .description('remove a lock left by a run that died')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(lazy(() => import('./commands/unlock.js'), (m) => (o: GlobalOptions & { yes?: boolean }, t, [id]) => m.forceUnlockCommand(id, o, t))),
  '  $ morpheus-ws force-unlock 6f1c…');

  examples(program.command('runbook')
    .description('write the operations and disaster-recovery runbooks (Markdown) for the deployed stack')
    .option('--out <dir>', 'directory for operations.md and disaster-recovery.md', 'runbooks')
    .option('--json', 'print the written files as JSON')
    .action(lazy(() => import('./commands/runbook.js'), (m) => (o: RunbookOptions, t) => m.runbookCommand(o, t))),
  '  $ morpheus-ws runbook\n  $ morpheus-ws runbook --out docs/ops');

  examples(program.command('rotate-credentials')
    .description('new passwords for the MQ app user, the OpenSearch master user and the MySQL user, with no outage')
    .addOption(new Option('--which <credential>', 'which credential (mq-admin only when named)').choices(ROTATABLE).default('all'))
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'newline-delimited JSON')
    .addOption(lockTimeout)
    .action(lazy(() => import('./commands/rotateCredentials.js'), (m) => (o: RotateOptions, t) => m.rotateCredentialsCommand(o, t))),
  '  $ morpheus-ws rotate-credentials\n  $ morpheus-ws rotate-credentials --which search --yes');

  const backup = examples(program.command('backup').description('check the backups'), '  $ morpheus-ws backup verify');
  examples(backup.command('verify')
    .description('recovery points within the RPO for Aurora and EFS; --restore-test restores the newest Aurora snapshot into a temporary cluster')
    .option('--restore-test', 'restore the newest Aurora snapshot into a temporary cluster, time it, delete it')
    .option('--json', 'one JSON document')
    .action(lazy(() => import('./commands/backupVerify.js'), (m) => (o: BackupVerifyOptions, t) => m.backupVerifyCommand(o, t))),
  '  $ morpheus-ws backup verify\n  $ morpheus-ws backup verify --restore-test --json');

  const stateModule = () => import('./commands/state.js');
  const state = examples(program.command('state').description('inspect and repair the state'),
    '  $ morpheus-ws state list\n  $ morpheus-ws state show network.vpc\n  $ morpheus-ws state pull > backup.state.json');
  examples(state.command('list').description('resources in the state').option('--json', 'JSON')
    .action(lazy(stateModule, (m) => (o: GlobalOptions, t) => m.stateList(o, t))),
  '  $ morpheus-ws state list\n  $ morpheus-ws state list --json | jq -r \'.[].address\'');
  examples(state.command('show <address>').description('one resource as stored')
    .action(lazy(stateModule, (m) => (o: GlobalOptions, t, [address]) => m.stateShow(address, o, t))),
  '  $ morpheus-ws state show network.vpc\n  $ morpheus-ws state show \'network.subnet.private[us-east-1a]\'');
  examples(state.command('pull').description('print the state document')
    .action(lazy(stateModule, (m) => (o: GlobalOptions, t) => m.statePull(o, t))),
  '  $ morpheus-ws state pull > backup.state.json');
  examples(state.command('push <file>').description('replace the state with a file (lineage and serial checked)')
    .option('--force', 'push a different lineage or an older serial').addOption(lockTimeout)
    .action(lazy(stateModule, (m) => (o: GlobalOptions & { lockTimeout: string; force?: boolean }, t, [file]) => m.statePush(file, o, t))),
  '  $ morpheus-ws state push backup.state.json\n  $ morpheus-ws state push --force restored.state.json');
  examples(state.command('rm <address...>').description('forget resources without deleting them')
    .option('-y, --yes', 'do not ask for confirmation').addOption(lockTimeout)
    .action(lazy(stateModule, (m) => (o: GlobalOptions & { lockTimeout: string; yes?: boolean }, t, addresses) => m.stateRm(addresses, o, t))),
  '  $ morpheus-ws state rm edge.dnsRecord\n  $ morpheus-ws state rm --yes data.mq.broker');
  examples(state.command('migrate')
    .description('move the state to another backend (same lineage and serial) and update the config file')
    .addOption(new Option('--to <backend>', 'where the state goes').choices(['local', 's3']).makeOptionMandatory())
    .option('--bucket <bucket>', 'S3 bucket (with --to s3)')
    .option('--key <key>', 'S3 object key; {workspace} is replaced (default morpheus-ws/{workspace}.state.json)')
    .option('--region <region>', 'region of the bucket (default: the stack region)')
    .option('--create-bucket', 'create the bucket (versioned, SSE-KMS, private) if it does not exist')
    .option('--dir <dir>', 'directory of the state file, relative to the config (with --to local; default .morpheus-ws)')
    .addOption(lockTimeout)
    .action(lazy(() => import('./commands/stateMigrate.js'), (m) => (o: MigrateOptions, t) => m.stateMigrateCommand(o, t))),
  '  $ morpheus-ws state migrate --to s3 --bucket acme-morpheus-state --create-bucket\n  $ morpheus-ws state migrate --to local');
  examples(state.command('import <address> <id>')
    .description('adopt an existing AWS resource at an address the configuration declares (nothing in AWS changes)')
    .addOption(lockTimeout)
    .action(lazy(() => import('./commands/stateImport.js'), (m) => (o: ImportOptions, t, [address, id]) => m.stateImportCommand(address, id, o, t))),
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
