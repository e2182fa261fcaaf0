/**
 * A local HTTP proxy in front of moto_server. It forwards every request unchanged, records each AWS call
 * (service, operation, region, parameters, status) so tests can assert what was sent and how often, and answers
 * from memory the few operations moto 5.2.1 lacks (DESIGN.md §7). Plain JavaScript so scripts/demo.mjs can use it.
 */
import { Agent, createServer, request } from 'node:http';
import { backupSelections } from './gaps/backupSelections.mjs';
import { efsBackupPolicy } from './gaps/efsBackupPolicy.mjs';
import { instanceRefresh } from './gaps/instanceRefresh.mjs';
import { matchRestRoute } from './restRoutes.mjs';
import { credentialScope, credentialScopeFromQuery, isForm, isJson, parseForm, unflattenForm } from './wire.mjs';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'expect',
  'content-length',
]);
const MAX_RECORDED_TEXT = 64 * 1024;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(body) {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** What the request is, in AWS terms. */
function describeCall(req, url, body) {
  const headers = req.headers;
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const query = url.searchParams;
  let { service, region } = credentialScope(headers);
  if (!service) ({ service, region } = credentialScopeFromQuery(query));

  const base = { service, region, method, path, query: url.search.replace(/^\?/, ''), params: {} };
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target) {
    const bodyJson = parseJson(body);
    return { ...base, protocol: 'json', operation: target.split('.').pop() ?? target, params: bodyJson ?? {}, body: bodyJson };
  }
  const formFields = isForm(headers) ? parseForm(body) : undefined;
  const queryFields = Object.fromEntries(query);
  const actionFields = formFields?.Action ? formFields : queryFields.Action ? queryFields : undefined;
  if (actionFields) {
    const { Action: operation, Version: _version, ...fields } = actionFields;
    return { ...base, protocol: 'query', operation, fields, params: unflattenForm(fields) };
  }
  const rpc = /^\/service\/[^/]+\/operation\/([^/]+)$/.exec(path);
  if (rpc) return { ...base, protocol: 'rpcv2', operation: rpc[1] };

  const route = matchRestRoute(service, method, path, query);
  // S3 bodies are object data or XML documents, never request parameters.
  const bodyJson = service !== 's3' && isJson(headers) ? parseJson(body) : undefined;
  const { ['x-id']: _xid, ...queryParams } = queryFields;
  const params = { ...(route?.params ?? {}), ...queryParams };
  if (bodyJson && typeof bodyJson === 'object' && !Array.isArray(bodyJson)) Object.assign(params, bodyJson);
  else if (body.length > 0 && /xml/.test(String(headers['content-type'] ?? '')) && body.length <= MAX_RECORDED_TEXT) {
    params.body = body.toString('utf8');
  } else if (body.length > 0) params.bodyBytes = body.length;
  return {
    ...base,
    protocol: 'rest',
    operation: route?.operation ?? `${method} ${path}`,
    pathParams: route?.params ?? {},
    params,
    body: bodyJson,
  };
}

/**
 * @param {string} upstream moto's endpoint, e.g. http://127.0.0.1:5000
 * @param {{ host?: string, instanceRefreshMs?: number, onCall?: (call: object) => void,
 *   delayMs?: (call: object) => number }} [options] `delayMs` holds a call before it is answered: a stand-in for
 *   AWS's provisioning time, for benchmarks of the parallel walk.
 */
export async function startRecordingProxy(upstream, options = {}) {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const calls = [];
  const gaps = [backupSelections(), efsBackupPolicy(), instanceRefresh({ durationMs: options.instanceRefreshMs })];
  let seq = 0;

  /** One request to moto, buffered: used by the emulated operations to look things up there. */
  function upstreamCall(signedHeaders, { method, path, headers = {}, body }) {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: target.hostname, port: target.port, method, path, agent, headers: { ...signedHeaders, ...headers } },
        (res) => {
          readBody(res).then((buffer) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buffer }), reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  function forward(req, res, body, onStatus) {
    const headers = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(key) && value !== undefined) headers[key] = value;
    }
    headers['content-length'] = String(body.length);
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (upstreamRes) => {
        const status = upstreamRes.statusCode ?? 502;
        const responseHeaders = [];
        for (let i = 0; i < upstreamRes.rawHeaders.length; i += 2) {
          const key = upstreamRes.rawHeaders[i];
          if (!['connection', 'keep-alive', 'transfer-encoding'].includes(key.toLowerCase())) {
            responseHeaders.push(key, upstreamRes.rawHeaders[i + 1]);
          }
        }
        onStatus(status);
        res.writeHead(status, upstreamRes.statusMessage, responseHeaders);
        upstreamRes.pipe(res);
      },
    );
    out.on('error', (error) => {
      onStatus(502);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`recording proxy: upstream ${upstream} failed: ${error.message}`);
    });
    out.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`recording proxy error: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });

  async function handle(req, res) {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    if (url.pathname.startsWith('/moto-api')) {
      if (url.pathname.startsWith('/moto-api/reset')) for (const gap of gaps) gap.reset();
      forward(req, res, body, () => {});
      return;
    }

    const started = Date.now();
    const described = describeCall(req, url, body);
    const call = {
      seq: ++seq,
      time: new Date(started).toISOString(),
      service: described.service,
      operation: described.operation,
      region: described.region,
      protocol: described.protocol,
      method: described.method,
      path: described.path,
      query: described.query,
      params: described.params,
      ...(described.fields ? { fields: described.fields } : {}),
      status: 0,
      emulated: false,
      ms: 0,
    };
    calls.push(call);
    const settle = (status) => {
      call.status = status;
      call.ms = Date.now() - started;
      options.onCall?.(call);
    };

    const delay = options.delayMs?.(call) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

    const gap = gaps.find((g) => g.service === described.service);
    if (gap) {
      const signed = {};
      for (const key of ['authorization', 'x-amz-date', 'x-amz-security-token', 'host']) {
        const value = req.headers[key];
        if (typeof value === 'string') signed[key] = value;
      }
      const emulatedCall = {
        ...described,
        params: { ...(described.pathParams ?? {}), ...described.params },
        query: url.searchParams,
      };
      const answer = await gap.handle(emulatedCall, { upstream: (r) => upstreamCall(signed, r) });
      if (answer) {
        call.emulated = true;
        settle(answer.status);
        res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
        res.end(answer.body);
        return;
      }
    }
    forward(req, res, body, settle);
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    calls,
    /** Forgets the recorded calls (not the emulated state). */
    clear() {
      calls.length = 0;
    },
    /** Forgets the emulated operations' state; a POST /moto-api/reset through the proxy does the same. */
    resetEmulated() {
      for (const gap of gaps) gap.reset();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      agent.destroy();
    },
  };
}
