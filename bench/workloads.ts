/**
 * Workload benchmark: the bench fleet (200 Connect workspaces × 500 ARNs in one instance, 2,000
 * WorkSpaces × 3 applications) in three workloads — from nothing, a steady-state resync with
 * nothing to do, and 10 % drift (every 10th workspace and WorkSpace has lost everything) — each
 * run by three contenders against the same sandbox configuration (a fresh world each, in its own
 * process, quotas ×100):
 *
 * - the reconciler (its rate limiter at the scaled quotas);
 * - a fair baseline, what a competent engineer would write: one instance scan, ARNs batched by
 *   25, a concurrency pool, the SDK's `adaptive` retry mode, one DescribeWorkspaceAssociations
 *   per WorkSpace, one deploy per WorkSpace, and polling until every pair is COMPLETED;
 * - the naive loop, labelled as such: one call per item, in sequence, SDK defaults, no
 *   observation (on a slice of the fleet, scaled up).
 *
 * The minimum is computed from the API's rules and the world alone (minimum.ts), never from what
 * the reconciler does. Printed: calls, throttled answers and wall time of each contender, and the
 * reconciler process's CPU time per AWS call (the sandbox's CPU is in its own process).
 */
import { AssociateWorkspaceCommand, ConnectClient, SearchWorkspaceAssociationsCommand } from '@aws-sdk/client-connect';
import {
  AssociateWorkspaceApplicationCommand,
  DeployWorkspaceApplicationsCommand,
  DescribeWorkspaceAssociationsCommand,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import PQueue from 'p-queue';
import { ClientFactory } from '../src/providers/clients.js';
import { createProviders } from '../src/providers/index.js';
import { RateLimiter } from '../src/reconciler/ratelimit.js';
import { Reconciler } from '../src/reconciler/reconciler.js';
import { fleetIds } from '../src/sandbox/fleet.js';
import type { FleetOptions } from '../src/sandbox/index.js';
import { minimumCalls, type MinimumWorld } from './minimum.js';
import { desiredTargets, naiveLoop } from './naive.js';
import { SandboxChild } from './sandbox-process.js';

const SCALE = 100;
const CONNECT = { rate: 2 * SCALE, burst: 5 * SCALE };
const WORKSPACES = { rate: 5 * SCALE, burst: 10 * SCALE };
const REGION = 'us-east-1';
const STEP_MS = 100;
const POLL_MS = 3 * STEP_MS;
const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

export interface WorkloadBenchOptions {
  connectWorkspaces: number;
  arnsPerWorkspace: number;
  workspaces: number;
  appsPerWorkspace: number;
  /** Fraction of the fleet the naive loop runs on (it is slow by design). */
  naiveSlice: number;
  /** Concurrency of the fair baseline's pool, per service. */
  baselineConcurrency: number;
}

export const DEFAULT_WORKLOAD_BENCH: WorkloadBenchOptions = {
  connectWorkspaces: 200,
  arnsPerWorkspace: 500,
  workspaces: 2000,
  appsPerWorkspace: 3,
  naiveSlice: 0.02,
  baselineConcurrency: 64,
};

type WorkloadName = 'from nothing' | 'steady-state resync' | '10 % drift';
export interface Workload {
  name: WorkloadName;
  /** Everything associated at the start (else nothing). */
  seeded: boolean;
  /** Every n-th workspace and WorkSpace starts with nothing (drift). */
  driftEvery?: number;
}
export const WORKLOADS: Workload[] = [
  { name: 'from nothing', seeded: false },
  { name: 'steady-state resync', seeded: true },
  { name: '10 % drift', seeded: true, driftEvery: 10 },
];

interface Measured {
  calls: number;
  throttled: number;
  wallMs: number;
  byOperation: Record<string, number>;
  converged: boolean;
}

export interface WorkloadResult {
  workload: WorkloadName;
  minimum: { total: number; byOperation: Record<string, number>; observation: number };
  reconciler: Measured & { cpuMsPerCall: number };
  baseline: Measured;
  naive: Measured & { slice: number; items: number };
}

function fleet(o: WorkloadBenchOptions, w: Workload, connectWorkspaces = o.connectWorkspaces, workspaces = o.workspaces): FleetOptions {
  return {
    connectWorkspaces,
    arnsPerWorkspace: w.seeded ? o.arnsPerWorkspace : 0,
    users: o.arnsPerWorkspace,
    routingProfiles: 1,
    workspaces,
    appsPerWorkspace: w.seeded ? o.appsPerWorkspace : 0,
    applications: o.appsPerWorkspace,
  };
}

/** The world as the minimum sees it: what each workspace has at the start, and what is wanted. */
function worldOf(o: WorkloadBenchOptions, w: Workload): MinimumWorld {
  const has = (i: number) => w.seeded && !(w.driftEvery && i % w.driftEvery === 0);
  return {
    connect: Array.from({ length: o.connectWorkspaces }, (_, i) => ({ has: has(i) ? o.arnsPerWorkspace : 0, wants: o.arnsPerWorkspace })),
    workspaces: Array.from({ length: o.workspaces }, (_, i) => ({ has: has(i) ? o.appsPerWorkspace : 0, wants: o.appsPerWorkspace })),
    applications: o.appsPerWorkspace,
  };
}

async function measure(sandbox: SandboxChild, run: () => Promise<boolean>): Promise<Measured> {
  const started = process.hrtime.bigint();
  const converged = await run();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const stats = await sandbox.stats();
  return { calls: stats.total, throttled: stats.throttled, wallMs, byOperation: stats.byOperation, converged };
}

export async function runReconciler(o: WorkloadBenchOptions, w: Workload): Promise<WorkloadResult['reconciler']> {
  const sandbox = await SandboxChild.start(fleet(o, w), { quotaScale: SCALE, stepDelayMs: STEP_MS, driftEvery: w.driftEvery });
  const clients = new ClientFactory({ overrides: { endpoint: sandbox.endpoint, credentials } });
  const limiter = new RateLimiter({ limits: { connect: CONNECT, workspaces: WORKSPACES } });
  const reconciler = new Reconciler({ providers: createProviders({ clients, gate: limiter }), pollIntervalMs: POLL_MS, workers: 128 });
  const targets = desiredTargets(o, REGION);
  await warmUp(clients, sandbox);
  const cpu = process.cpuUsage();
  const m = await measure(sandbox, async () => {
    reconciler.setTargets(targets);
    reconciler.start();
    await reconciler.whenSettled();
    await reconciler.stop();
    return [...reconciler.targetStates()].every((s) => s.status === 'converged');
  });
  const used = process.cpuUsage(cpu);
  limiter.close();
  clients.destroy();
  await sandbox.stop();
  return { ...m, cpuMsPerCall: (used.user + used.system) / 1000 / Math.max(1, m.calls) };
}

/**
 * One read of each service before the CPU is measured, then the call counts reset: the SDK loads
 * most of its code on the first call of a client, once per process, which is not per-call cost.
 */
async function warmUp(clients: ClientFactory, sandbox: SandboxChild): Promise<void> {
  await clients.connect(REGION).send(new SearchWorkspaceAssociationsCommand({ InstanceId: fleetIds.instanceId, MaxResults: 1 }));
  await clients.workspaces(REGION).send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId: fleetIds.workspaceId(0), AssociatedResourceTypes: ['APPLICATION'] }));
  await sandbox.reset();
}

