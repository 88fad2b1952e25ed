/**
 * Soak benchmark: does the daemon's memory stay flat over thousands of reconcile cycles?
 *
 * A `Daemon` runs in this process, as in production (real providers, rate limiter, default
 * metrics on, file watching on, a silent pino logger), against the sandbox in a child process
 * with a converged fleet and quotas scaled ×1000 so that rate limits do not dominate. One cycle
 * is one interval resync of the daemon: a reload of the YAML, then every target observed again;
 * the daemon's `resync` is wrapped so the cycle ends when the reconciler has settled, which makes
 * every cycle a full pass however small the interval.
 *
 * The default fleet is small (4 Connect workspaces × 50 ARNs, 20 WorkSpaces × 3 applications:
 * 21 calls per cycle) because a call costs ~1 ms of CPU in this process (the SDK's middleware,
 * signing and parsing): the 220-target fleet takes ~240 ms per cycle, so 3,000 cycles would
 * take 12 minutes (SOAK_CONNECT_WORKSPACES=20 SOAK_WORKSPACES=200 runs it). Per-cycle paths
 * (reload, resync, setTargets, watch re-arm, metrics scrape) run as often either way.
 *
 * Every `sampleEvery` cycles: a forced full GC, `process.memoryUsage()` and one scrape of the
 * metrics text. The figure is the least-squares slope of heapUsed over the samples after warm-up,
 * in bytes per cycle: flat memory means ~0 (noise, well under 100 B/cycle). It is also given
 * without V8's code spaces, because the JIT keeps compiling (and its dependency lists grow) for
 * the first ~2,000 cycles: that is compiled code, which levels off, not data kept per cycle.
 *
 * The "edits" variant rewrites the desired state every `editEvery` cycles, alternating two states
 * (5 more ARNs per Connect workspace and a 4th application, all with prune: true, so every edit
 * associates, deploys and then disassociates), to include the reload / setTargets paths.
 *
 * Environment (defaults in brackets): SOAK_CYCLES [3000], SOAK_SAMPLE_EVERY [100],
 * SOAK_WARMUP [1000], SOAK_INTERVAL_MS [10], SOAK_EDIT_EVERY [100], SOAK_VARIANTS
 * [steady,edits], SOAK_CONNECT_WORKSPACES [4], SOAK_WORKSPACES [20]; SOAK_VERBOSE=1 prints each
 * sample with V8's heap spaces; SOAK_SNAPSHOT_DIR writes heap snapshots after warm-up and at the
 * end. Needs node --expose-gc (bench/index.ts passes it).
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import pino from 'pino';
import { Daemon } from '../src/daemon/daemon.js';
import { Metrics } from '../src/daemon/metrics.js';
import { ClientFactory } from '../src/providers/clients.js';
import { createProviders } from '../src/providers/index.js';
import { systemClock } from '../src/reconciler/clock.js';
import { RateLimiter } from '../src/reconciler/ratelimit.js';
import { fleetIds } from '../src/sandbox/fleet.js';
import { SandboxChild } from './sandbox-process.js';

const SCALE = 1000;
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'AKIDSOAK', secretAccessKey: 'soak' };

export type SoakVariant = 'steady' | 'edits';

export interface SoakOptions {
  /** Cycles to run. Default 3000 (SOAK_CYCLES). */
  cycles: number;
  /** Cycles between memory samples. Default 100 (SOAK_SAMPLE_EVERY). */
  sampleEvery: number;
  /** Samples before this cycle are warm-up, left out of the slope. Default 1000 (SOAK_WARMUP). */
  warmup: number;
  /** The daemon's resync interval, ms. Default 10 (SOAK_INTERVAL_MS). */
  intervalMs: number;
  /** Cycles between edits of the desired state in the "edits" variant. Default 100 (SOAK_EDIT_EVERY). */
  editEvery: number;
  /** Variants to run, each with its own sandbox and daemon. Default both (SOAK_VARIANTS). */
  variants: SoakVariant[];
  /** Connect workspaces, each with arnsPerWorkspace ARNs. Default 4 (SOAK_CONNECT_WORKSPACES). */
  connectWorkspaces: number;
  /** Default 50. */
  arnsPerWorkspace: number;
  /** WorkSpaces, each with appsPerWorkspace applications. Default 20 (SOAK_WORKSPACES). */
  workspaces: number;
  /** Default 3. */
  appsPerWorkspace: number;
}

