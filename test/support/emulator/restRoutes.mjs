/**
 * Names REST-protocol calls (`PUT /backup/plans/{id}/selections`) after their API operation. The route table is
 * read from the installed SDK clients' own schemas (the same method + URI templates they serialise with), so it
 * matches exactly what the product sends; a few routes are listed here as well because the emulated operations
 * must be recognised even if that SDK file layout changes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Credential-scope service name -> the SDK client package that speaks its REST protocol. */
const REST_CLIENTS = {
  backup: '@aws-sdk/client-backup',
  elasticfilesystem: '@aws-sdk/client-efs',
  mq: '@aws-sdk/client-mq',
  es: '@aws-sdk/client-opensearch',
  route53: '@aws-sdk/client-route-53',
  s3: '@aws-sdk/client-s3',
};

const BASELINE = {
  backup: [
    ['CreateBackupSelection', 'PUT', '/backup/plans/{BackupPlanId}/selections'],
    ['ListBackupSelections', 'GET', '/backup/plans/{BackupPlanId}/selections'],
    ['GetBackupSelection', 'GET', '/backup/plans/{BackupPlanId}/selections/{SelectionId}'],
    ['DeleteBackupSelection', 'DELETE', '/backup/plans/{BackupPlanId}/selections/{SelectionId}'],
    ['DeleteBackupPlan', 'DELETE', '/backup/plans/{BackupPlanId}'],
    ['ListRecoveryPointsByResource', 'GET', '/resources/{ResourceArn}/recovery-points'],
  ],
  elasticfilesystem: [
    ['PutBackupPolicy', 'PUT', '/2015-02-01/file-systems/{FileSystemId}/backup-policy'],
    ['DescribeBackupPolicy', 'GET', '/2015-02-01/file-systems/{FileSystemId}/backup-policy'],
  ],
};

const require = createRequire(import.meta.url);
const cache = new Map();

function compile(operation, method, template) {
  const [pathPart, queryPart = ''] = template.split('?');
  const names = [];
  let literalChars = 0;
  const source = pathPart
    .replace(/\/+$/, '')
    .split(/(\{[^}]+\})/)
    .map((piece) => {
      const param = /^\{([^}+]+)(\+?)\}$/.exec(piece);
      if (!param) {
        literalChars += piece.length;
        return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      names.push(param[1]);
      return param[2] ? '(.+?)' : '([^/]+)';
    })
    .join('');
  const query = queryPart
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [key, value] = pair.split('=');
      return { key, value };
    });
  return { operation, method, names, query, literalChars, regex: new RegExp(`^${source}/?$`) };
}

function loadSdkRoutes(pkg) {
  try {
    const main = require.resolve(pkg);
    const schema = readFileSync(join(dirname(main), '..', 'dist-es', 'schemas', 'schemas_0.js'), 'utf8');
    const routes = [];
    const pattern = /export (?:var|const) (\w+)\$ = \[9, n0, \w+,\s*\{[^}]*?\[_\w+\]: \["([A-Z]+)", "([^"]+)", \d+\]/g;
    for (const match of schema.matchAll(pattern)) routes.push([match[1], match[2], match[3]]);
    return routes;
  } catch {
    return []; // unknown layout: fall back to the baseline routes and `METHOD /path` names
  }
}

function routesFor(service) {
  let routes = cache.get(service);
  if (!routes) {
    const pkg = REST_CLIENTS[service];
    const raw = [...(BASELINE[service] ?? []), ...(pkg ? loadSdkRoutes(pkg) : [])];
    routes = raw.map(([operation, method, template]) => compile(operation, method, template));
    // Most specific first: query literals (`?versioning`, `?x-id=PutObject`), then longer literal paths.
    routes.sort((a, b) => b.query.length - a.query.length || b.literalChars - a.literalChars);
    cache.set(service, routes);
  }
  return routes;
}

/**
 * The operation and URI parameters of a REST call, or undefined when no known route matches.
 * @param {string} service credential-scope service name
 * @param {string} method
 * @param {string} path URL path without the query string (still percent-encoded)
 * @param {URLSearchParams} query
 */
export function matchRestRoute(service, method, path, query) {
  let routePath = path;
  const extra = {};
  if (service === 's3') {
    // Path-style addressing: the bucket is the first segment, not part of the SDK's URI templates.
    const [, bucket = '', ...rest] = path.split('/');
    if (bucket) {
      extra.Bucket = decodeURIComponent(bucket);
      routePath = `/${rest.join('/')}`;
    }
  }
  for (const route of routesFor(service)) {
    if (route.method !== method) continue;
    const match = route.regex.exec(routePath === '/' ? '' : routePath.replace(/\/+$/, ''));
    if (!match) continue;
    if (!route.query.every(({ key, value }) => query.has(key) && (value === undefined || query.get(key) === value))) {
      continue;
    }
    const params = { ...extra };
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1]);
    });
    return { operation: route.operation, params };
  }
  return undefined;
}