/**
 * The fair baseline: Connect — one paginated scan of the instance, then the missing ARNs of each
 * workspace in batches of 25; WorkSpaces — per WorkSpace, DescribeWorkspaceAssociations, one
 * associate per missing application and one deploy, then rounds of DescribeWorkspaceAssociations
 * every poll interval until every pair is COMPLETED. A pool of `baselineConcurrency` calls per
 * service, the SDK's adaptive retry mode (client-side rate limiting from throttling answers) with
 * 10 attempts, and failed items tried again.
 */
async function runBaseline(o: WorkloadBenchOptions, w: Workload): Promise<Measured> {
  const sandbox = await SandboxChild.start(fleet(o, w), { quotaScale: SCALE, stepDelayMs: STEP_MS, driftEvery: w.driftEvery });
  const cfg = { region: REGION, endpoint: sandbox.endpoint, credentials, retryMode: 'adaptive', maxAttempts: 10 } as const;
  const connect = new ConnectClient(cfg);
  const workspaces = new WorkSpacesClient(cfg);
  const arns = Array.from({ length: o.arnsPerWorkspace }, (_, i) => fleetIds.userArn(i));
  const apps = Array.from({ length: o.appsPerWorkspace }, (_, i) => fleetIds.applicationId(i));
  const retrying = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
  };
  const m = await measure(sandbox, async () => {
    const connectPool = new PQueue({ concurrency: o.baselineConcurrency });
    const wsPool = new PQueue({ concurrency: o.baselineConcurrency });
    const connectDone = (async () => {
      const have = new Map<string, Set<string>>();
      let NextToken: string | undefined;
      do {
        const page = await retrying(() => connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: fleetIds.instanceId, MaxResults: 500, NextToken })));
        for (const a of page.WorkspaceAssociations ?? []) {
          if (!a.WorkspaceId || !a.ResourceArn) continue;
          if (!have.has(a.WorkspaceId)) have.set(a.WorkspaceId, new Set());
          have.get(a.WorkspaceId)!.add(a.ResourceArn);
        }
        NextToken = page.NextToken;
      } while (NextToken);
      let ok = true;
      for (let i = 0; i < o.connectWorkspaces; i++) {
        const WorkspaceId = fleetIds.connectWorkspaceId(i);
        const missing = arns.filter((a) => !have.get(WorkspaceId)?.has(a));
        for (let b = 0; b < missing.length; b += 25) {
          const batch = missing.slice(b, b + 25);
          void connectPool.add(async () => {
            let left = batch;
            for (let attempt = 0; left.length > 0 && attempt < 5; attempt++) {
              const out = await retrying(() => connect.send(new AssociateWorkspaceCommand({ InstanceId: fleetIds.instanceId, WorkspaceId, ResourceArns: left })));
              left = (out.FailedList ?? []).filter((f) => f.ErrorCode !== '409').flatMap((f) => (f.ResourceArn ? [f.ResourceArn] : []));
            }
            if (left.length > 0) ok = false;
          });
        }
      }
      await connectPool.onIdle();
      return ok;
    })();
    const wsDone = (async () => {
      const ids = Array.from({ length: o.workspaces }, (_, i) => fleetIds.workspaceId(i));
      const completed = (list: { AssociatedResourceId?: string; State?: string }[] | undefined) =>
        apps.every((a) => list?.some((x) => x.AssociatedResourceId === a && x.State === 'COMPLETED'));
      let polling: string[] = [];
      for (const WorkspaceId of ids) {
        void wsPool.add(async () => {
          const seen = await retrying(() => workspaces.send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId, AssociatedResourceTypes: ['APPLICATION'] })));
          const present = new Set((seen.Associations ?? []).filter((x) => x.State !== 'REMOVED').map((x) => x.AssociatedResourceId));
          const missing = apps.filter((a) => !present.has(a));
          if (missing.length === 0 && completed(seen.Associations)) return;
          for (const ApplicationId of missing) await retrying(() => workspaces.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId, ApplicationId })));
          await retrying(() => workspaces.send(new DeployWorkspaceApplicationsCommand({ WorkspaceId })));
          polling.push(WorkspaceId);
        });
      }
      await wsPool.onIdle();
      for (let round = 0; polling.length > 0 && round < 100; round++) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        const still: string[] = [];
        for (const WorkspaceId of polling) {
          void wsPool.add(async () => {
            const seen = await retrying(() => workspaces.send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId, AssociatedResourceTypes: ['APPLICATION'] })));
            if (!completed(seen.Associations)) still.push(WorkspaceId);
          });
        }
        await wsPool.onIdle();
        polling = still;
      }
      return polling.length === 0;
    })();
    const [a, b] = await Promise.all([connectDone, wsDone]);
    return a && b;
  });
  connect.destroy();
  workspaces.destroy();
  await sandbox.stop();
  return m;
}

