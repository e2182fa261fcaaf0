/**
 * Guided `init` in a real pseudo-terminal (Operator experience issue): tmux runs the CLI, `send-keys` answers the
 * prompts, `capture-pane` reads the screen. Checks that bad answers are refused at the prompt with the reason, that
 * existing ACM certificates are offered, that the summary shows the estimated cost, that the written config holds
 * the answers, and that Ctrl-C mid-way leaves no file.
 *
 * MORPHEUS_WS_SESSIONS=1 also saves the guided session's screen to docs/sessions/init.txt.
 */
import { ACMClient, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { selfSignedCertificate } from '../../src/resources/edge/selfSigned.js';
import { CLI_BIN, cliEnv, REPO_ROOT, tempWorkdir } from '../support/cli.js';
import { useEmulator } from '../support/e2e.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const aws = useEmulator();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One CLI run in its own tmux server (own socket), so the emulator environment is the server's environment. */
class Pty {
  private readonly socket = `mws-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly cwd: string, args: string[]) {
    const env = cliEnv({ cwd, endpoint: aws.endpoint, env: { CI: undefined, NO_COLOR: undefined, TERM: 'xterm-256color' } });
    const command = `node ${CLI_BIN} ${args.join(' ')}; echo "[exit $?]"; sleep 600`;
    execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'init', '-x', '200', '-y', '50', '-c', cwd, command], { env });
  }

  screen(): string {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-J', '-S', '-', '-t', 'init'], { encoding: 'utf8' });
  }

  /** Waits until the screen matches, then returns it. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}; screen:\n${screen}`);
      await sleep(100);
    }
  }

  keys(...keys: string[]): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-t', 'init', ...keys]);
  }

  /** Types an answer, presses Enter, and waits for the next prompt (or a refusal) to appear. */
  async answer(text: string, next: RegExp): Promise<string> {
    if (text) this.keys('-l', text);
    this.keys('Enter');
    return this.waitFor(next);
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}

