/**
 * `npm run bench -- resync-names`: what names and selectors cost a steady-state resync on the
 * bench fleet (bench/reconcile.ts: 200 Connect workspaces × 500 users, 2,000 WorkSpaces × 3
 * applications), everything already converged, so a resync has nothing to do but look.
 *
 * Two daemons (the real Daemon: reload = load + resolve, then a full re-observation) keep the
 * same fleet, one with the desired state written by ids and ARNs, one by names and selectors:
 *   by ids:   200 documents of 500 user ARNs; one document of 2,000 WorkSpace ids × 3 application ids;
 *   by names: 200 documents of workspaceName + 500 usernames; one document with a directory
 *             selector (the fleet's 2,000 WorkSpaces) and 3 application names.
 * Their resyncs alternate, ROUNDS each, against one sandbox in its own process with quotas ×100
 * and the client limits set to the same; the figures are the medians. Issue 9 asks that names
 * make it no more than 5 % slower than ids.
 */
import { setMaxListeners } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Daemon } from '../src/daemon/daemon.js';
import { Metrics } from '../src/daemon/metrics.js';
import { ClientFactory } from '../src/providers/clients.js';
import { ConnectLookupAws } from '../src/providers/connect/lookup.js';
import { createProviders } from '../src/providers/index.js';
import { WorkSpacesLookupAws } from '../src/providers/workspaces/lookup.js';
import { systemClock } from '../src/reconciler/clock.js';
import { RateLimiter } from '../src/reconciler/ratelimit.js';
import type { DesiredState } from '../src/config/types.js';
import { resolveDesired } from '../src/resolve/index.js';
import { fleetIds } from '../src/sandbox/fleet.js';
import type { FleetOptions } from '../src/sandbox/index.js';
import { SandboxChild, type SandboxStats } from './sandbox-process.js';

const SCALE = 100;
const CONNECT = { rate: 2 * SCALE, burst: 5 * SCALE };
const WORKSPACES = { rate: 5 * SCALE, burst: 10 * SCALE };
/** The look-ups' own published quotas (aws-api.md §6), scaled as the sandbox scales them. */
const OPERATIONS = {
  ListUsers: { rate: 10 * SCALE, burst: 10 * SCALE },
  ListRoutingProfiles: { rate: 10 * SCALE, burst: 10 * SCALE },
  SearchUsers: { rate: 2 * SCALE, burst: 5 * SCALE },
};
const ROUNDS = Number(process.env.RESYNC_ROUNDS ?? 9);
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

const FLEET = { connectWorkspaces: 200, users: 500, workspaces: 2000, applications: 3 };
/** Everything already associated: a resync finds nothing to do. */
const SEED: FleetOptions = {
  connectWorkspaces: FLEET.connectWorkspaces,
  arnsPerWorkspace: FLEET.users,
  users: FLEET.users,
  routingProfiles: 1,
  workspaces: FLEET.workspaces,
  appsPerWorkspace: FLEET.applications,
  applications: FLEET.applications,
};
/** buildFleetSeed gives every WorkSpace the seed's default directory. */
const DIRECTORY = 'd-0000000000';

type Variant = 'ids' | 'names';