/** The naive loop: one call per item, in sequence, SDK defaults, no observation; on a slice. */
async function runNaive(o: WorkloadBenchOptions, w: Workload): Promise<WorkloadResult['naive']> {
  const cw = Math.max(1, Math.round(o.connectWorkspaces * o.naiveSlice));
  const ws = Math.max(1, Math.round(o.workspaces * o.naiveSlice));
  const sandbox = await SandboxChild.start(fleet(o, w, cw, ws), { quotaScale: SCALE, stepDelayMs: STEP_MS, driftEvery: w.driftEvery });
  const connect = new ConnectClient({ region: REGION, endpoint: sandbox.endpoint, credentials });
  const workspaces = new WorkSpacesClient({ region: REGION, endpoint: sandbox.endpoint, credentials });
  let items = 0;
  const m = await measure(sandbox, async () => {
    items = await naiveLoop({ connect, workspaces }, { connectWorkspaces: cw, arnsPerWorkspace: o.arnsPerWorkspace, workspaces: ws, appsPerWorkspace: o.appsPerWorkspace });
    return false; // it never checks
  });
  connect.destroy();
  workspaces.destroy();
  await sandbox.stop();
  return { ...m, slice: o.naiveSlice, items };
}

export async function runWorkloadBench(o: WorkloadBenchOptions = DEFAULT_WORKLOAD_BENCH, only?: WorkloadName[]): Promise<WorkloadResult[]> {
  const out: WorkloadResult[] = [];
  for (const w of WORKLOADS) {
    if (only && !only.includes(w.name)) continue;
    const minimum = minimumCalls(worldOf(o, w));
    const reconciler = await runReconciler(o, w);
    const baseline = await runBaseline(o, w);
    const naive = await runNaive(o, w);
    const r: WorkloadResult = { workload: w.name, minimum, reconciler, baseline, naive };
    printWorkload(r, o);
    out.push(r);
  }
  return out;
}

