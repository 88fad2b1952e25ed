/**
 * Paths → files → text. A path that is a file is read whatever its name; a directory contributes
 * every *.yaml / *.yml below it, sorted by path so that runs are deterministic.
 */
import { createHash } from 'node:crypto';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inputPathError, InputPathError } from './errors.js';

const YAML_FILE = /\.ya?ml$/;

/**
 * Files under a directory, recursively. Entries whose name starts with '.' are skipped: a
 * desired-state directory is often a git checkout, and `.git/` or `.github/workflows/*.yml` are
 * not desired state. Symbolic links are followed; a directory reached twice is read once.
 */
async function walk(dir: string, seenDirs: Set<string>, out: string[]): Promise<void> {
  let real: string;
  let entries;
  try {
    real = await realpath(dir);
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw inputPathError(dir, err);
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(path).catch((err: unknown) => {
        throw inputPathError(path, err);
      });
      isDir = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDir) await walk(path, seenDirs, out);
    else if (isFile && YAML_FILE.test(entry.name)) out.push(path);
  }
}

/**
 * Expands the given paths into files, in the order given (each directory's files sorted by
 * path). A file reached twice (listed twice, or also inside a listed directory) is read once.
 * Throws InputPathError for a path that does not exist or is neither file nor directory.
 */
export async function collectFiles(paths: readonly string[]): Promise<{ file: string; walked: boolean }[]> {
  const files: { file: string; walked: boolean }[] = [];
  const seenFiles = new Set<string>();
  const add = async (file: string, walked = false) => {
    const real = await realpath(file).catch((err: unknown) => {
      throw inputPathError(file, err);
    });
    if (!seenFiles.has(real)) {
      seenFiles.add(real);
      files.push({ file, walked });
    }
  };
  for (const path of paths) {
    const info = await stat(path).catch((err: unknown) => {
      throw inputPathError(path, err);
    });
    if (info.isFile()) {
      await add(path);
    } else if (info.isDirectory()) {
      const found: string[] = [];
      await walk(path, new Set(), found);
      found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const f of found) await add(f, true);
    } else {
      throw new InputPathError(path, 'not a regular file or directory');
    }
  }
  return files;
}

/** A file's text, with the sha256 (hex) of exactly the bytes it was decoded from (saved plans pin them). */
export type ReadOutcome = { ok: true; text: string; sha256: string } | { ok: false; problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export const BINARY = 'binary file (it contains NUL bytes), not YAML';

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

export function tooLarge(size: number, maxBytes: number): string {
  return `file is ${formatBytes(size)}; files over ${formatBytes(maxBytes)} are refused`;
}

/**
 * Reads a file as UTF-8 text. The size is checked on the open handle before reading (so a 10 GiB
 * file is never loaded), and again after reading, in case the file grew in between.
 */
export async function readTextFile(file: string, maxBytes: number): Promise<ReadOutcome> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw inputPathError(file, err);
  }
  let bytes: Buffer;
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return { ok: false, problem: tooLarge(size, maxBytes) };
    bytes = await handle.readFile();
  } catch (err) {
    throw inputPathError(file, err);
  } finally {
    await handle.close();
  }
  if (bytes.length > maxBytes) return { ok: false, problem: tooLarge(bytes.length, maxBytes) };
  if (bytes.includes(0)) return { ok: false, problem: BINARY };
  try {
    return { ok: true, text: utf8.decode(bytes), sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch {
    return { ok: false, problem: 'not a UTF-8 text file, so not YAML' };
  }
}
