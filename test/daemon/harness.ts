/**
 * The daemon in process, against the sandbox on 127.0.0.1: real SDK clients, the real rate
 * limiter (limits far above what the sandbox needs), the real providers, systemClock, and a copy
 * of the demo desired state by ids (test/fixtures/demo-by-id) in a temp dir the tests edit. Logs are captured as
 * parsed JSON lines, so tests assert the daemon's fixed messages.
 */
import assert from 'node:assert/strict';
import { resolveDesired } from '../../src/resolve/index.js';
import { ConnectLookupAws } from '../../src/providers/connect/lookup.js';
import { WorkSpacesLookupAws } from '../../src/providers/workspaces/lookup.js';
import { setMaxListeners } from 'node:events';
import { cp, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { Daemon, type DaemonOptions } from '../../src/daemon/daemon.js';
import { Metrics } from '../../src/daemon/metrics.js';
import { ClientFactory } from '../../src/providers/clients.js';
import { ConnectProvider } from '../../src/providers/connect/index.js';
import { WorkSpacesProvider } from '../../src/providers/workspaces/index.js';
import { systemClock, type Clock } from '../../src/reconciler/clock.js';
import { RateLimiter } from '../../src/reconciler/ratelimit.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { ROOT, removeDir, tempDir, waitFor } from '../cli/helpers.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface DaemonWorld {
  sandbox: Sandbox;
  clients: ClientFactory;
  limiter: RateLimiter;
  abort: AbortController;
  daemon: Daemon;
  metrics: Metrics;
  /** Every log line so far, parsed. */
  logs: LogLine[];
  /** The temp dir holding connect/ and workspaces/ (the daemon's paths). */
  dir: string;
  /** A file of the desired state, e.g. file('workspaces', 'call-center.yaml'). */
  file(...parts: string[]): string;
  /** Log lines with this message. */
  logged(msg: string): LogLine[];
  /** The value of the series of `name` with exactly these labels (a fresh scrape), or undefined. */
  metric(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  /** Stops the daemon (as the run command does: abort, then stop) and frees everything. */
  close(): Promise<void>;
}

export interface WorldOptions {
  sandbox?: SandboxOptions;
  daemon?: Partial<Omit<DaemonOptions, 'providers' | 'logger' | 'metrics' | 'signal'>>;
  /** Runs on the temp dir before the daemon is constructed (e.g. to make it a git repository). */
  prepare?: (dir: string) => Promise<void>;
  /** Call daemon.start() (and require it to succeed). Default true. */
  start?: boolean;
}

const FAST = { rate: 10_000, burst: 100 };

export async function startWorld(o: WorldOptions = {}): Promise<DaemonWorld> {
  const sandbox = await startSandbox({ stepDelayMs: 20, quotas: false, ...o.sandbox });
  const dir = await tempDir('daemon-test-');
  for (const part of ['connect', 'workspaces']) await cp(join(ROOT, 'test', 'fixtures', 'demo-by-id', part), join(dir, part), { recursive: true });
  await o.prepare?.(dir);
  const clients = new ClientFactory({
    overrides: { endpoint: sandbox.endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } },
    transientBackoffMs: () => 1,
  });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const metrics = new Metrics({ defaultMetrics: false });
  metrics.zero(); // as the run command does
  let daemon: Daemon | undefined;
  const limiter = new RateLimiter({
    limits: { connect: FAST, workspaces: FAST },
    signal: abort.signal,
    cooldownMs: 10,
    maxCooldownMs: 100,
    onCall: (e) => {
      metrics.onCall(e);
      daemon?.onCall(e);
    },
  });
  const logs: LogLine[] = [];
  const logger = pino({ level: 'debug', base: undefined }, { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  daemon = new Daemon({
    paths: [join(dir, 'connect'), join(dir, 'workspaces')],
    defaultRegion: 'us-east-1',
    providers: { connect: new ConnectProvider({ clients, gate: limiter }), workspaces: new WorkSpacesProvider({ clients, gate: limiter }) },
    resolve: (state) => resolveDesired(state, { connect: new ConnectLookupAws({ clients, gate: limiter }), workspaces: new WorkSpacesLookupAws({ clients, gate: limiter }), signal: abort.signal }),
    clock: systemClock,
    logger,
    metrics,
    pollIntervalMs: 20,
    debounceMs: 30,
    // Far beyond any test: resyncs happen when a test asks, unless it sets intervalMs.
    intervalMs: 1_000_000_000,
    backoff: { baseMs: 5, maxMs: 50 },
    signal: abort.signal,
    ...o.daemon,
  });
  const d = daemon;
  let closed = false;
  const world: DaemonWorld = {
    sandbox,
    clients,
    limiter,
    abort,
    daemon: d,
    metrics,
    logs,
    dir,
    file: (...parts) => join(dir, ...parts),
    logged: (msg) => logs.filter((l) => l.msg === msg),
    metric: async (name, labels) => sample(await metrics.registry.metrics(), name, labels),
    async close() {
      if (closed) return;
      closed = true;
      abort.abort();
      await d.stop(2000);
      limiter.close();
      clients.destroy();
      await sandbox.close();
      await removeDir(dir);
    },
  };
  if (o.start ?? true) {
    try {
      assert.equal(await d.start(), true, `daemon.start() failed: ${JSON.stringify(logs)}`);
    } catch (err) {
      await world.close();
      throw err;
    }
  }
  return world;
}

/** One series of Prometheus text: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Every series of metric `name` in Prometheus text. */
export function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the series of `name` with exactly these labels; undefined when there is none. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  return samples(text, name).find((s) => JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
}

/** Polls an asynchronous condition (a metrics scrape, an HTTP answer) until it holds. */
export async function waitForAsync(what: string, condition: () => Promise<boolean>, o: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 10));
  }
}

