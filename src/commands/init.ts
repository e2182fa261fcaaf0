/**
 * `init`: guided questions on a terminal, or none with `--yes` (defaults plus the flags given). Every question has a
 * flag; a question whose flag is given is not asked, and the flag's value is validated the same way the answer
 * would be. Nothing is written until the operator has seen the summary (answers, estimated monthly cost, caveats)
 * and confirmed; the file is written once, atomically, so Ctrl-C at any point leaves nothing behind.
 *
 * AWS is asked (regions, AZs, certificates, hosted zones) only in guided mode, and only to offer choices and check
 * answers: with no working credentials every question still works from built-in lists and format checks.
 */
import { access } from 'node:fs/promises';
import { stringify } from 'yaml';
import { AwsClients } from '../aws/clients.js';
import { estimateMonthlyCost } from '../checks/costEstimate.js';
import { drRegionFor } from '../config/backup.js';
import { parseCidr } from '../config/cidr.js';
import { searchInstanceCount } from '../config/data.js';
import { formatIssues, validateConfig } from '../config/load.js';
import { configSchema, type Config, type ConfigInput } from '../config/schema.js';
import { stateSchema } from '../config/state.js';
import { closestRegion, KNOWN_REGIONS } from '../resources/network/regionNames.js';
import { writeFileAtomic } from '../state/localBackend.js';
import { renderInitSummary } from '../ui/initSummary.js';
import type { Terminal } from '../ui/terminal.js';
import { CliError } from './errors.js';
import type { GlobalOptions } from './workspace.js';

