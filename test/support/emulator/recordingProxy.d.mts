/** One AWS call seen by the recording proxy. */
export interface RecordedCall {
  /** 1, 2, 3… in arrival order. */
  seq: number;
  /** ISO time the request arrived. */
  time: string;
  /** SigV4 credential-scope service: 'ec2', 'kms', 'elasticfilesystem', 'mq', 'es', 'backup', 's3', … */
  service: string;
  /** API operation ('CreateVpc'); `METHOD /path` for a REST call whose route is unknown. */
  operation: string;
  region: string;
  protocol: 'json' | 'query' | 'rest' | 'rpcv2';
  method: string;
  /** URL path, still percent-encoded. */
  path: string;
  /** Raw query string without the leading '?'. */
  query: string;
  /**
   * The request's parameters: the JSON body (JSON protocols); the form fields nested
   * (`Filter.1.Name` -> `Filter[0].Name`, query protocols); or URI parameters + query + JSON body merged (REST;
   * a non-JSON body appears as `body` text or `bodyBytes`).
   */
  params: Record<string, any>;
  /** Query protocols only: the flat form fields without Action/Version (`'TagSpecification.1.Tag.1.Key'`). */
  fields?: Record<string, string>;
  /** HTTP status answered (0 while still in flight). */
  status: number;
  /** True when the proxy answered from memory (an operation moto lacks). */
  emulated: boolean;
  ms: number;
}

export interface RecordingProxyOptions {
  host?: string;
  /** How long an emulated Auto Scaling instance refresh stays InProgress before it is Successful (default 0). */
  instanceRefreshMs?: number;
  /** Holds a call this long before answering it (a stand-in for AWS provisioning time, for benchmarks). */
  delayMs?: (call: RecordedCall) => number;
  /** Called once per call when its status is known. */
  onCall?: (call: RecordedCall) => void;
}

export interface RecordingProxy {
  port: number;
  endpoint: string;
  /** Live list of recorded calls, oldest first. */
  calls: RecordedCall[];
  clear(): void;
  resetEmulated(): void;
  stop(): Promise<void>;
}

export function startRecordingProxy(upstream: string, options?: RecordingProxyOptions): Promise<RecordingProxy>;
