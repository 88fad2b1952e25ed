/**
 * Reconcile benchmark: 200 Connect workspaces × 500 ARNs and 2,000 WorkSpaces × 3 applications,
 * starting from nothing associated, against the sandbox (in a child process) with its quotas
 * scaled ×100 (Connect 200/s burst 500, WorkSpaces 500/s burst 1000 per operation) and the
 * reconciler's limits set to the same. Prints API calls vs the minimum, wall time vs the
 * rate-limit bound, throttled answers and peak memory, then the same for a naive script (one
 * call per item, sequential, SDK defaults) on a slice of the fleet.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { ClientFactory } from '../src/providers/clients.js';
import { createProviders } from '../src/providers/index.js';
import { RateLimiter } from '../src/reconciler/ratelimit.js';
import { Reconciler } from '../src/reconciler/reconciler.js';
import { minimumCalls } from './minimum.js';
import { desiredTargets, naiveLoop } from './naive.js';
import { SandboxChild } from './sandbox-process.js';
import type { FleetOptions } from '../src/sandbox/index.js';

const SCALE = 100;
const CONNECT = { rate: 2 * SCALE, burst: 5 * SCALE };
const WORKSPACES = { rate: 5 * SCALE, burst: 10 * SCALE };
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

export interface ReconcileBenchOptions {
  connectWorkspaces: number;
  arnsPerWorkspace: number;
  workspaces: number;
  appsPerWorkspace: number;
  /** Fraction of the fleet the naive script runs on (it is slow by design). */
  naiveSlice: number;
}

export const DEFAULT_RECONCILE_BENCH: ReconcileBenchOptions = {
  connectWorkspaces: 200,
  arnsPerWorkspace: 500,
  workspaces: 2000,
  appsPerWorkspace: 3,
  naiveSlice: 0.02,
};

function fleetFor(o: ReconcileBenchOptions, connectWorkspaces: number, workspaces: number): FleetOptions {
  // Nothing associated at the start: every association is work for the reconciler.
  return {
    connectWorkspaces,
    arnsPerWorkspace: 0,
    users: o.arnsPerWorkspace,
    routingProfiles: 1,
    workspaces,
    appsPerWorkspace: 0,
    applications: o.appsPerWorkspace,
  };
}

export interface ReconcileBenchResult {
  calls: number;
  minimum: number;
  wallMs: number;
  boundMs: number;
  throttled: number;
  peakRssMiB: number;
  byOperation: Record<string, number>;
  converged: boolean;
  naive: { items: number; calls: number; wallMs: number; throttled: number; slice: number };
}

export async function runReconcileBench(o: ReconcileBenchOptions = DEFAULT_RECONCILE_BENCH): Promise<ReconcileBenchResult> {
  const stepDelayMs = 100;
  const sandbox = await SandboxChild.start(fleetFor(o, o.connectWorkspaces, o.workspaces), { quotaScale: SCALE, stepDelayMs });
  const clients = new ClientFactory({ overrides: { endpoint: sandbox.endpoint, credentials } });
  const limiter = new RateLimiter({ limits: { connect: CONNECT, workspaces: WORKSPACES } });
  const reconciler = new Reconciler({
    providers: createProviders({ clients, gate: limiter }),
    // One poll after a deploy sees it finished: the sandbox needs 2 steps of 100 ms.
    pollIntervalMs: 3 * stepDelayMs,
    workers: 128,
  });
  const targets = desiredTargets(o, REGION);
  const started = process.hrtime.bigint();
  reconciler.setTargets(targets);
  reconciler.start();
  await reconciler.whenSettled();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  await reconciler.stop();
  const converged = [...reconciler.targetStates()].every((s) => s.status === 'converged');
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const stats = await sandbox.stats();
  limiter.close();
  clients.destroy();
  await sandbox.stop();

  // The fewest calls that can do this, from the API's rules alone (minimum.ts): one scan page
  // (nothing associated yet), ⌈500/25⌉ batches per Connect workspace; for WorkSpaces the cheaper
  // view to observe, one associate per application, one deploy, and one observation (the cheaper
  // view again) to see the deployments finish.
  const minByOp = minimumCalls({
    connect: Array.from({ length: o.connectWorkspaces }, () => ({ has: 0, wants: o.arnsPerWorkspace })),
    workspaces: Array.from({ length: o.workspaces }, () => ({ has: 0, wants: o.appsPerWorkspace })),
    applications: o.appsPerWorkspace,
  }).byOperation;
  const minimum = Object.values(minByOp).reduce((a, b) => a + b, 0);
  // The rate-limit bound: every operation has its own quota and runs in parallel, so the run can
  // be no faster than its slowest operation: (calls − burst) / rate.
  const boundMs = Math.max(
    ...Object.entries(minByOp).map(([op, n]) => {
      const l = op === 'SearchWorkspaceAssociations' || op === 'AssociateWorkspace' ? CONNECT : WORKSPACES;
      return (Math.max(0, n - l.burst) / l.rate) * 1000;
    }),
  );

  const naive = await runNaive(o);
  return { calls: stats.total, minimum, wallMs, boundMs, throttled: stats.throttled, peakRssMiB, byOperation: stats.byOperation, converged, naive };
}