const header = (name: string) => ['apiVersion: workspace-reconciler/v1', 'kind: ConnectWorkspaceAssociations', `metadata: {name: ${name}}`, 'spec:', `  region: ${REGION}`, `  instanceId: ${fleetIds.instanceId}`];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The desired state of one variant, one file per Connect workspace (a file is capped at 10 MiB). */
async function writeDesired(dir: string, v: Variant): Promise<void> {
  const users = range(FLEET.users);
  for (const w of range(FLEET.connectWorkspaces)) {
    const lines = header(`workspace-${w}`);
    if (v === 'ids') lines.push(`  workspaceId: ${fleetIds.connectWorkspaceId(w)}`, '  resourceArns:', ...users.map((u) => `    - ${fleetIds.userArn(u)}`));
    else lines.push(`  workspaceName: Workspace ${w}`, `  users: [${users.map((u) => `user${String(u).padStart(6, '0')}`).join(', ')}]`);
    await writeFile(join(dir, `connect-${w}.yaml`), lines.join('\n') + '\n');
  }
  const apps = range(FLEET.applications);
  const ws = ['apiVersion: workspace-reconciler/v1', 'kind: WorkSpaceApplications', 'metadata: {name: fleet}', 'spec:', `  region: ${REGION}`];
  if (v === 'ids') ws.push('  workspaceIds:', ...range(FLEET.workspaces).map((i) => `    - ${fleetIds.workspaceId(i)}`), `  applicationIds: [${apps.map(fleetIds.applicationId).join(', ')}]`);
  else ws.push(`  workspaces: [{directoryId: ${DIRECTORY}}]`, `  applications: [${apps.map((i) => `'Application ${i}'`).join(', ')}]`);
  await writeFile(join(dir, 'workspaces.yaml'), ws.join('\n') + '\n');
}

interface Keeper {
  variant: Variant;
  daemon: Daemon;
  /** How long the last resolution took (0 by ids: a desired state of ids is never resolved). */
  lastResolveMs: number;
  close(): Promise<void>;
}

/** A daemon over the variant's files, started and settled (its first pass converges at once). */
async function startKeeper(endpoint: string, dir: string, variant: Variant): Promise<Keeper> {
  const abort = new AbortController();
  // Every queued call listens on the one signal (as in the run command).
  setMaxListeners(0, abort.signal);
  const clients = new ClientFactory({ overrides: { endpoint, credentials } });
  const limiter = new RateLimiter({ limits: { connect: CONNECT, workspaces: WORKSPACES }, operationLimits: OPERATIONS, signal: abort.signal });
  const lookups = { connect: new ConnectLookupAws({ clients, gate: limiter }), workspaces: new WorkSpacesLookupAws({ clients, gate: limiter }) };
  const timed = async (state: DesiredState) => {
    const started = performance.now();
    const r = await resolveDesired(state, { ...lookups, signal: abort.signal });
    keeper.lastResolveMs = performance.now() - started;
    return r;
  };
  const daemon = new Daemon({
    paths: [dir],
    defaultRegion: REGION,
    providers: createProviders({ clients, gate: limiter }),
    resolve: timed,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    metrics: new Metrics({ defaultMetrics: false }),
    intervalMs: 24 * 3600_000,
    watch: false,
    signal: abort.signal,
  });
  const keeper: Keeper = {
    variant,
    daemon,
    lastResolveMs: 0,
    close: async () => {
      await daemon.stop(10_000);
      abort.abort();
      limiter.close();
      clients.destroy();
    },
  };
  if (!(await daemon.start())) throw new Error(`the ${variant} desired state did not load`);
  await daemon.reconciler.whenSettled();
  return keeper;
}

interface Sample {
  wallMs: number;
  /** Of wallMs, the reload: load the files and resolve names. */
  reloadMs: number;
  /** Of reloadMs, the resolution of names and selectors. */
  resolveMs: number;
  /** CPU time of this process (the sandbox runs in its own). */
  cpuMs: number;
  calls: number;
  byOperation: Record<string, number>;
  throttled: number;
}

const delta = (a: SandboxStats, b: SandboxStats): Sample => {
  const byOperation: Record<string, number> = {};
  for (const [op, n] of Object.entries(b.byOperation)) if (n - (a.byOperation[op] ?? 0) > 0) byOperation[op] = n - (a.byOperation[op] ?? 0);
  return { wallMs: 0, reloadMs: 0, resolveMs: 0, cpuMs: 0, calls: b.total - a.total, byOperation, throttled: b.throttled - a.throttled };
};

