// An overlap lock for everything that changes AWS: one-shot `apply` runs (cron, systemd timers, CI)
// and the daemon (`run`), which holds it for its whole life.
//
// Two of them on the same desired state would each observe, plan and act on the same targets; with
// prune they could undo each other's work mid-flight. The second one must stop with a clear message
// (the CLI maps LockError to exit 1) instead.
//
// The key is derived from where the desired state lives (lockKeyForPaths): the git work tree
// holding it and the paths relative to it, each resolved with realpath. Keying on the targets
// (lockKeyFor, kept for callers that want it) failed after a daemon reload: the daemon held the
// key of its first load's targets, and an `apply` of the edited checkout got another key. Paths
// spelt differently but naming the same directories get one key; `examples/` and
// `examples/connect examples/workspaces` get two (examples/deploy/README.md asks for one
// reconciler per desired state, spelt one way).
//
// The lock is a file `workspace-reconciler-<key>.lock` holding JSON {pid, startedAt, hostname,
// paths, token}. How it is taken:
// - The record is written in full to a private temp file, then hard-linked to the lock path.
//   link() fails with EEXIST if the path exists, so creation is as atomic as open(path, 'wx'), and
//   in addition nobody ever sees a half-written lock: an empty file can only mean damage, never
//   "someone is writing it right now", which lets us refuse corrupt files instead of guessing.
// - If a lock exists and its pid is alive on this host (process.kill(pid, 0) succeeds, or fails
//   with EPERM: alive but another user's), it is held → LockHeldError. A lock from another host
//   (a shared directory) cannot be checked, so it counts as held too: refusing is the safe error.
// - If its pid is dead (ESRCH) it is stale, and we take it over. Removing it is the delicate part:
//   between judging it stale and unlinking it, a racer may have replaced it with a live lock.
//   So only the holder of a short-lived takeover file (`<lock>.takeover`, created with the same
//   link() trick) may remove a stale lock, and it re-reads the lock under that guard and unlinks
//   it only if it is byte for byte the stale one. Every other removal is an owner releasing its
//   own live lock, which cannot be the stale one, so nothing can replace the stale lock between
//   that re-read and the unlink. A racer that finds the takeover file held by a live process is told that
//   another run is starting (LockHeldError naming that process). (A first version moved the
//   stale file aside and put it back when it turned out live; a stress test with 8 concurrent
//   acquirers produced two winners in most rounds, through the moment the file was away.)
// - A takeover file left by a dead process means a run died within microseconds of taking over
//   a stale lock. That double fault is reported (a LockError) rather than repaired, because
//   repairing it safely needs the very guard it is.
// - A pid recorded by this very process but with a token this process does not hold is a previous
//   incarnation with a recycled pid (in a container every restart is pid 1), so it is stale.
// - Unparsable content → LockCorruptError. We could call it stale, but a file we cannot read is
//   not one we wrote (see the first point), so something else is going on and deleting it
//   automatically could hide it. The message tells the operator to check and delete it.
//
// Releasing removes the file only if it still carries our token, so a lock that was (wrongly)
// taken over by someone else is never deleted from under them.

import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, realpath, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname as osHostname, tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { findWorkTreeRoot } from './gitrev.js';

export interface LockOptions {
  /** Names the lock; `[A-Za-z0-9._-]{1,128}`, usually `lockKeyFor(target keys)`. Required. */
  key: string;
  /** Directory for the lock file. Default: `os.tmpdir()`. */
  dir?: string;
  /** Clock for `startedAt`, in epoch milliseconds. Default: `Date.now`. */
  now?: () => number;
  /** The desired-state paths, recorded in the lock file for the operator's benefit. Default: []. */
  paths?: string[];
}

export interface Lock {
  /** The lock file. */
  readonly path: string;
  readonly pid: number;
  readonly startedAt: Date;
  /** Set when a stale lock left by a dead process was taken over. */
  readonly staleFrom?: { pid: number; startedAt: Date; hostname: string };
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): Promise<void>;
  /** The same, synchronously, for a process 'exit' handler (which cannot await). */
  releaseSync(): void;
}

