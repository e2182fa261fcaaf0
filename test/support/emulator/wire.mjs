/**
 * AWS wire-format helpers for the recording proxy: reading SigV4 scopes and query-protocol forms, and writing
 * responses in the JSON (restJson1) and XML (awsQuery) shapes the SDK v3 deserialisers expect.
 */
import { randomUUID } from 'node:crypto';

/** Service and region from `Authorization: AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request`. */
export function credentialScope(headers) {
  const auth = String(headers.authorization ?? '');
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  if (match) return { region: match[1], service: match[2] };
  // Presigned requests carry the scope in the query string instead.
  return { region: '', service: '' };
}

export function credentialScopeFromQuery(query) {
  const credential = query.get('X-Amz-Credential') ?? '';
  const parts = credential.split('/');
  if (parts.length === 5) return { region: parts[2], service: parts[3] };
  return { region: '', service: '' };
}

export function isForm(headers) {
  return String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

export function isJson(headers) {
  return /json/.test(String(headers['content-type'] ?? ''));
}

/** Flat `Key.1.Name=value` fields of a query-protocol body, in order. */
export function parseForm(body) {
  const fields = {};
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) fields[key] = value;
  return fields;
}

/**
 * Nests flat query-protocol fields: `Preferences.CheckpointPercentages.member.1=50` becomes
 * `{ Preferences: { CheckpointPercentages: ['50'] } }`. Values stay strings.
 */
export function unflattenForm(fields) {
  const root = {};
  for (const [key, value] of Object.entries(fields)) {
    const path = [];
    for (const part of key.split('.')) {
      if (part === 'member') continue;
      path.push(/^\d+$/.test(part) ? Number(part) - 1 : part);
    }
    let node = root;
    path.forEach((segment, i) => {
      if (i === path.length - 1) {
        node[segment] = value;
        return;
      }
      node[segment] ??= typeof path[i + 1] === 'number' ? [] : {};
      node = node[segment];
    });
  }
  return root;
}

export function requestId() {
  return randomUUID();
}

/** A restJson1 success response. */
export function jsonResponse(status, body) {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId() },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** A restJson1 error: the SDK reads the code from `x-amzn-errortype` and the body's `__type`/`message`. */
export function jsonError(status, code, message, extra = {}) {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId() },
    body: JSON.stringify({ __type: code, message, Message: message, ...extra }),
  };
}

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (c) => escapes[c]);
}

/** Serialises a plain object the awsQuery way: lists as `<member>` items, dates as ISO 8601. */
export function toXml(value) {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(value);
}

/** An awsQuery success response: `<OpResponse><OpResult>…</OpResult><ResponseMetadata>…`. */
export function queryResponse(operation, namespace, result) {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${namespace}">` +
    `<${operation}Result>${toXml(result)}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}

/** An awsQuery error response. */
export function queryError(status, namespace, code, message) {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}">` +
    `<Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${requestId()}</RequestId></ErrorResponse>`;
  return { status, headers: { 'content-type': 'text/xml' }, body };
}