export const DEFAULT_SOAK: SoakOptions = {
  cycles: 3000,
  sampleEvery: 100,
  warmup: 1000,
  intervalMs: 10,
  editEvery: 100,
  variants: ['steady', 'edits'],
  connectWorkspaces: 4,
  arnsPerWorkspace: 50,
  workspaces: 20,
  appsPerWorkspace: 3,
};

/** DEFAULT_SOAK overridden by the SOAK_* environment variables; a bad value fails with its name. */
export function soakOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SoakOptions {
  const int = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new TypeError(`Expected \`${name}\` to be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const o: SoakOptions = {
    ...DEFAULT_SOAK,
    cycles: int('SOAK_CYCLES', DEFAULT_SOAK.cycles, 1),
    sampleEvery: int('SOAK_SAMPLE_EVERY', DEFAULT_SOAK.sampleEvery, 1),
    warmup: int('SOAK_WARMUP', DEFAULT_SOAK.warmup, 0),
    intervalMs: int('SOAK_INTERVAL_MS', DEFAULT_SOAK.intervalMs, 1),
    editEvery: int('SOAK_EDIT_EVERY', DEFAULT_SOAK.editEvery, 1),
    connectWorkspaces: int('SOAK_CONNECT_WORKSPACES', DEFAULT_SOAK.connectWorkspaces, 1),
    workspaces: int('SOAK_WORKSPACES', DEFAULT_SOAK.workspaces, 1),
  };
  if (env.SOAK_VARIANTS) {
    const v = env.SOAK_VARIANTS.split(',').map((s) => s.trim());
    if (v.length === 0 || v.some((x) => x !== 'steady' && x !== 'edits')) {
      throw new TypeError(`Expected \`SOAK_VARIANTS\` to be a comma-separated list of steady, edits; got ${JSON.stringify(env.SOAK_VARIANTS)}`);
    }
    o.variants = v as SoakVariant[];
  }
  return o;
}

export interface SoakSample {
  cycle: number;
  elapsedMs: number;
  heapUsed: number;
  /** V8's code spaces (compiled code), part of heapUsed. */
  code: number;
  rss: number;
  external: number;
  metricsBytes: number;
}

export interface SoakResult {
  variant: SoakVariant;
  cycles: number;
  wallMs: number;
  samples: SoakSample[];
  /** Least-squares slope of heapUsed over the samples at or after warm-up, bytes per cycle. */
  heapSlope: number;
  /** The same without the code spaces. */
  dataSlope: number;
  rssSlope: number;
  passes: number;
  calls: number;
  throttled: number;
  edits: number;
  /** Desired-state loads by result, from the daemon's own metric. */
  reloads: Record<string, number>;
}

/** The desired state as two files: one document per Connect workspace, one for all WorkSpaces. */
function desiredFiles(o: SoakOptions, extra: boolean): { connect: string; workspaces: string } {
  const arns = Array.from({ length: o.arnsPerWorkspace + (extra ? 5 : 0) }, (_, i) => fleetIds.userArn(i));
  const apps = Array.from({ length: o.appsPerWorkspace + (extra ? 1 : 0) }, (_, i) => fleetIds.applicationId(i));
  const connect = Array.from({ length: o.connectWorkspaces }, (_, w) =>
    [
      'apiVersion: workspace-reconciler/v1',
      'kind: ConnectWorkspaceAssociations',
      `metadata: { name: soak-connect-${w} }`,
      'spec:',
      `  region: ${REGION}`,
      `  instanceId: ${fleetIds.instanceId}`,
      `  workspaceId: ${fleetIds.connectWorkspaceId(w)}`,
      '  resourceArns:',
      ...arns.map((a) => `    - ${a}`),
      '  prune: true',
    ].join('\n'),
  ).join('\n---\n');
  const workspaces = [
    'apiVersion: workspace-reconciler/v1',
    'kind: WorkSpaceApplications',
    'metadata: { name: soak-workspaces }',
    'spec:',
    `  region: ${REGION}`,
    '  workspaceIds:',
    ...Array.from({ length: o.workspaces }, (_, w) => `    - ${fleetIds.workspaceId(w)}`),
    `  applicationIds: [${apps.join(', ')}]`,
    '  prune: true',
  ].join('\n');
  return { connect: connect + '\n', workspaces: workspaces + '\n' };
}

/** Replace the files as editors and git do: write aside, then rename over (a new inode). */
async function writeDesired(dir: string, files: { connect: string; workspaces: string }): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, `.${name}.tmp`), text);
    await rename(join(dir, `.${name}.tmp`), join(dir, `${name}.yaml`));
  }
}

