/**
 * One emulator per test file: moto_server plus the recording proxy, started in beforeAll and stopped in afterAll.
 *
 *   const aws = useEmulator();
 *   it('creates the network', async () => {
 *     const dir = tempWorkdir();
 *     const result = await aws.cli(['apply', '--yes'], { cwd: dir });
 *     expect(aws.callsTo('ec2', 'CreateVpc')).toHaveLength(1);
 *   });
 */
import { afterAll, beforeAll } from 'vitest';
import { runCli, startCli, type CliOptions, type CliResult, type RunningCli } from './cli.js';
import { startMoto, type Moto } from './moto.js';
import { startRecordingProxy, type RecordedCall, type RecordingProxy, type RecordingProxyOptions } from './recordingProxy.js';

export interface Emulator {
  /** The proxy's endpoint: what AWS_ENDPOINT_URL points at. */
  readonly endpoint: string;
  /** moto's own endpoint, bypassing the proxy (not recorded, no emulated operations). */
  readonly motoEndpoint: string;
  /** Every call recorded since the last clear(), oldest first. */
  readonly calls: readonly RecordedCall[];
  /** Calls to one service, optionally one operation. */
  callsTo(service: string, operation?: string): RecordedCall[];
  /** Forgets the recorded calls. */
  clear(): void;
  /** Empties moto and the emulated operations' memory, and forgets the recorded calls. */
  reset(): Promise<void>;
  /** Settings for an SDK client built inside the test process. */
  clientConfig(region?: string): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Runs the CLI against this emulator. */
  cli(args: string[], options: Omit<CliOptions, 'endpoint'>): Promise<CliResult>;
  /** Starts the CLI against this emulator without waiting for it. */
  startCli(args: string[], options: Omit<CliOptions, 'endpoint'>): RunningCli;
}

export interface EmulatorOptions extends RecordingProxyOptions {
  /** See StartMotoOptions.iamManagedPolicies (default true). */
  iamManagedPolicies?: boolean;
}

export function useEmulator(options: EmulatorOptions = {}): Emulator {
  let moto: Moto | undefined;
  let proxy: RecordingProxy | undefined;

  beforeAll(async () => {
    const { iamManagedPolicies, ...proxyOptions } = options;
    moto = await startMoto({ iamManagedPolicies });
    proxy = await startRecordingProxy(moto.endpoint, proxyOptions);
  });

  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  const running = (): { moto: Moto; proxy: RecordingProxy } => {
    if (!moto || !proxy) throw new Error('the emulator is not running: use it inside tests or hooks of this file');
    return { moto, proxy };
  };

  return {
    get endpoint() {
      return running().proxy.endpoint;
    },
    get motoEndpoint() {
      return running().moto.endpoint;
    },
    get calls() {
      return running().proxy.calls;
    },
    callsTo(service, operation) {
      return running().proxy.calls.filter((c) => c.service === service && (!operation || c.operation === operation));
    },
    clear() {
      running().proxy.clear();
    },
    async reset() {
      const { moto: server, proxy: recorder } = running();
      await server.reset();
      recorder.resetEmulated();
      recorder.clear();
    },
    clientConfig(region = 'us-east-1') {
      return { endpoint: running().proxy.endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    },
    cli(args, cliOptions) {
      return runCli(args, { ...cliOptions, endpoint: running().proxy.endpoint });
    },
    startCli(args, cliOptions) {
      return startCli(args, { ...cliOptions, endpoint: running().proxy.endpoint });
    },
  };
}
