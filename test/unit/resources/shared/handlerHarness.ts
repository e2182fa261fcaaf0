/** What the handler unit tests share: a context over real (mocked) SDK clients, call args, fake time, AWS errors. */
import { vi } from 'vitest';
import { AwsClients } from '../../../../src/aws/clients.js';
import { ADDRESS_TAG, WORKSPACE_TAG } from '../../../../src/aws/tags.js';
import type { ResourceCtx } from '../../../../src/resources/context.js';

export function makeCtx(): ResourceCtx {
  return {
    aws: new AwsClients({ region: 'us-east-1', maxAttempts: 1 }),
    workspace: 'demo', region: 'us-east-1', accountId: '123456789012', partition: 'aws', options: {},
  };
}

export const reports: string[] = [];

export function call(address = 'network.test') {
  return { address, report: (m: string) => reports.push(m), signal: new AbortController().signal };
}

export function tagsFor(address: string): Record<string, string> {
  return { Name: `demo-${address}`, [WORKSPACE_TAG]: 'demo', [ADDRESS_TAG]: address };
}

/** An error as the SDK raises it: `name` carries the AWS error code. */
export function awsError(code: string, message = code): Error {
  const error = new Error(message) as Error & { $fault: string; $metadata: object };
  error.name = code;
  error.$fault = 'client';
  error.$metadata = { httpStatusCode: 400 };
  return error;
}

/** Run a promise under fake timers, advancing the clock until it settles (retries and waits sleep). */
export async function withFakeTime<T>(start: () => Promise<T>): Promise<T> {
  vi.useFakeTimers();
  try {
    let settled = false;
    const promise = start();
    promise.then(() => { settled = true; }, () => { settled = true; });
    while (!settled) await vi.advanceTimersByTimeAsync(10_000);
    return await promise;
  } finally {
    vi.useRealTimers();
  }
}