export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0, den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return num / den;
}

export async function runSoak(variant: SoakVariant, o: SoakOptions): Promise<SoakResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the soak benchmark needs a forced GC: run node with --expose-gc (npm run bench -- soak does)');
  const stepDelayMs = 5;
  const sandbox = await SandboxChild.start(
    { connectWorkspaces: o.connectWorkspaces, arnsPerWorkspace: o.arnsPerWorkspace, workspaces: o.workspaces, appsPerWorkspace: o.appsPerWorkspace },
    { quotaScale: SCALE, stepDelayMs },
  );
  const dir = await mkdtemp(join(tmpdir(), 'soak-'));
  const states = [desiredFiles(o, false), desiredFiles(o, true)];
  await writeDesired(dir, states[0]);

  const abort = new AbortController();
  const metrics = new Metrics();
  metrics.zero();
  let daemon: Daemon | undefined;
  const clients = new ClientFactory({ overrides: { endpoint: sandbox.endpoint, credentials } });
  const limiter = new RateLimiter({
    limits: { connect: { rate: 2 * SCALE, burst: 5 * SCALE }, workspaces: { rate: 5 * SCALE, burst: 10 * SCALE } },
    signal: abort.signal,
    onCall: (e) => {
      metrics.onCall(e);
      daemon?.onCall(e);
    },
  });
  let passes = 0;
  daemon = new Daemon({
    paths: [dir],
    providers: createProviders({ clients, gate: limiter }),
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    metrics,
    intervalMs: o.intervalMs,
    debounceMs: 10,
    pollIntervalMs: 3 * stepDelayMs,
    // An edit removes 5 ARNs from each Connect workspace and one application from each WorkSpace.
    maxPrune: 100_000,
    signal: abort.signal,
    random: () => 0.5,
  });
  const d = daemon;

  const samples: SoakSample[] = [];
  let cycle = 0;
  let edits = 0;
  let snapshotted = false;
  const started = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
  let finish!: (err?: Error) => void;
  const finished = new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve())));
  let lastCycleAt = Date.now();
  const watchdog = setInterval(() => {
    if (Date.now() - lastCycleAt > 60_000) finish(new Error(`no cycle finished in 60 s (at cycle ${cycle})`));
  }, 5000);

  // One cycle = the daemon's own interval resync, then the pass it starts, to the end.
  const resync = d.resync.bind(d);
  d.resync = async (reason: string) => {
    await resync(reason);
    await d.reconciler.whenSettled();
    if (cycle >= o.cycles) return;
    cycle++;
    lastCycleAt = Date.now();
    if (variant === 'edits' && cycle % o.editEvery === 0) {
      edits++;
      await writeDesired(dir, states[edits % 2]);
    }
    if (cycle % o.sampleEvery === 0) {
      gc();
      const text = await metrics.registry.metrics();
      const m = process.memoryUsage();
      const spaces = getHeapSpaceStatistics();
      const code = spaces.filter((sp) => sp.space_name.startsWith('code')).reduce((n, sp) => n + sp.space_used_size, 0);
      samples.push({ cycle, elapsedMs: elapsedMs(), heapUsed: m.heapUsed, code, rss: m.rss, external: m.external, metricsBytes: text.length });
      if (process.env.SOAK_VERBOSE) {
        const bySpace = spaces.filter((sp) => sp.space_used_size > 0).map((sp) => `${sp.space_name.replace('_space', '')} ${mib(sp.space_used_size)}`).join(', ');
        console.error(`  [${variant}] cycle ${cycle}: heapUsed ${mib(m.heapUsed)} MiB (${bySpace}), rss ${mib(m.rss)} MiB, external ${mib(m.external)} MiB, metrics ${text.length} B`);
      }
      // For hunting a leak: compare the snapshot after warm-up with the last one (DevTools, Comparison).
      const snapshots = process.env.SOAK_SNAPSHOT_DIR;
      if (snapshots && cycle >= o.warmup && (!snapshotted || cycle === o.cycles)) {
        snapshotted = true;
        writeHeapSnapshot(join(snapshots, `soak-${variant}-${cycle}.heapsnapshot`));
      }
    }
    if (cycle >= o.cycles) finish();
  };
  // Count passes from the metrics the daemon feeds, so they are exercised as in production.
  const onPass = metrics.onPass.bind(metrics);
  metrics.onPass = (e, now) => {
    passes++;
    onPass(e, now);
  };

  try {
    if (!(await d.start())) throw new Error('the daemon did not start (desired state not loaded)');
    await finished;
  } finally {
    clearInterval(watchdog);
    abort.abort(new Error('soak finished'));
    await d.stop(10_000);
    limiter.close();
    clients.destroy();
  }
  const wallMs = elapsedMs();
  const reloads: Record<string, number> = {};
  const metric = await metrics.registry.getSingleMetric('workspace_reconciler_desired_state_reloads_total')?.get();
  for (const v of metric?.values ?? []) reloads[String(v.labels.result)] = v.value;
  const stats = await sandbox.stats();
  await sandbox.stop();
  await rm(dir, { recursive: true, force: true });
  const after = samples.filter((s) => s.cycle >= o.warmup);
  return {
    variant,
    cycles: cycle,
    wallMs,
    samples,
    heapSlope: slope(after.map((s) => ({ x: s.cycle, y: s.heapUsed }))),
    dataSlope: slope(after.map((s) => ({ x: s.cycle, y: s.heapUsed - s.code }))),
    rssSlope: slope(after.map((s) => ({ x: s.cycle, y: s.rss }))),
    passes,
    calls: stats.total,
    throttled: stats.throttled,
    edits,
    reloads,
  };
}