export function printWorkload(r: WorkloadResult, o: WorkloadBenchOptions = DEFAULT_WORKLOAD_BENCH): void {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const ratio = (n: number) => (n / Math.max(1, r.minimum.total)).toFixed(3);
  console.log(
    'workload "%s": %d Connect workspaces × %d ARNs + %d WorkSpaces × %d applications, sandbox quotas ×%d (own process), fresh world per contender',
    r.workload, o.connectWorkspaces, o.arnsPerWorkspace, o.workspaces, o.appsPerWorkspace, SCALE,
  );
  console.log('  independent minimum        %d calls (cheapest observation %d)  %s', r.minimum.total, r.minimum.observation, JSON.stringify(r.minimum.byOperation));
  const row = (label: string, m: Measured, extra = '') =>
    console.log('  %s %s calls = %s× min, %s throttled, %s s wall, converged %s%s', label.padEnd(26), String(m.calls).padStart(7), ratio(m.calls), String(m.throttled).padStart(5), s(m.wallMs).padStart(6), m.converged ? 'yes' : 'NO', extra);
  row('reconciler', r.reconciler, `, CPU ${r.reconciler.cpuMsPerCall.toFixed(3)} ms per AWS call`);
  if (r.workload === 'steady-state resync') {
    console.log('    calls per resync vs the cheapest observation: %s (target ≤ 1.02)', (r.reconciler.calls / r.minimum.observation).toFixed(3));
  }
  console.log('    by operation %s', JSON.stringify(r.reconciler.byOperation));
  row('fair baseline', r.baseline);
  console.log('    by operation %s', JSON.stringify(r.baseline.byOperation));
  const k = 1 / r.naive.slice;
  console.log(
    '  %s %s calls = %s× min, %s throttled, %s s wall (never observes: scaled from %s %% of the fleet, %d calls in %s s)',
    'naive loop (one per item)'.padEnd(26), String(Math.round(r.naive.calls * k)).padStart(7), ratio(r.naive.calls * k), String(Math.round(r.naive.throttled * k)).padStart(5), s(r.naive.wallMs * k).padStart(6),
    (r.naive.slice * 100).toFixed(0), r.naive.calls, s(r.naive.wallMs),
  );
}