/** What a user would write by hand: one call per item, in sequence, the SDK's default retries. */
async function runNaive(o: ReconcileBenchOptions): Promise<ReconcileBenchResult['naive']> {
  const cw = Math.max(1, Math.round(o.connectWorkspaces * o.naiveSlice));
  const ws = Math.max(1, Math.round(o.workspaces * o.naiveSlice));
  const sandbox = await SandboxChild.start(fleetFor(o, cw, ws), { quotaScale: SCALE, stepDelayMs: 100 });
  const connect = new ConnectClient({ region: REGION, endpoint: sandbox.endpoint, credentials });
  const workspaces = new WorkSpacesClient({ region: REGION, endpoint: sandbox.endpoint, credentials });
  const started = process.hrtime.bigint();
  const items = await naiveLoop({ connect, workspaces }, { connectWorkspaces: cw, arnsPerWorkspace: o.arnsPerWorkspace, workspaces: ws, appsPerWorkspace: o.appsPerWorkspace });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const stats = await sandbox.stats();
  connect.destroy();
  workspaces.destroy();
  await sandbox.stop();
  return { items, calls: stats.total, wallMs, throttled: stats.throttled, slice: o.naiveSlice };
}

export function printReconcileBench(r: ReconcileBenchResult, o: ReconcileBenchOptions = DEFAULT_RECONCILE_BENCH): void {
  const pct = (a: number, b: number) => ((100 * a) / Math.max(1, b)).toFixed(2);
  console.log(
    'reconcile: %d Connect workspaces × %d ARNs + %d WorkSpaces × %d applications, sandbox quotas ×%d',
    o.connectWorkspaces, o.arnsPerWorkspace, o.workspaces, o.appsPerWorkspace, SCALE,
  );
  console.log('  converged        %s', r.converged ? 'yes' : 'NO');
  console.log('  API calls        %d / minimum %d = %s  (target ≤ 1.05)', r.calls, r.minimum, (r.calls / r.minimum).toFixed(3));
  console.log('  wall time        %s s / rate-limit bound %s s = %s  (target ≤ 1.15)', (r.wallMs / 1000).toFixed(1), (r.boundMs / 1000).toFixed(1), (r.wallMs / r.boundMs).toFixed(3));
  console.log('  throttled        %d = %s %% of calls  (target < 1 %%)', r.throttled, pct(r.throttled, r.calls));
  console.log('  peak RSS         %s MiB (reconciler process; the sandbox runs in its own)', r.peakRssMiB.toFixed(0));
  console.log('  calls by operation %s', JSON.stringify(r.byOperation));
  const n = r.naive;
  const scale = 1 / n.slice;
  console.log('naive script (one call per item, sequential, SDK defaults) on %s %% of the fleet:', (n.slice * 100).toFixed(0));
  console.log('  %d items: %d calls in %s s, %d throttled (%s %%)', n.items, n.calls, (n.wallMs / 1000).toFixed(1), n.throttled, pct(n.throttled, n.calls));
  console.log(
    '  scaled to the whole fleet: ~%d calls (%s× the reconciler), ~%s s (%s× the reconciler)',
    Math.round(n.calls * scale), ((n.calls * scale) / r.calls).toFixed(1), ((n.wallMs * scale) / 1000).toFixed(0), ((n.wallMs * scale) / r.wallMs).toFixed(1),
  );
}