/** Daemon.resync, in its two steps, timed apart: the reload (load + resolve), then the re-observation. */
async function resync(k: Keeper, sandbox: SandboxChild): Promise<Sample> {
  const before = await sandbox.stats();
  k.lastResolveMs = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await k.daemon.reload('bench');
  const reloadMs = performance.now() - started;
  k.daemon.reconciler.resync();
  await k.daemon.reconciler.whenSettled();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const s = delta(before, await sandbox.stats());
  const states = [...k.daemon.reconciler.targetStates()];
  if (states.some((st) => st.status !== 'converged')) throw new Error(`${k.variant}: a target is not converged after the resync`);
  return { ...s, wallMs, reloadMs, resolveMs: k.lastResolveMs, cpuMs: (used.user + used.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const MUTATING = /^(Associate|Disassociate|Deploy)/;

export async function runResyncNamesBench(): Promise<void> {
  const sandbox = await SandboxChild.start(SEED, { quotaScale: SCALE, stepDelayMs: 100 });
  const dirs: string[] = [];
  const keepers: Keeper[] = [];
  try {
    for (const v of ['ids', 'names'] as const) {
      const dir = await mkdtemp(join(tmpdir(), `bench-resync-${v}-`));
      dirs.push(dir);
      await writeDesired(dir, v);
      keepers.push(await startKeeper(sandbox.endpoint, dir, v));
    }
    const targets = keepers.map((k) => [...k.daemon.reconciler.targetStates()].length);
    const samples: Record<Variant, Sample[]> = { ids: [], names: [] };
    // Alternate, so that the machine's load falls on both alike.
    for (let r = 0; r < ROUNDS; r++) for (const k of r % 2 ? [...keepers].reverse() : keepers) samples[k.variant].push(await resync(k, sandbox));

    console.log(
      'resync-names: a steady-state resync (reload + resolve + observe all, nothing to change) of %d Connect workspaces × %d users and %d WorkSpaces × %d applications, by ids vs by names; sandbox quotas ×%d; median of %d each',
      FLEET.connectWorkspaces, FLEET.users, FLEET.workspaces, FLEET.applications, SCALE, ROUNDS,
    );
    const zero = { wall: 0, calls: 0, cpu: 0, reload: 0, resolve: 0 };
    const med: Record<Variant, typeof zero> = { ids: { ...zero }, names: { ...zero } };
    for (const [i, v] of (['ids', 'names'] as const).entries()) {
      const s = samples[v];
      const last = s.at(-1)!;
      const mutating = s.flatMap((x) => Object.keys(x.byOperation)).filter((op) => MUTATING.test(op));
      med[v] = { wall: median(s.map((x) => x.wallMs)), calls: median(s.map((x) => x.calls)), cpu: median(s.map((x) => x.cpuMs)), reload: median(s.map((x) => x.reloadMs)), resolve: median(s.map((x) => x.resolveMs)) };
      console.log(
        '  by %s  %d targets · %d calls %s · throttled %d · mutating %d',
        v.padEnd(5), targets[i], med[v].calls, JSON.stringify(last.byOperation), last.throttled, mutating.length,
      );
      console.log(
        '           wall median %s s (reload %s s, of which resolve %s s) · CPU median %s s · each wall: %s',
        (med[v].wall / 1000).toFixed(2), (med[v].reload / 1000).toFixed(2), (med[v].resolve / 1000).toFixed(2), (med[v].cpu / 1000).toFixed(2), s.map((x) => (x.wallMs / 1000).toFixed(2)).join(' '),
      );
    }
    console.log(
      '  names / ids: calls %s · wall %s · CPU %s (issue 9: wall ≤ 1.05) · resolution alone = %s of the ids resync',
      (med.names.calls / med.ids.calls).toFixed(3), (med.names.wall / med.ids.wall).toFixed(3), (med.names.cpu / med.ids.cpu).toFixed(3),
      (med.names.resolve / med.ids.wall).toFixed(3),
    );
  } finally {
    for (const k of keepers) await k.close();
    await sandbox.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}