/** Base class: the apply or run did not start because of the lock. */
export class LockError extends Error {
  constructor(
    message: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class LockHeldError extends LockError {
  readonly pid: number;
  readonly startedAt: Date;
  readonly hostname: string;
  constructor(holder: { pid: number; startedAt: Date; hostname: string }, path: string) {
    const where = holder.hostname === osHostname() ? '' : ` on host ${holder.hostname}`;
    super(
      `another workspace-reconciler apply or run is working on this desired state (pid ${holder.pid}${where}, started ` +
        `${isoSeconds(holder.startedAt)}; lock file ${path})`,
      path,
    );
    this.pid = holder.pid;
    this.startedAt = holder.startedAt;
    this.hostname = holder.hostname;
  }
}

export class LockCorruptError extends LockError {
  constructor(path: string, reason: string) {
    super(
      `lock file ${path} is not a lock this tool wrote (${reason}); make sure no apply or run is ` +
        `working on this desired state, then delete the file`,
      path,
    );
  }
}

interface LockRecord {
  pid: number;
  startedAt: string;
  hostname: string;
  paths: string[];
  token: string;
}

// Tokens of this process's held locks and acquisitions in progress: tells our own live lock (or
// takeover file) from a leftover of a previous process that had the same pid.
const ownTokens = new Set<string>();
// Taking over a stale lock can lose a race; a few rounds settle it either way.
const MAX_ATTEMPTS = 3;

/**
 * The lock key of a desired state: sha256 of its sorted, de-duplicated target keys (`Target.key`),
 * the first 16 hex digits. Spelling the paths differently cannot give the same targets two keys.
 */
export function lockKeyFor(targetKeys: string[]): string {
  const keys = [...new Set(targetKeys)].sort();
  return createHash('sha256').update(keys.join('\0')).digest('hex').slice(0, 16);
}

/**
 * The lock key of a desired state, from where it lives rather than from what it contains (a
 * daemon that reloaded a changed checkout must still exclude an `apply` of that checkout):
 * sha256 of the root and the paths, first 16 hex digits. The root is the git work tree holding
 * the first path (found from `.git` itself, no git binary) and the paths are taken relative to
 * it; outside any work tree the root is empty and the paths are absolute. Every path is resolved
 * with realpath first, then the list is sorted and de-duplicated, so `examples`, `./examples/`
 * and a symlink to it are one key. Paths are compared as given, not by the files they contain:
 * `examples/` and `examples/connect examples/workspaces` are different keys (run one reconciler
 * per desired state, spelt one way). A path that does not exist is kept as resolved by
 * path.resolve (the loader reports it anyway).
 */
export async function lockKeyForPaths(paths: readonly string[]): Promise<string> {
  const real = await Promise.all(paths.map((p) => realpath(resolve(p)).catch(() => resolve(p))));
  const root = real.length > 0 ? ((await findWorkTreeRoot(real[0])) ?? '') : '';
  const shown = real.map((p) => {
    if (root === '') return p;
    const rel = relative(root, p);
    return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? p : rel;
  });
  const keys = [...new Set(shown)].sort();
  return createHash('sha256').update([root, ...keys].join('\0')).digest('hex').slice(0, 16);
}

/** Takes the lock or throws LockHeldError / LockCorruptError (both LockError). */
export async function acquireLock(options: LockOptions): Promise<Lock> {
  const { key, dir = tmpdir(), now = Date.now, paths = [] } = options;
  if (typeof key !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(key)) {
    throw new TypeError(`Expected \`key\` to match [A-Za-z0-9._-]{1,128}, got ${JSON.stringify(key)}`);
  }
  if (typeof dir !== 'string' || dir === '') {
    throw new TypeError(`Expected \`dir\` to be a non-empty string, got ${JSON.stringify(dir)}`);
  }
  if (typeof now !== 'function') throw new TypeError(`Expected \`now\` to be a function, got ${typeof now}`);
  const time = now();
  const startedAt = new Date(time);
  if (Number.isNaN(startedAt.getTime())) throw new TypeError(`Expected \`now()\` to return a valid time, got ${time}`);

  const path = join(dir, `workspace-reconciler-${key}.lock`);
  const record: LockRecord = {
    pid: process.pid,
    startedAt: startedAt.toISOString(),
    hostname: osHostname(),
    paths: [...paths],
    token: randomUUID(),
  };
  const temp = `${path}.${record.token}.tmp`;
  await writeFile(temp, `${JSON.stringify(record)}\n`, { flag: 'wx', mode: 0o644 });
  ownTokens.add(record.token);
  let won = false;
  try {
    let staleFrom: Lock['staleFrom'];
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await linkNew(temp, path)) {
        won = true;
        return new FileLock(path, record, startedAt, staleFrom);
      }
      const existing = await readRecord(path);
      if (existing === undefined) continue; // released between our link and our read
      if (!isStale(existing.record)) throw new LockHeldError(holderOf(existing.record), path);
      if (await removeStale(path, existing.raw, temp)) staleFrom = holderOf(existing.record);
    }
    throw new LockError(`could not take lock file ${path}: other processes kept replacing it`, path);
  } finally {
    if (!won) ownTokens.delete(record.token);
    await rm(temp, { force: true });
  }
}

