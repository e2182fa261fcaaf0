/**
 * `init`: guided by default, `--yes` takes the defaults (and any flags) with no prompt. The file is written once,
 * at the end, atomically: Ctrl-C leaves nothing behind.
 */
import { access } from 'node:fs/promises';
import { confirm, input, number, select } from '@inquirer/prompts';
import { stringify } from 'yaml';
import { AwsClients } from '../aws/clients.js';
import { validateConfig } from '../config/load.js';
import { parseCidr } from '../config/cidr.js';
import { WORKSPACE_NAME, type Config, type ConfigInput } from '../config/schema.js';
import { stateSchema } from '../config/state.js';
import { discoverAvailabilityZones } from '../resources/network/availabilityZones.js';
import { writeFileAtomic } from '../state/localBackend.js';
import { checkStateBucket, ensureStateBucket, StateBucketError } from '../state/s3StateBucket.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import type { GlobalOptions } from './workspace.js';

export interface InitOptions extends GlobalOptions {
  yes?: boolean;
  force?: boolean;
  name?: string;
  region?: string;
  azCount?: string;
  vpcCidr?: string;
  allowedCidr?: string[];
  stateBackend?: 'local' | 's3';
  stateBucket?: string;
  stateKey?: string;
  stateRegion?: string;
  stateCreateBucket?: boolean;
}

type StateInput = NonNullable<ConfigInput['state']>;

/** Where the state goes, and whether init should create the bucket. */
interface StateChoice {
  state?: StateInput;
  createBucket: boolean;
}

const DEFAULT_STATE_KEY = 'morpheus-ws/{workspace}.state.json';

const COMMON_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'eu-west-2', 'ap-southeast-2', 'ap-northeast-1', 'ca-central-1'];

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

function defaultRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

async function guided(options: InitOptions, term: Terminal): Promise<ConfigInput> {
  const workspace = await input({
    message: 'Workspace name (part of every resource name):', default: options.name ?? 'morpheus',
    validate: (v) => WORKSPACE_NAME.test(v) || '2–20 characters: lowercase letters, digits, hyphens; start with a letter',
  });
  const region = await select({
    message: 'AWS region:', default: options.region ?? defaultRegion(),
    choices: [...new Set([options.region ?? defaultRegion(), ...COMMON_REGIONS])].map((r) => ({ value: r, name: r })),
  });
  let zones: string[] | undefined;
  try {
    const aws = new AwsClients({ region, maxAttempts: 2 });
    zones = await discoverAvailabilityZones(aws, 3).catch(() => discoverAvailabilityZones(aws, 2));
    term.out(term.c.dim(`  Availability zones in ${region}: ${zones.join(', ')}`));
  } catch (error) {
    term.out(term.c.dim(`  (could not list the AZs of ${region}: ${(error as Error).message}; they will be discovered at plan time)`));
  }
  const azCount = await number({
    message: 'How many availability zones (2–3)?', default: Math.min(3, zones?.length ?? 3), min: 2, max: zones ? Math.min(3, zones.length) : 3, required: true,
  });
  const vpcCidr = await input({
    message: 'VPC CIDR:', default: options.vpcCidr ?? '10.40.0.0/16',
    validate: (v) => (parseCidr(v) ? true : 'an IPv4 network like 10.40.0.0/16, with no host bits set'),
  });
  const allowed = await input({
    message: 'Who may reach Morpheus over HTTPS (comma-separated CIDRs):', default: (options.allowedCidr ?? ['0.0.0.0/0']).join(','),
    validate: (v) => v.split(',').every((c) => parseCidr(c.trim())) || 'each entry must be a CIDR such as 203.0.113.0/24',
  });
  return {
    workspace, region,
    network: { azCount: azCount!, vpcCidr, allowedIngressCidrs: allowed.split(',').map((c) => c.trim()), ...(zones && zones.length >= azCount! ? { availabilityZones: zones.slice(0, azCount!) } : {}) },
  };
}

/** The state section from the flags; a bucket alone implies the S3 backend. */
function stateFromFlags(options: InitOptions): StateChoice {
  const backend = options.stateBackend ?? (options.stateBucket ? 's3' : undefined);
  const s3Only = [options.stateKey && '--state-key', options.stateRegion && '--state-region', options.stateCreateBucket && '--state-create-bucket']
    .filter(Boolean);
  if (backend !== 's3') {
    if (s3Only.length) throw new CliError(`${s3Only.join(', ')} ${s3Only.length > 1 ? 'apply' : 'applies'} only to the S3 state backend: add --state-backend s3 --state-bucket NAME`);
    return { state: backend ? { backend } : undefined, createBucket: false };
  }
  if (!options.stateBucket) throw new CliError('--state-backend s3 needs --state-bucket NAME (and optionally --state-key, --state-region, --state-create-bucket)');
  return {
    state: {
      backend: 's3', bucket: options.stateBucket, key: options.stateKey ?? DEFAULT_STATE_KEY,
      ...(options.stateRegion ? { region: options.stateRegion } : {}),
    },
    createBucket: !!options.stateCreateBucket,
  };
}

