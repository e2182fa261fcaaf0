import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMoto } from '../../support/moto.js';

async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

describe('startMoto', () => {
  it('starts moto on a free port, resets it and stops it for good', async () => {
    const moto = await startMoto();
    expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`);
    expect(await answers(moto.endpoint)).toBe(true);
    await moto.reset();
    await moto.stop();
    expect(await answers(moto.endpoint)).toBe(false);
  });

  it('says how to install moto when moto_server is not on PATH', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'no-moto-'));
    const path = process.env.PATH;
    process.env.PATH = emptyDir;
    try {
      await expect(startMoto()).rejects.toThrow(/moto_server is not on PATH.*pip install/);
    } finally {
      process.env.PATH = path;
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