/** Settled and every target converged (not merely settled with terminal failures). */
export async function settled(w: DaemonWorld, timeoutMs = 10_000): Promise<void> {
  await waitFor('the daemon to settle', () => w.daemon.reconciler.isSettled() && w.daemon.readiness().ready, { timeoutMs });
}

/** Writes `text` as editors do: into a temp file beside it, then renamed over it (a new inode). */
export async function saveByRename(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-save`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Rewrites the file in place (same inode). */
export async function saveInPlace(path: string, text: string): Promise<void> {
  await writeFile(path, text);
}

export async function edit(path: string, change: (text: string) => string, save = saveByRename): Promise<void> {
  const before = await readFile(path, 'utf8');
  const after = change(before);
  assert.notEqual(after, before, `the edit of ${path} changed nothing`);
  await save(path, after);
}

/** call-center.yaml with one more application. */
export const addSlackToCallCenter = (text: string) => text.replace('    - wsa-office0001', '    - wsa-office0001\n    - wsa-slack00001');

/** A clock like systemClock whose timers of a second or more run `factor` times sooner (for the daemon's fixed retry delays). */
export function hastyClock(factor: number): Clock {
  return { now: () => Date.now(), setTimer: (ms, fn) => systemClock.setTimer(ms >= 1000 ? ms / factor : ms, fn) };
}

/** systemClock, except that timers of exactly `ms` can be held back (see gatedClock). */
export interface GatedClock extends Clock {
  /** From now on, timers of `ms` are held instead of started. */
  hold(): void;
  /** Start the held timers that were not cancelled meanwhile (each for its full `ms`), and stop holding. */
  release(): void;
  /** Timers of `ms` set while holding (cancelled ones included). */
  readonly held: number;
}

/**
 * For debounce tests that must not depend on how fast the machine is: while held, the watcher's
 * debounce timer (of exactly `ms`, a value no other timer of the daemon uses) cannot expire, so
 * any number of saves is one burst; on release the last timer runs its full `ms` as usual.
 */
export function gatedClock(ms: number): GatedClock {
  let holding = false;
  let held = 0;
  let pending: { fn: () => void; cancelled: boolean; timer?: { cancel(): void } }[] = [];
  return {
    now: () => Date.now(),
    setTimer(delay, fn) {
      if (!holding || delay !== ms) return systemClock.setTimer(delay, fn);
      held++;
      const entry: (typeof pending)[number] = { fn, cancelled: false };
      pending.push(entry);
      return {
        cancel: () => {
          entry.cancelled = true;
          entry.timer?.cancel();
        },
      };
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const entry of pending) if (!entry.cancelled) entry.timer = systemClock.setTimer(ms, entry.fn);
      pending = [];
    },
    get held() {
      return held;
    },
  };
}