describe.skipIf(!hasTmux)('guided init in a terminal', () => {
  let certificateArn: string;

  beforeAll(async () => {
    const acm = new ACMClient(aws.clientConfig());
    const cert = selfSignedCertificate('morpheus.example.com', 90);
    const imported = await acm.send(new ImportCertificateCommand({ Certificate: Buffer.from(cert.certificatePem), PrivateKey: Buffer.from(cert.privateKeyPem) }));
    certificateArn = imported.CertificateArn!;
  });

  it('asks every question, refuses bad answers with the reason, shows the cost, and writes the answers', async () => {
    const dir = tempWorkdir();
    const pty = new Pty(dir, ['init']);
    try {
      await pty.waitFor(/AWS region:/);
      expect(pty.screen()).toMatch(/Regions enabled for this account: .*us-east-1/);
      await pty.answer('eu-wset-1', /did you mean eu-west-1\?/);
      pty.keys('C-u');
      await pty.answer('', /Availability zones in us-east-1/);
      // Keep the three pre-selected zones.
      await pty.answer('', /Workspace name/);
      await pty.answer('Bad_Name', /lowercase letters, digits and hyphens/);
      pty.keys('C-u');
      await pty.answer('ptyws', /VPC address range/);
      await pty.answer('10.40.0.0/26', /must be between \/16 and \/24/);
      pty.keys('C-u');
      await pty.answer('', /Who may reach Morpheus/);
      await pty.answer('203.0.113.0/24, 10.40.1.0/24', /10\.40\.1\.0\/24 overlaps the VPC/);
      pty.keys('C-u');
      await pty.answer('203.0.113.0/24', /TLS certificate for the load balancer:/);
      expect(pty.screen()).toMatch(/an existing ACM certificate \(1 issued in us-east-1\)/);
      expect(pty.screen()).toMatch(/self-signed.*NOT for production/);
      await pty.answer('', /Certificate:/);
      await pty.answer('', /Host name users will type/);
      await pty.answer('x.other.org', /is not covered by the certificate/);
      pty.keys('C-u');
      await pty.answer('', /App node instance type:/);
      await pty.answer('t3.large', /burstable t\* instance types/);
      pty.keys('C-u');
      await pty.answer('m6i.2xlarge', /Minimum app nodes/);
      await pty.answer('1', /at least 2 app nodes/);
      pty.keys('C-u');
      await pty.answer('3', /Maximum app nodes/);
      await pty.answer('8', /Aurora MySQL instance class/);
      await pty.answer('', /Amazon MQ/);
      await pty.answer('mq.t3.micro', /only runs SINGLE_INSTANCE brokers/);
      pty.keys('C-u');
      await pty.answer('', /OpenSearch data node instance type/);
      await pty.answer('', /OpenSearch data nodes \(a multiple of 3/);
      await pty.answer('4', /cannot be spread evenly over 3 AZs/);
      pty.keys('C-u');
      await pty.answer('6', /Alarm email addresses/);
      await pty.answer('ops@example', /must be an email address/);
      pty.keys('C-u');
      await pty.answer('ops@example.com', /Monthly budget in USD/);
      expect(pty.screen()).toMatch(/Estimated cost so far: ≈ \$[\d,]+ per month/);
      await pty.answer('4000', /DR region for backup copies/);
      await pty.answer('us-east-1', /must differ from the stack region us-east-1/);
      pty.keys('C-u');
      await pty.answer('', /Where should the state/);
      const summary = await pty.answer('', /Write morpheus-ws\.yaml\?/);
      expect(summary).toMatch(/estimated cost\s+≈ \$[\d,]+ per month/);
      expect(summary).toContain(`existing ACM certificate ${certificateArn}`);
      expect(existsSync(join(dir, 'morpheus-ws.yaml'))).toBe(false);
      const done = await pty.answer('', /\[exit \d+\]/);
      expect(done).toContain('[exit 0]');
      if (process.env.MORPHEUS_WS_SESSIONS === '1') {
        writeFileSync(join(REPO_ROOT, 'docs', 'sessions', 'init.txt'), `$ morpheus-ws init\n${done.replace(/\n*\[exit 0\]\s*$/, '\n')}`);
      }
    } finally {
      pty.kill();
    }

    const config = parse(readFileSync(join(dir, 'morpheus-ws.yaml'), 'utf8'));
    expect(config).toMatchObject({
      workspace: 'ptyws', region: 'us-east-1',
      network: { azCount: 3, availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], vpcCidr: '10.40.0.0/16', allowedIngressCidrs: ['203.0.113.0/24'] },
      edge: { hostname: 'morpheus.example.com', certificateArn },
      app: { instanceType: 'm6i.2xlarge', minSize: 3, desiredCapacity: 3, maxSize: 8 },
      data: { db: { instanceClass: 'db.r6g.large' }, mq: { instanceType: 'mq.m5.large' }, search: { instanceType: 'r6g.large.search', instanceCount: 6 } },
      monitoring: { alarmEmails: ['ops@example.com'], budget: { monthlyUsd: 4000 } },
      state: { backend: 'local' },
    });
    expect(config.backup.drRegion).toBeUndefined(); // the default pair (us-west-2) is kept implicit
  }, 120_000);

  it('Ctrl-C mid-way leaves no file', async () => {
    const dir = tempWorkdir();
    const pty = new Pty(dir, ['init']);
    try {
      await pty.waitFor(/AWS region:/);
      await pty.answer('', /Availability zones/);
      await pty.answer('', /Workspace name/);
      await pty.answer('halfway', /VPC address range/);
      pty.keys('C-c');
      const screen = await pty.waitFor(/\[exit \d+\]/);
      expect(screen).toContain('Cancelled; nothing was written.');
      expect(screen).toContain('[exit 130]');
    } finally {
      pty.kill();
    }
    expect(existsSync(join(dir, 'morpheus-ws.yaml'))).toBe(false);
  }, 60_000);
});

describe.runIf(!hasTmux)('guided init in a terminal', () => {
  it.skip('needs tmux (/usr/bin/tmux) to drive a pseudo-terminal; install tmux to run it', () => {});
});
