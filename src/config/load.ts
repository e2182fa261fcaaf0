/** Reading and validating morpheus-ws.yaml. Nothing here touches AWS: bad input stops before any call. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'morpheus-ws.yaml';

export class ConfigError extends Error {
  constructor(message: string, readonly problems: string[] = []) {
    super(problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: Config;
  file: string;
  dir: string;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const where = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys') {
      return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (see \`morpheus-ws schema\`)`;
    }
    return `${where}: ${issue.message}`;
  });
}

export function validateConfig(raw: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`${source} is not valid:`, formatIssues(result.error.issues));
  return result.data;
}

export async function loadConfig(file = DEFAULT_CONFIG_FILE): Promise<LoadedConfig> {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = await readFile(resolved, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(`No config file at ${file}. Run \`morpheus-ws init\` to create one, or pass -c/--config PATH.`);
    }
    throw error;
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) throw new ConfigError(`${file} is not valid YAML: ${error.message}`);
    throw error;
  }
  return { config: validateConfig(raw, file), file: resolved, dir: path.dirname(resolved) };
}
