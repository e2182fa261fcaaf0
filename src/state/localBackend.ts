/** State in a local file next to the config: atomic writes (temp + fsync + rename), mode 0600, an O_EXCL lock file. */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { sleep } from '../aws/wait.js';
import { LockHeldError, type LockInfo, type StateBackend, type StateDoc, type StateSnapshot } from './types.js';

export class LocalBackend implements StateBackend {
  readonly file: string;
  readonly lockFile: string;

  constructor(dir: string, workspace: string) {
    this.file = path.join(dir, `${workspace}.state.json`);
    this.lockFile = path.join(dir, `${workspace}.lock`);
  }

  describe(): string {
    return `local file ${this.file}`;
  }

  async read(): Promise<StateSnapshot> {
    try {
      return { doc: JSON.parse(await readFile(this.file, 'utf8')) as StateDoc };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { doc: undefined };
      if (error instanceof SyntaxError) throw new Error(`the state file ${this.file} is not valid JSON (${error.message}); restore it from a backup`);
      throw error;
    }
  }

  async write(doc: StateDoc): Promise<undefined> {
    await writeFileAtomic(this.file, `${JSON.stringify(doc, null, 2)}\n`);
    return undefined;
  }

  async lock(info: Omit<LockInfo, 'path'>, timeoutMs: number): Promise<LockInfo> {
    const full: LockInfo = { ...info, path: this.lockFile };
    await mkdir(path.dirname(this.lockFile), { recursive: true, mode: 0o700 });
    const started = Date.now();
    for (;;) {
      try {
        const handle = await open(this.lockFile, 'wx', 0o600);
        try {
          await handle.writeFile(JSON.stringify(full, null, 2));
          await handle.sync();
        } finally {
          await handle.close();
        }
        return full;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await this.lockHolder();
      if (holder && Date.now() - started >= timeoutMs) {
        throw new LockHeldError(holder, isDeadLocalProcess(holder) ? ' — its process is no longer running on this host' : '');
      }
      await sleep(250);
    }
  }

  async lockHolder(): Promise<LockInfo | undefined> {
    try {
      return JSON.parse(await readFile(this.lockFile, 'utf8')) as LockInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      // A half-written lock file still means someone holds the lock.
      return { id: 'unknown', operation: 'unknown', who: 'unknown', host: 'unknown', pid: 0, created: 'unknown', path: this.lockFile };
    }
  }

  async unlock(id: string): Promise<void> {
    const holder = await this.lockHolder();
    if (holder?.id === id) await unlink(this.lockFile).catch(() => undefined);
  }

  async forceUnlock(id: string): Promise<void> {
    const holder = await this.lockHolder();
    if (!holder) throw new Error(`the workspace is not locked (${this.lockFile} does not exist)`);
    if (holder.id !== id && holder.id !== 'unknown') {
      throw new Error(`lock id ${id} does not match the current lock ${holder.id} held by ${holder.who}@${holder.host}; nothing was removed`);
    }
    await unlink(this.lockFile);
  }
}

function isDeadLocalProcess(holder: LockInfo): boolean {
  if (holder.host !== hostname() || !holder.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