class FileLock implements Lock {
  readonly pid: number;
  constructor(
    readonly path: string,
    private readonly record: LockRecord,
    readonly startedAt: Date,
    readonly staleFrom: Lock['staleFrom'],
  ) {
    this.pid = record.pid;
  }

  async release(): Promise<void> {
    if (!ownTokens.delete(this.record.token)) return;
    const current = await readRecord(this.path).catch((err: unknown) => {
      if (err instanceof LockCorruptError) return undefined;
      throw err;
    });
    if (current?.record.token === this.record.token) await unlink(this.path).catch(ignoreAbsent);
  }

  releaseSync(): void {
    if (!ownTokens.delete(this.record.token)) return;
    let raw: string;
    try {
      raw = readFileSync(this.path, 'utf8');
    } catch (err) {
      ignoreAbsent(err);
      return;
    }
    if (parseRecord(raw)?.token !== this.record.token) return;
    try {
      unlinkSync(this.path);
    } catch (err) {
      ignoreAbsent(err);
    }
  }
}

async function linkNew(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw err;
  }
}

/** The lock's record, undefined when there is no lock; throws LockCorruptError on bad content. */
async function readRecord(path: string): Promise<{ record: LockRecord; raw: string } | undefined> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    throw err;
  }
  const record = parseRecord(raw);
  if (record === undefined) {
    throw new LockCorruptError(path, raw.trim() === '' ? 'it is empty' : 'its content is not a lock record');
  }
  return { record, raw };
}

function parseRecord(raw: string): LockRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<LockRecord>;
  const ok =
    Number.isSafeInteger(r.pid) &&
    (r.pid as number) > 0 &&
    typeof r.startedAt === 'string' &&
    !Number.isNaN(Date.parse(r.startedAt)) &&
    typeof r.hostname === 'string' &&
    typeof r.token === 'string' &&
    Array.isArray(r.paths);
  return ok ? (r as LockRecord) : undefined;
}

function isStale(record: LockRecord): boolean {
  if (record.hostname !== osHostname()) return false; // cannot check another host's processes
  if (record.pid === process.pid) return !ownTokens.has(record.token);
  try {
    process.kill(record.pid, 0);
    return false;
  } catch (err) {
    return errno(err) === 'ESRCH'; // EPERM: the process exists but belongs to another user
  }
}

/** Removes the stale lock at `path` if it still reads `expected`; true when it did. */
async function removeStale(path: string, expected: string, ourRecord: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await linkNew(ourRecord, guard))) {
    const taker = await readRecord(guard);
    if (taker === undefined) return false; // the other taker just finished: look again
    if (!isStale(taker.record)) throw new LockHeldError(holderOf(taker.record), path);
    throw new LockError(
      `pid ${taker.record.pid} died while taking over the stale lock file ${path}; make sure no ` +
        `apply or run is working on this desired state, then delete ${guard} and ${path}`,
      guard,
    );
  }
  try {
    const now = await readFile(path, 'utf8').catch((err: unknown) => {
      if (errno(err) === 'ENOENT') return undefined;
      throw err;
    });
    if (now !== expected) return false; // already taken over by someone else
    await unlink(path);
    return true;
  } finally {
    await unlink(guard).catch(ignoreAbsent);
  }
}

function holderOf(record: LockRecord): { pid: number; startedAt: Date; hostname: string } {
  return { pid: record.pid, startedAt: new Date(record.startedAt), hostname: record.hostname };
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function errno(err: unknown): string | undefined {
  return err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
}

function ignoreAbsent(err: unknown): void {
  if (errno(err) !== 'ENOENT') throw err;
}
