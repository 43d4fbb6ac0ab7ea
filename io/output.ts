/**
 * Safe output files: written to a temporary file in the destination folder and renamed into place
 * (a reader never sees half a file; a symlink at the destination is replaced, never written
 * through), and never onto one of the run's inputs.
 */
import { mkdirSync, realpathSync, statSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../core/ingest/errors.ts';

export interface AtomicWriter {
  /** Append text (UTF-8). Resolves once buffered or written; call one at a time. */
  write(text: string): Promise<void>;
  /** Append bytes, written before this resolves (the caller may then reuse `bytes`); call one at a time. */
  writeBytes(bytes: Uint8Array): Promise<void>;
  /** Flush, sync and rename the temporary file onto the destination. */
  commit(): Promise<void>;
  /** Drop the temporary file; the destination is left as it was. */
  abort(): Promise<void>;
}

const BLOCK = 1 << 20;

/**
 * A writer for `path` that creates `.<name>.<random>.tmp` beside it (exclusively, so an existing file
 * or link of that name is never opened) and renames it onto `path` on commit. rename(2) replaces a
 * symlink at `path` itself, so the link's target is never touched.
 */
export async function atomicWriteStream(path: string): Promise<AtomicWriter> {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o644);
  let pending: string[] = [];
  let size = 0;
  let closed = false;
  const flush = async () => {
    if (!pending.length) return;
    const buf = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    size = 0;
    await fh.write(buf);
  };
  const abort = async () => {
    if (!closed) { closed = true; await fh.close().catch(() => {}); }
    await unlink(tmp).catch(() => {});
  };
  return {
    async write(text) {
      pending.push(text);
      size += text.length;
      if (size >= BLOCK) await flush();
    },
    async writeBytes(bytes) {
      await flush();
      for (let done = 0; done < bytes.length;) done += (await fh.write(bytes, done, bytes.length - done)).bytesWritten;
    },
    async commit() {
      try {
        await flush();
        await fh.sync();
        closed = true;
        await fh.close();
        await rename(tmp, path);
      } catch (e) {
        await abort();
        throw e;
      }
    },
    abort,
  };
}

/** Write a whole text file atomically (see atomicWriteStream). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const w = await atomicWriteStream(path);
  try { await w.write(text); } catch (e) { await w.abort(); throw e; }
  await w.commit();
}

/** Identities of an existing file: its device:inode and its real path (links resolved). */
function identities(path: string): string[] {
  try {
    const st = statSync(path);
    return [`${st.dev}:${st.ino}`, realpathSync(path)];
  } catch {
    return [];
  }
}

/**
 * Throws an InputError when an output path is one of the inputs: the same file by real path or by
 * device and inode (so `--out .` beside an input called customers.csv, a hard link or a symlink to
 * an input are all caught before anything is read or written).
 */
export function refuseInputsAsOutputs(outputs: string[], inputs: string[]): void {
  const taken = new Map<string, string>();
  for (const i of inputs) for (const id of identities(i)) taken.set(id, i);
  for (const o of outputs) {
    for (const id of identities(o)) {
      const input = taken.get(id);
      if (input !== undefined) throw new InputError(`refusing to write ${o}: it is the input ${input}; choose another --out folder`);
    }
  }
}
