export interface MotoServer {
  port: number;
  endpoint: string;
  pid: number | undefined;
  /** Clears every service's data in moto (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Kills moto (and its watchdog) and waits until it is gone. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Append moto's own output to this file instead of keeping a short tail for error messages. */
  logFile?: string;
  startTimeoutMs?: number;
  host?: string;
  /**
   * Load AWS managed IAM policies (arn:aws:iam::aws:policy/…) as real accounts have them. Default true; false
   * saves ~1 s on the first EC2/IAM call after every reset, for tests that never attach one.
   */
  iamManagedPolicies?: boolean;
}

export function findFreePort(host?: string): Promise<number>;
export function startMotoServer(options?: StartMotoOptions): Promise<MotoServer>;
