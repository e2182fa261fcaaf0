import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, tempWorkdir } from '../../support/cli.js';

describe('cliEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('points the CLI at the emulator and drops the caller’s own AWS settings', () => {
    process.env.AWS_PROFILE = 'production';
    process.env.AWS_SESSION_TOKEN = 'secret';
    const env = cliEnv({ cwd: '/work/x', endpoint: 'http://127.0.0.1:4566', env: { MORPHEUS_WS_DEBUG: '1' } });
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      CI: 'true',
      NO_COLOR: '1',
      MORPHEUS_WS_DEBUG: '1',
    });
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.AWS_SESSION_TOKEN).toBeUndefined();
  });

  it('never leaves the endpoint unset, so a run without an emulator cannot reach AWS', () => {
    expect(cliEnv({ cwd: '/tmp' }).AWS_ENDPOINT_URL).toBe('http://127.0.0.1:9');
  });

  it('lets the caller override or remove a variable', () => {
    const env = cliEnv({ cwd: '/tmp', env: { AWS_REGION: 'eu-west-1', NO_COLOR: undefined } });
    expect(env.AWS_REGION).toBe('eu-west-1');
    expect('NO_COLOR' in env).toBe(false);
  });
});

describe('tempWorkdir', () => {
  let dir = '';
  it('makes a directory for the test', () => {
    dir = tempWorkdir();
    expect(existsSync(dir)).toBe(true);
  });
  it('removed it when that test finished', () => {
    expect(dir).not.toBe('');
    expect(existsSync(dir)).toBe(false);
  });
});