export async function runSoakBench(o: SoakOptions = soakOptionsFromEnv()): Promise<SoakResult[]> {
  const results: SoakResult[] = [];
  for (const v of o.variants) {
    results.push(await runSoak(v, o));
    printSoak(results[results.length - 1], o);
  }
  return results;
}

const mib = (b: number): string => (b / 2 ** 20).toFixed(2);

export function printSoak(r: SoakResult, o: SoakOptions): void {
  const after = r.samples.filter((s) => s.cycle >= o.warmup);
  const first = after[0];
  const last = after[after.length - 1];
  const rss = r.samples.map((s) => s.rss);
  const targets = o.connectWorkspaces + o.workspaces;
  console.log(
    'soak (%s): daemon vs sandbox, %d Connect workspaces × %d ARNs + %d WorkSpaces × %d applications, interval %d ms%s',
    r.variant, o.connectWorkspaces, o.arnsPerWorkspace, o.workspaces, o.appsPerWorkspace, o.intervalMs,
    r.variant === 'edits' ? `, desired state edited every ${o.editEvery} cycles (${r.edits} edits)` : '',
  );
  console.log('  cycles           %d in %s s (%s ms/cycle)', r.cycles, (r.wallMs / 1000).toFixed(1), (r.wallMs / Math.max(1, r.cycles)).toFixed(1));
  console.log('  reloads          %s', JSON.stringify(r.reloads));
  console.log('  passes           %d = %s per cycle (%d targets)', r.passes, (r.passes / Math.max(1, r.cycles)).toFixed(1), targets);
  console.log('  API calls        %d = %s per cycle, %d throttled', r.calls, (r.calls / Math.max(1, r.cycles)).toFixed(1), r.throttled);
  if (!first || !last || after.length < 2) {
    console.log('  too few samples after warm-up (cycle %d) for a slope: raise SOAK_CYCLES or lower SOAK_SAMPLE_EVERY', o.warmup);
    return;
  }
  console.log('  heapUsed         %s MiB at cycle %d → %s MiB at cycle %d (after a forced GC)', mib(first.heapUsed), first.cycle, mib(last.heapUsed), last.cycle);
  console.log('  heap slope       %s bytes/cycle over %d samples from cycle %d (target ~0: < 100)', r.heapSlope.toFixed(1), after.length, first.cycle);
  console.log('  without code     %s bytes/cycle (heapUsed minus V8 code spaces: %s → %s MiB)', r.dataSlope.toFixed(1), mib(first.code), mib(last.code));
  console.log('  RSS              %s..%s MiB (all samples), slope %s bytes/cycle after warm-up', mib(Math.min(...rss)), mib(Math.max(...rss)), r.rssSlope.toFixed(0));
  const text = r.samples.map((s) => s.metricsBytes);
  console.log('  /metrics text    %d → %d bytes (range %d..%d over %d scrapes)', first.metricsBytes, last.metricsBytes, Math.min(...text), Math.max(...text), r.samples.length);
  console.log('  samples (cycle: heapUsed MiB) %s', r.samples.map((s) => `${s.cycle}: ${mib(s.heapUsed)}`).join(', '));
}
