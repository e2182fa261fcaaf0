/**
 * Counts every AWS call per service and operation (for `--debug` and for tests), with duration and request id.
 * It records the operation name and outcome only — never parameters, so no secret can leak through it.
 */

export interface CallRecord {
  service: string;
  operation: string;
  ms: number;
  requestId?: string;
  attempts?: number;
  error?: string;
}

type Listener = (record: CallRecord) => void;

interface Instrumentable {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'initialize'; name: string; override?: boolean }): void;
  };
}

interface HandlerContext {
  clientName?: string;
  commandName?: string;
}

interface ResponseMetadata {
  $metadata?: { requestId?: string; attempts?: number };
}

export class CallRecorder {
  readonly calls: CallRecord[] = [];
  private readonly listeners: Listener[] = [];

  onCall(listener: Listener): void {
    this.listeners.push(listener);
  }

  instrument(client: Instrumentable): void {
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<{ output: ResponseMetadata }>, context: HandlerContext) =>
        async (args: unknown) => {
          const started = performance.now();
          const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
          const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          try {
            const result = await next(args);
            this.add({
              service, operation, ms: Math.round(performance.now() - started),
              requestId: result.output?.$metadata?.requestId, attempts: result.output?.$metadata?.attempts,
            });
            return result;
          } catch (error) {
            const meta = (error as ResponseMetadata).$metadata;
            // Lets error reports name the failing call ("EC2.CreateVpc") without knowing the client.
            if (typeof error === 'object' && error !== null) Object.assign(error, { $operation: `${service}.${operation}` });
            this.add({
              service, operation, ms: Math.round(performance.now() - started),
              requestId: meta?.requestId, attempts: meta?.attempts, error: (error as Error).name,
            });
            throw error;
          }
        },
      { step: 'initialize', name: 'morpheusWsCallAccounting', override: true },
    );
  }

  /** `{ 'EC2.DescribeVpcs': 1, ... }` */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const call of this.calls) {
      const key = `${call.service}.${call.operation}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  private add(record: CallRecord): void {
    this.calls.push(record);
    for (const listener of this.listeners) listener(record);
  }
}
