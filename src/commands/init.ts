/**
 * `init`: guided by default, `--yes` takes the defaults (and any flags) with no prompt. The file is written once,
 * at the end, atomically: Ctrl-C leaves nothing behind.
 */
import { access } from 'node:fs/promises';
import { input, number, select } from '@inquirer/prompts';
import { stringify } from 'yaml';
import { AwsClients } from '../aws/clients.js';
import { validateConfig } from '../config/load.js';
import { parseCidr } from '../config/cidr.js';
import { WORKSPACE_NAME, type ConfigInput } from '../config/schema.js';
import { discoverAvailabilityZones } from '../resources/network/availabilityZones.js';
import { writeFileAtomic } from '../state/localBackend.js';
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
}

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

export async function initCommand(options: InitOptions, term: Terminal): Promise<number> {
  const file = options.config;
  if (!options.force && (await exists(file))) {
    throw new CliError(`${file} already exists; pass --force to overwrite it, or -c PATH to write another file`);
  }
  let raw: ConfigInput;
  if (options.yes) {
    raw = {
      workspace: options.name ?? 'morpheus', region: options.region ?? defaultRegion(),
      network: {
        ...(options.azCount ? { azCount: Number(options.azCount) } : {}),
        ...(options.vpcCidr ? { vpcCidr: options.vpcCidr } : {}),
        ...(options.allowedCidr?.length ? { allowedIngressCidrs: options.allowedCidr } : {}),
      },
    };
  } else {
    if (!term.tty || !process.stdin.isTTY) throw new CliError('init needs a terminal to ask questions; pass --yes (with --name/--region) to take the defaults');
    try {
      raw = await guided(options, term);
    } catch (error) {
      if ((error as Error).name === 'ExitPromptError') {
        term.out('\nCancelled; nothing was written.');
        return 130;
      }
      throw error;
    }
  }
  const config = validateConfig(raw, 'the answers');
  const header = [
    '# morpheus-ws configuration. Every value is validated before any AWS call; see `morpheus-ws schema`.',
    '# Editors: `morpheus-ws schema > morpheus-ws.schema.json` and add',
    '# yaml-language-server: $schema=./morpheus-ws.schema.json',
    '',
  ].join('\n');
  await writeFileAtomic(file, header + stringify(config));
  term.out(`Wrote ${file} for workspace ${config.workspace} in ${config.region}. Next: morpheus-ws plan`);
  return 0;
}
