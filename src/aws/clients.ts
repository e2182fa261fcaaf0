/**
 * One place that builds AWS SDK clients: region, retries and call accounting. The endpoint is left to the SDK's
 * own configuration (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`, profiles), like any AWS tool.
 */
import { CallRecorder } from './callRecorder.js';

export interface ClientOptions {
  region: string;
  /** More attempts than the SDK's default 3: EC2 and RDS throttle hard during a full-stack apply. */
  maxAttempts?: number;
  recorder?: CallRecorder;
}

// Every SDK v3 client has this constructor shape and a middleware stack; typed loosely so this file does not
// import every client package.
interface SdkClient {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; override?: boolean }): void;
  };
  destroy(): void;
}
type ClientCtor<T> = new (config: { region: string; maxAttempts: number; retryMode: string }) => T;

export class AwsClients {
  readonly region: string;
  readonly recorder: CallRecorder;
  private readonly maxAttempts: number;
  private readonly cache = new Map<unknown, SdkClient>();

  constructor(options: ClientOptions) {
    this.region = options.region;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.recorder = options.recorder ?? new CallRecorder();
  }

  /** The client of one service, built once per region. `clients.get(EC2Client).send(...)`. */
  get<T extends object>(ctor: ClientCtor<T>, region = this.region): T {
    const key = region === this.region ? ctor : `${ctor.name}@${region}`;
    const cached = this.cache.get(key);
    if (cached) return cached as unknown as T;
    const client = new ctor({ region, maxAttempts: this.maxAttempts, retryMode: 'adaptive' }) as unknown as SdkClient;
    this.recorder.instrument(client);
    this.cache.set(key, client);
    return client as unknown as T;
  }

  /** Clients for another region (DR copies), sharing the same recorder. */
  forRegion(region: string): AwsClients {
    const other = new AwsClients({ region, maxAttempts: this.maxAttempts, recorder: this.recorder });
    return other;
  }

  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }
}