export interface InitOptions extends GlobalOptions {
  yes?: boolean;
  force?: boolean;
  name?: string;
  region?: string;
  azCount?: string;
  availabilityZones?: string[];
  vpcCidr?: string;
  allowedCidr?: string[];
  hostname?: string;
  certificateArn?: string;
  hostedZoneId?: string;
  selfSigned?: boolean;
  instanceType?: string;
  minSize?: string;
  maxSize?: string;
  dbInstanceClass?: string;
  mqInstanceType?: string;
  searchInstanceType?: string;
  searchInstanceCount?: string;
  alarmEmail?: string[];
  budget?: string;
  drRegion?: string;
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
/** Lookups only offer choices: a slow or unreachable endpoint must not hold the questions up. */
const LOOKUP_TIMEOUT_MS = 8000;

type Prompts = typeof import('@inquirer/prompts');
type Draft = Record<string, unknown>;
type Path = readonly string[];

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

function defaultRegion(): string {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

function setPath(draft: Draft, path: Path, value: unknown): void {
  let node = draft;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Draft;
  if (value === undefined) delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
}

const startsWith = (path: readonly PropertyKey[], prefix: Path) => prefix.every((key, i) => path[i] === key);

/**
 * Why `changes` would make the config invalid, judged by the config schema itself (so cross-field rules such as
 * "search nodes must be a multiple of the AZ count" apply at the prompt), looking only at issues under `watch`.
 */
export function problemWith(draft: Draft, changes: [Path, unknown][], watch: Path[] = changes.map(([p]) => p)): string | undefined {
  const candidate = structuredClone(draft);
  for (const [path, value] of changes) setPath(candidate, path, value);
  const result = configSchema.safeParse(candidate);
  if (result.success) return undefined;
  const issue = result.error.issues.find((i) => watch.some((p) => startsWith(i.path, p)));
  if (!issue) return undefined;
  return formatIssues([issue])[0].replace(/^[^:]*: /, '');
}

const splitList = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

function wholeNumber(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took longer than ${LOOKUP_TIMEOUT_MS / 1000} s`)), LOOKUP_TIMEOUT_MS); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const reason = (error: unknown) => ((error as Error).name === 'CredentialsProviderError' ? 'no AWS credentials' : (error as Error).message.split('\n')[0]);

/**
 * One question: with its flag given, the flag's value is checked and used; with --yes, the default; otherwise the
 * operator is asked, and a bad answer is refused at the prompt with the reason.
 */
class Questions {
  constructor(
    private readonly prompts: Prompts | undefined,
    readonly draft: Draft,
    private readonly term: Terminal,
  ) {}

  get guided(): boolean {
    return this.prompts !== undefined;
  }

  get ask(): Prompts {
    if (!this.prompts) throw new Error('no prompts in --yes mode');
    return this.prompts;
  }

  note(text: string): void {
    if (this.guided) this.term.out(this.term.c.dim(`  ${text}`));
  }

  /** A free-text answer: `check` returns why it is wrong; `flag` names the flag in errors. */
  async text(q: { flag: string; given: string | undefined; message: string; default: string; check: (v: string) => string | undefined }): Promise<string> {
    if (q.given !== undefined || !this.guided) {
      const value = q.given ?? q.default;
      const problem = q.check(value);
      if (problem) throw new CliError(`${q.flag} ${value}: ${problem}`);
      return value;
    }
    return (await this.ask.input({ message: q.message, default: q.default, validate: (v) => q.check(v.trim()) ?? true })).trim();
  }

  /** A whole number, checked like text. */
  async count(q: { flag: string; given: string | undefined; message: string; default: number; check: (n: number) => string | undefined }): Promise<number> {
    const text = await this.text({
      ...q, default: String(q.default),
      check: (v) => { const n = wholeNumber(v); return n === undefined ? 'must be a whole number' : q.check(n); },
    });
    return wholeNumber(text)!;
  }
}

async function regionFacts(term: Terminal, debug: boolean): Promise<{ regions: string[]; verified: boolean }> {
  const aws = lookupClients(defaultRegion(), term, debug);
  try {
    const { listEnabledRegions } = await import('../resources/network/regions.js');
    const regions = await withTimeout(listEnabledRegions(aws), 'listing the regions');
    if (regions.length) return { regions, verified: true };
    throw new Error('no region listed');
  } catch (error) {
    term.out(term.c.dim(`  (could not list the account's regions: ${reason(error)}; checking against the built-in list)`));
    return { regions: [...KNOWN_REGIONS], verified: false };
  } finally {
    aws.destroy();
  }
}

function lookupClients(region: string, term: Terminal, debug: boolean): AwsClients {
  const aws = new AwsClients({ region, maxAttempts: 2 });
  if (debug) aws.recorder.onCall((call) => term.err(term.c.dim(`[aws] ${call.service}.${call.operation} ${call.ms}ms${call.error ? ` error=${call.error}` : ''}`)));
  return aws;
}

function regionProblem(region: string, regions: readonly string[], verified: boolean): string | undefined {
  const format = problemWith({}, [[['region'], region]]);
  if (format) return format;
  if (regions.includes(region)) return undefined;
  const near = closestRegion(region, regions);
  const where = verified ? 'is not enabled for this account' : 'is not a known AWS region';
  return `${where}${near ? `; did you mean ${near}?` : ` (${verified ? 'enable it in the AWS console, or ' : ''}pick one of ${regions.slice(0, 6).join(', ')}…)`}`;
}

async function askRegion(q: Questions, options: InitOptions, term: Terminal): Promise<string> {
  // With --yes, AWS is not asked: a known code passes offline; an unknown one must be confirmed by the account.
  const facts = q.guided || (options.region && !KNOWN_REGIONS.includes(options.region))
    ? await regionFacts(term, !!options.debug) : { regions: [...KNOWN_REGIONS], verified: false };
  if (q.guided && facts.verified) q.note(`Regions enabled for this account: ${facts.regions.join(', ')}`);
  const region = await q.text({
    flag: '--region', given: options.region, message: 'AWS region:', default: facts.regions.includes(defaultRegion()) ? defaultRegion() : 'us-east-1',
    check: (v) => regionProblem(v, facts.regions, facts.verified),
  });
  setPath(q.draft, ['region'], region);
  return region;
}

async function askZones(q: Questions, options: InitOptions, region: string, term: Terminal): Promise<void> {
  const network = ['network'];
  if (options.availabilityZones?.length) {
    const zones = options.availabilityZones;
    const azCount = options.azCount ? wholeNumber(options.azCount) : zones.length;
    const problem = problemWith(q.draft, [[[...network, 'azCount'], azCount], [[...network, 'availabilityZones'], zones]])
      ?? (zones.every((z) => z.startsWith(region)) ? undefined : `every zone must be in ${region}`);
    if (problem) throw new CliError(`--availability-zones ${zones.join(' ')}: ${problem}`);
    setPath(q.draft, [...network, 'azCount'], azCount);
    setPath(q.draft, [...network, 'availabilityZones'], zones);
    return;
  }
  let discovered: string[] | undefined;
  if (q.guided) {
    const aws = lookupClients(region, term, !!options.debug);
    try {
      const { discoverAvailabilityZones } = await import('../resources/network/availabilityZones.js');
      discovered = await withTimeout(everyZone((n) => discoverAvailabilityZones(aws, n)), 'listing the availability zones');
    } catch (error) {
      q.note(`(could not list the availability zones of ${region}: ${reason(error)}; they will be looked up at plan time)`);
    } finally {
      aws.destroy();
    }
  }
  const checkCount = (n: number) => problemWith(q.draft, [[[...network, 'azCount'], n]])
    ?? (discovered && n > discovered.length ? `${region} has only ${discovered.length} available zones` : undefined);
  if (!discovered || options.azCount !== undefined) {
    const azCount = await q.count({
      flag: '--az-count', given: options.azCount, message: 'How many availability zones (2–3)?',
      default: Math.min(3, discovered?.length ?? 3), check: checkCount,
    });
    setPath(q.draft, [...network, 'azCount'], azCount);
    if (discovered) setPath(q.draft, [...network, 'availabilityZones'], discovered.slice(0, azCount));
    return;
  }
  const picked = await q.ask.checkbox({
    message: `Availability zones in ${region} (space toggles, 2–3; 3 recommended):`,
    choices: discovered.map((zone, i) => ({ value: zone, checked: i < 3 })),
    validate: (chosen) => checkCount(chosen.length) ?? true,
  });
  setPath(q.draft, [...network, 'azCount'], picked.length);
  setPath(q.draft, [...network, 'availabilityZones'], picked);
}

/** Every usable zone of the region: asks for more than any region has, then for as many as the refusal names. */
async function everyZone(discover: (count: number) => Promise<string[]>): Promise<string[]> {
  try {
    return await discover(12);
  } catch (error) {
    const available = /has (\d+) available/.exec((error as Error).message)?.[1];
    if (!available || Number(available) < 2) throw error;
    return discover(Number(available));
  }
}

async function askNetwork(q: Questions, options: InitOptions): Promise<void> {
  const workspace = await q.text({
    flag: '--name', given: options.name, message: 'Workspace name (part of every resource name):', default: 'morpheus',
    check: (v) => problemWith(q.draft, [[['workspace'], v]]),
  });
  setPath(q.draft, ['workspace'], workspace);
  const vpcCidr = await q.text({
    flag: '--vpc-cidr', given: options.vpcCidr, message: 'VPC address range (CIDR, /16–/24):', default: '10.40.0.0/16',
    check: (v) => problemWith(q.draft, [[['network', 'vpcCidr'], v]], [['network']]),
  });
  setPath(q.draft, ['network', 'vpcCidr'], vpcCidr);
  const allowed = await q.text({
    flag: '--allowed-cidr', given: options.allowedCidr?.join(','),
    message: 'Who may reach Morpheus over HTTPS (comma-separated CIDRs; 0.0.0.0/0 = anyone):', default: '0.0.0.0/0',
    check: (v) => {
      const list = splitList(v);
      const bad = list.find((c) => !parseCidr(c));
      if (bad) return `${bad} is not a CIDR such as 203.0.113.0/24 (no host bits set)`;
      return problemWith(q.draft, [[['network', 'allowedIngressCidrs'], list]]);
    },
  });
  setPath(q.draft, ['network', 'allowedIngressCidrs'], splitList(allowed));
}

type CertificateChoice = 'existing' | 'zone' | 'self-signed';

async function askEdge(q: Questions, options: InitOptions, region: string, term: Terminal): Promise<void> {
  const edge = ['edge'];
  const flagged = options.hostname ?? options.certificateArn ?? options.hostedZoneId ?? options.selfSigned;
  if (flagged !== undefined || !q.guided) {
    if (options.selfSigned && (options.certificateArn || options.hostedZoneId)) {
      throw new CliError('--self-signed cannot be combined with --certificate-arn or --hosted-zone-id: pick one way to get the certificate');
    }
    const changes: [Path, unknown][] = [
      [[...edge, 'hostname'], options.hostname], [[...edge, 'certificateArn'], options.certificateArn], [[...edge, 'hostedZoneId'], options.hostedZoneId],
    ];
    const problem = problemWith(q.draft, changes, [edge]);
    if (problem) throw new CliError(`--hostname/--certificate-arn/--hosted-zone-id: ${problem}`);
    for (const [path, value] of changes) setPath(q.draft, path, value);
    return;
  }
  const aws = lookupClients(region, term, !!options.debug);
  const [certs, zones] = await Promise.all([
    import('../resources/edge/certificateLookup.js').then((m) => withTimeout(m.listIssuedCertificates(aws), 'listing the certificates'))
      .catch((error: unknown) => { q.note(`(could not list ACM certificates: ${reason(error)})`); return undefined; }),
    import('../resources/edge/hostedZoneLookup.js').then((m) => withTimeout(m.listPublicHostedZones(aws), 'listing the hosted zones'))
      .catch((error: unknown) => { q.note(`(could not list Route 53 hosted zones: ${reason(error)})`); return undefined; }),
  ]).finally(() => aws.destroy());
  // A zone id the config would refuse is shown but cannot be picked.
  const zoneIdProblem = (id: string) => problemWith(q.draft, [[[...edge, 'hostedZoneId'], id], [[...edge, 'hostname'], 'placeholder.example.com']], [[...edge, 'hostedZoneId']]);
  const { certificateCovers } = await import('../resources/edge/certificateLookup.js');
  const { inZone } = await import('../resources/edge/hostedZoneLookup.js');

  const source = await q.ask.select<CertificateChoice>({
    message: 'TLS certificate for the load balancer:',
    default: certs?.length ? 'existing' : zones?.some((z) => !zoneIdProblem(z.id)) ? 'zone' : 'self-signed',
    choices: [
      { value: 'existing', name: `an existing ACM certificate${certs ? ` (${certs.length} issued in ${region})` : ' (enter its ARN)'}`, disabled: certs?.length === 0 ? '(none issued in this region)' : false },
      { value: 'zone', name: `a new certificate, DNS-validated in a Route 53 zone${zones ? ` (${zones.length} public zones)` : ''}`, disabled: zones?.some((z) => !zoneIdProblem(z.id)) ? false : '(no usable public hosted zone found)' },
      { value: 'self-signed', name: "self-signed, on the load balancer's DNS name: demo only, NOT for production" },
    ],
  });
  const hostnameCheck = (extra: (v: string) => string | undefined) => (v: string) => problemWith(q.draft, [[[...edge, 'hostname'], v]]) ?? extra(v);

  if (source === 'self-signed') {
    q.note('The load balancer gets a self-signed certificate: browsers will warn. Fine for a demo, never for production.');
    return;
  }
  if (source === 'zone') {
    const zoneId = await q.ask.select({
      message: 'Hosted zone of the host name:',
      choices: zones!.map((z) => ({ value: z.id, name: `${z.name} (${z.id})`, disabled: zoneIdProblem(z.id) ? `(zone id ${zoneIdProblem(z.id)})` : false })),
    });
    const zone = zones!.find((z) => z.id === zoneId)!;
    const hostname = (await q.ask.input({
      message: 'Host name users will type:', default: `morpheus.${zone.name}`,
      validate: (v) => hostnameCheck((h) => (inZone(h, zone.name) ? undefined : `is not in the zone ${zone.name}`))(v.trim()) ?? true,
    })).trim();
    setPath(q.draft, [...edge, 'hostname'], hostname);
    setPath(q.draft, [...edge, 'hostedZoneId'], zone.id);
    return;
  }
  let arn: string;
  let names: string[] | undefined;
  if (certs) {
    arn = await q.ask.select({
      message: 'Certificate:',
      choices: certs.map((c) => ({
        value: c.arn, name: `${c.names.join(', ')}${c.notAfter ? `  (expires ${c.notAfter.toISOString().slice(0, 10)})` : ''}`, description: c.arn,
      })),
    });
    names = certs.find((c) => c.arn === arn)!.names;
  } else {
    arn = (await q.ask.input({
      message: 'ACM certificate ARN (in the stack region):',
      validate: (v) => problemWith(q.draft, [[[...edge, 'certificateArn'], v.trim()], [[...edge, 'hostname'], 'placeholder.example.com']], [[...edge, 'certificateArn']]) ?? true,
    })).trim();
  }
  const plain = names?.find((n) => !n.startsWith('*.'));
  const wildcard = names?.find((n) => n.startsWith('*.'));
  const hostname = (await q.ask.input({
    message: 'Host name users will type (the certificate must cover it):',
    default: plain ?? (wildcard ? `morpheus.${wildcard.slice(2)}` : undefined),
    validate: (v) => hostnameCheck((h) => (!names || certificateCovers(names, h) ? undefined : `is not covered by the certificate (${names.join(', ')})`))(v.trim()) ?? true,
  })).trim();
  setPath(q.draft, [...edge, 'hostname'], hostname);
  setPath(q.draft, [...edge, 'certificateArn'], arn);
  const zone = zones?.filter((z) => inZone(hostname, z.name) && !zoneIdProblem(z.id)).sort((a, b) => b.name.length - a.name.length)[0];
  if (zone && await q.ask.confirm({ message: `Create the DNS alias record ${hostname} in the zone ${zone.name}?`, default: true })) {
    setPath(q.draft, [...edge, 'hostedZoneId'], zone.id);
  }
}

async function askSizing(q: Questions, options: InitOptions): Promise<void> {
  q.note('App nodes: Morpheus needs ≥ 4 vCPU and 16 GB each (m6i.xlarge or bigger, no burstable t* types).');
  const instanceType = await q.text({
    flag: '--instance-type', given: options.instanceType, message: 'App node instance type:', default: 'm6i.xlarge',
    check: (v) => problemWith(q.draft, [[['app', 'instanceType'], v]]),
  });
  setPath(q.draft, ['app', 'instanceType'], instanceType);
  const minSize = await q.count({
    flag: '--min-size', given: options.minSize, message: 'Minimum app nodes (≥ 2):', default: 3,
    check: (n) => problemWith(q.draft, [[['app', 'minSize'], n], [['app', 'desiredCapacity'], n], [['app', 'maxSize'], 50]], [['app']]),
  });
  setPath(q.draft, ['app', 'minSize'], minSize);
  setPath(q.draft, ['app', 'desiredCapacity'], minSize);
  const maxSize = await q.count({
    flag: '--max-size', given: options.maxSize, message: 'Maximum app nodes (scaling limit, ≤ 50):', default: Math.max(6, minSize),
    check: (n) => (n < minSize ? `must be at least the minimum, ${minSize}` : problemWith(q.draft, [[['app', 'maxSize'], n]], [['app'], ['data']])),
  });
  setPath(q.draft, ['app', 'maxSize'], maxSize);

  const dbClass = await q.text({
    flag: '--db-instance-class', given: options.dbInstanceClass, message: 'Aurora MySQL instance class (writer + reader):', default: 'db.r6g.large',
    check: (v) => problemWith(q.draft, [[['data', 'db', 'instanceClass'], v]]),
  });
  setPath(q.draft, ['data', 'db', 'instanceClass'], dbClass);
  const mqType = await q.text({
    flag: '--mq-instance-type', given: options.mqInstanceType, message: 'Amazon MQ (RabbitMQ) instance type, 3-node cluster:', default: 'mq.m5.large',
    check: (v) => problemWith(q.draft, [[['data', 'mq', 'instanceType'], v]]),
  });
  setPath(q.draft, ['data', 'mq', 'instanceType'], mqType);
  const searchType = await q.text({
    flag: '--search-instance-type', given: options.searchInstanceType, message: 'OpenSearch data node instance type:', default: 'r6g.large.search',
    check: (v) => problemWith(q.draft, [[['data', 'search', 'instanceType'], v]]),
  });
  setPath(q.draft, ['data', 'search', 'instanceType'], searchType);
  const azCount = (q.draft.network as { azCount?: number } | undefined)?.azCount ?? 3;
  const defaultCount = searchInstanceCount({ search: {} } as Config['data'], azCount);
  const searchCount = await q.count({
    flag: '--search-instance-count', given: options.searchInstanceCount, message: `OpenSearch data nodes (a multiple of ${azCount}, the AZ count):`, default: defaultCount,
    check: (n) => problemWith(q.draft, [[['data', 'search', 'instanceCount'], n]]),
  });
  if (searchCount !== defaultCount || options.searchInstanceCount !== undefined) setPath(q.draft, ['data', 'search', 'instanceCount'], searchCount);
}

async function askOperations(q: Questions, options: InitOptions, region: string): Promise<void> {
  const emails = await q.text({
    flag: '--alarm-email', given: options.alarmEmail?.join(','), message: 'Alarm email addresses (comma-separated; empty for none):', default: '',
    check: (v) => problemWith(q.draft, [[['monitoring', 'alarmEmails'], splitList(v)]], [['monitoring', 'alarmEmails']]),
  });
  setPath(q.draft, ['monitoring', 'alarmEmails'], splitList(emails));

  const estimate = estimateMonthlyCost(validateConfig(q.draft, 'the answers so far'));
  q.note(`Estimated cost so far: ≈ $${Math.round(estimate.totalMonthlyUsd).toLocaleString('en-US')} per month (on-demand).`);
  // Guided: the estimate plus a margin. --yes keeps the schema's default so scripted configs stay stable.
  const suggested = q.guided ? Math.max(100, Math.ceil((estimate.totalMonthlyUsd * 1.2) / 100) * 100) : 3000;
  const budget = await q.count({
    flag: '--budget', given: options.budget, message: 'Monthly budget in USD (AWS Budgets alerts at 80% actual, 100% forecast):', default: suggested,
    check: (n) => (n === 0 ? 'must be above 0' : problemWith(q.draft, [[['monitoring', 'budget', 'monthlyUsd'], n]])),
  });
  setPath(q.draft, ['monitoring', 'budget', 'monthlyUsd'], budget);

  const pair = drRegionFor({ region, backup: { drRegion: undefined } as Config['backup'] });
  const dr = await q.text({
    flag: '--dr-region', given: options.drRegion, message: 'DR region for backup copies ("none" for no copy):', default: pair ?? 'none',
    check: (v) => {
      if (v === 'none') return undefined;
      if (v === region) return `must differ from the stack region ${region}: a copy in the same region does not survive a regional outage`;
      return problemWith(q.draft, [[['backup', 'drRegion'], v]]) ?? (KNOWN_REGIONS.includes(v) ? undefined : regionProblem(v, KNOWN_REGIONS, false));
    },
  });
  if (dr === 'none') setPath(q.draft, ['backup', 'copyToDrRegion'], false);
  else if (dr !== pair || options.drRegion !== undefined) setPath(q.draft, ['backup', 'drRegion'], dr);
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
  const problem = bucketNameProblem(options.stateBucket);
  if (problem) throw new CliError(`--state-bucket ${options.stateBucket}: ${problem}`);
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

async function guidedState(options: InitOptions, ask: Prompts): Promise<StateChoice> {
  if (options.stateBackend || options.stateBucket) return stateFromFlags(options);
  const backend = await ask.select<'local' | 's3'>({
    message: 'Where should the state (what morpheus-ws deployed) live?', default: 'local',
    choices: [
      { value: 'local', name: 'a local file next to the config (one operator)' },
      { value: 's3', name: 'an S3 bucket, with locking (teams and CI)' },
    ],
  });
  if (backend === 'local') return { state: { backend }, createBucket: false };
  const bucket = await ask.input({
    message: 'State bucket (bucket names are global across AWS accounts):',
    validate: (v) => bucketNameProblem(v) ?? true,
  });
  const key = await ask.input({ message: 'Object key ({workspace} is replaced by the workspace name):', default: options.stateKey ?? DEFAULT_STATE_KEY });
  const createBucket = options.stateCreateBucket || await ask.confirm({
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
  const { checkStateBucket, ensureStateBucket, StateBucketError } = await import('../state/s3StateBucket.js');
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

/** Every answer, asked or taken from flags and defaults; then the state section. */
async function collect(options: InitOptions, term: Terminal, prompts: Prompts | undefined): Promise<{ raw: ConfigInput; stateChoice: StateChoice }> {
  const q = new Questions(prompts, {}, term);
  // The state flags are checked first: a contradiction there should fail before any question is asked.
  const flaggedState = options.yes || options.stateBackend || options.stateBucket ? stateFromFlags(options) : undefined;
  const region = await askRegion(q, options, term);
  await askZones(q, options, region, term);
  await askNetwork(q, options);
  await askEdge(q, options, region, term);
  await askSizing(q, options);
  await askOperations(q, options, region);
  const stateChoice = flaggedState ?? await guidedState(options, q.ask);
  if (stateChoice.state) setPath(q.draft, ['state'], stateChoice.state);
  return { raw: q.draft as ConfigInput, stateChoice };
}

export async function initCommand(options: InitOptions, term: Terminal): Promise<number> {
  const file = options.config;
  if (!options.force && (await exists(file))) {
    throw new CliError(`${file} already exists; pass --force to overwrite it, or -c PATH to write another file`);
  }
  if (!options.yes && (!term.tty || !process.stdin.isTTY)) {
    throw new CliError('init needs a terminal to ask questions; pass --yes (with flags such as --name and --region, see `init --help`) to take the defaults');
  }
  let raw: ConfigInput;
  let stateChoice: StateChoice;
  let config: Config;
  try {
    const prompts = options.yes ? undefined : await import('@inquirer/prompts');
    ({ raw, stateChoice } = await collect(options, term, prompts));
    config = validateConfig(raw, 'the answers');
    renderInitSummary(config, estimateMonthlyCost(config), term, file);
    if (prompts && !(await prompts.confirm({ message: `Write ${file}?`, default: true }))) {
      term.out('Nothing was written.');
      return 1;
    }
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') {
      term.out('\nCancelled; nothing was written.');
      return 130;
    }
    throw error;
  }
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