function bucketNameProblem(bucket: string): string | undefined {
  const result = stateSchema.safeParse({ backend: 's3', bucket });
  return result.success ? undefined : result.error.issues[0]?.message;
}

async function guidedState(options: InitOptions): Promise<StateChoice> {
  const backend = await select<'local' | 's3'>({
    message: 'Where should the state (what morpheus-ws deployed) live?', default: options.stateBackend ?? (options.stateBucket ? 's3' : 'local'),
    choices: [
      { value: 'local', name: 'a local file next to the config (one operator)' },
      { value: 's3', name: 'an S3 bucket, with locking (teams and CI)' },
    ],
  });
  if (backend === 'local') return { state: { backend }, createBucket: false };
  const bucket = await input({
    message: 'State bucket (bucket names are global across AWS accounts):', default: options.stateBucket,
    validate: (v) => bucketNameProblem(v) ?? true,
  });
  const key = await input({ message: 'Object key ({workspace} is replaced by the workspace name):', default: options.stateKey ?? DEFAULT_STATE_KEY });
  const createBucket = options.stateCreateBucket || await confirm({
    message: `Create the bucket ${bucket} if it does not exist (versioned, SSE-KMS, public access blocked)?`, default: true,
  });
  return { state: { backend, bucket, key, ...(options.stateRegion ? { region: options.stateRegion } : {}) }, createBucket };
}

/**
 * An S3 state needs its bucket before the first plan: create it when asked, otherwise check it is there and
 * versioned. Runs before the file is written, so a failure leaves nothing behind.
 */
async function prepareStateBucket(config: Config, create: boolean, term: Terminal): Promise<void> {
  const state = config.state;
  if (state.backend !== 's3') return;
  const region = state.region ?? config.region;
  const aws = new AwsClients({ region });
  try {
    let warnings: string[];
    if (create) {
      const result = await ensureStateBucket(aws, {
        bucket: state.bucket, region, kmsKeyId: state.kmsKeyId, tags: config.tags,
        report: (message) => term.out(term.c.dim(`  ${message}`)),
      });
      term.out(result.created ? `Created the state bucket ${state.bucket} in ${region}.` : `Using the existing state bucket ${state.bucket}.`);
      warnings = result.warnings;
    } else {
      warnings = await checkStateBucket(aws, state.bucket, region);
    }
    for (const warning of warnings) term.err(term.c.yellow(`warning: ${warning}`));
  } catch (error) {
    if (error instanceof StateBucketError) throw new CliError(`${error.message}. Nothing was written.`);
    throw error;
  } finally {
    aws.destroy();
  }
}

export async function initCommand(options: InitOptions, term: Terminal): Promise<number> {
  const file = options.config;
  if (!options.force && (await exists(file))) {
    throw new CliError(`${file} already exists; pass --force to overwrite it, or -c PATH to write another file`);
  }
  let raw: ConfigInput;
  let stateChoice: StateChoice;
  if (options.yes) {
    stateChoice = stateFromFlags(options);
    raw = {
      workspace: options.name ?? 'morpheus', region: options.region ?? defaultRegion(),
      network: {
        ...(options.azCount ? { azCount: Number(options.azCount) } : {}),
        ...(options.vpcCidr ? { vpcCidr: options.vpcCidr } : {}),
        ...(options.allowedCidr?.length ? { allowedIngressCidrs: options.allowedCidr } : {}),
      },
      ...(stateChoice.state ? { state: stateChoice.state } : {}),
    };
  } else {
    if (!term.tty || !process.stdin.isTTY) throw new CliError('init needs a terminal to ask questions; pass --yes (with --name/--region) to take the defaults');
    try {
      raw = await guided(options, term);
      stateChoice = await guidedState(options);
      raw.state = stateChoice.state;
    } catch (error) {
      if ((error as Error).name === 'ExitPromptError') {
        term.out('\nCancelled; nothing was written.');
        return 130;
      }
      throw error;
    }
  }
  const config = validateConfig(raw, 'the answers');
  await prepareStateBucket(config, stateChoice.createBucket, term);
  const header = [
    '# morpheus-ws configuration. Every value is validated before any AWS call; see `morpheus-ws schema`.',
    '# Editors: `morpheus-ws schema > morpheus-ws.schema.json` and add',
    '# yaml-language-server: $schema=./morpheus-ws.schema.json',
    '',
  ].join('\n');
  await writeFileAtomic(file, header + stringify(config));
  const where = config.state.backend === 's3' ? `, state in s3://${config.state.bucket}/${config.state.key.replaceAll('{workspace}', config.workspace)}` : '';
  term.out(`Wrote ${file} for workspace ${config.workspace} in ${config.region}${where}. Next: morpheus-ws plan`);
  return 0;
}
