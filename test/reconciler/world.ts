/**
 * A sandbox world for reconciler tests: the real sandbox on 127.0.0.1, real SDK clients, the
 * real rate limiter and providers, and helpers to read the sandbox's state directly.
 */
import assert from 'node:assert/strict';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DisassociateWorkspaceCommand } from '@aws-sdk/client-connect';
import { loadDesiredState } from '../../src/config/index.js';
import type { ConnectTarget, SourceLocation, Target, WorkSpaceTarget } from '../../src/config/types.js';
import { ConnectProvider } from '../../src/providers/connect/index.js';
import type { CallGate } from '../../src/providers/types.js';
import { WorkSpacesProvider } from '../../src/providers/workspaces/index.js';
import { RateLimiter } from '../../src/reconciler/ratelimit.js';
import type { RateLimit } from '../../src/reconciler/ratelimit.js';
import { Reconciler } from '../../src/reconciler/reconciler.js';
import type { ReconcilerOptions, TargetState } from '../../src/reconciler/reconciler.js';
import { buildFleetSeed, fleetIds, seededRandom, type CallRecord, type SandboxOptions } from '../../src/sandbox/index.js';
export {
  BILLING_DESK, INSTANCE, REGION, SUPERVISORS, SUPPORT_FLOOR, agent,
} from '../providers/fixtures.js';
import {
  BILLING_DESK, INSTANCE, REGION, SUPERVISORS, SUPPORT_FLOOR, agent, connectTarget, startHarness, workSpaceTarget, type Harness,
} from '../providers/fixtures.js';

export const here: SourceLocation = { file: 'test.yaml', line: 1, col: 1 };
export const FAST: RateLimit = { rate: 10_000, burst: 100 };

export function connect(workspaceId: string, items: string[], prune = false, instanceId = INSTANCE): ConnectTarget {
  return { ...connectTarget(workspaceId, REGION, instanceId), desired: new Map(items.map((i) => [i, here])), prune };
}
export function workspace(workspaceId: string, apps: string[], prune = false): WorkSpaceTarget {
  return { ...workSpaceTarget(workspaceId), desired: new Map(apps.map((a) => [a, here])), prune };
}

export async function demoTargets(): Promise<Target[]> {
  const dir = (d: string) => fileURLToPath(new URL(`../fixtures/demo-by-id/${d}`, import.meta.url));
  const r = await loadDesiredState([dir('connect'), dir('workspaces')], { defaultRegion: 'us-east-1' });
  assert.deepEqual(r.errors, []);
  return r.state!.targets;
}

export interface Run {
  limiter: RateLimiter;
  reconciler: Reconciler;
  abort: AbortController;
}

export interface World extends Harness {
  runs: Run[];
  /** A reconciler (with its own limiter and signal) over this sandbox, started. */
  run(targets: Target[], o?: RunOptions): Run;
  /** The sandbox's view of a target: associated ARNs, or applications not REMOVED. */
  live(t: Target): string[];
  callsSince(index: number, operation?: string): CallRecord[];
}

export interface RunOptions {
  limits?: { connect?: RateLimit; workspaces?: RateLimit };
  reconciler?: Partial<ReconcilerOptions>;
  /** Wraps the limiter (to watch calls). */
  gate?: (limiter: RateLimiter, abort: AbortController) => CallGate;
  start?: boolean;
}

export async function startWorld(sandbox: SandboxOptions = {}): Promise<World> {
  const h = await startHarness({ now: Date.now, stepDelayMs: 20, ...sandbox });
  const runs: Run[] = [];
  return {
    ...h,
    runs,
    run(targets, o = {}) {
      const abort = new AbortController();
      // Every queued call listens on the run's one signal (as in the apply command).
      setMaxListeners(0, abort.signal);
      const limiter = new RateLimiter({
        limits: { connect: o.limits?.connect ?? FAST, workspaces: o.limits?.workspaces ?? FAST },
        signal: abort.signal,
        cooldownMs: 10,
        maxCooldownMs: 100,
      });
      const gate = o.gate?.(limiter, abort) ?? limiter;
      const reconciler = new Reconciler({
        providers: { connect: new ConnectProvider({ clients: h.clients, gate }), workspaces: new WorkSpacesProvider({ clients: h.clients, gate }) },
        pollIntervalMs: 20,
        backoff: { baseMs: 5, maxMs: 50 },
        signal: abort.signal,
        ...o.reconciler,
      });
      const run = { limiter, reconciler, abort };
      runs.push(run);
      reconciler.setTargets(targets);
      if (o.start !== false) reconciler.start();
      return run;
    },
    live(t) {
      if (t.type === 'connect') return h.sandbox.connectAssociations(t.region!, t.instanceId, t.workspaceId);
      return h.sandbox.workspaceAssociations(t.region!, t.workspaceId).filter((a) => a.state !== 'REMOVED').map((a) => a.applicationId);
    },
    callsSince: (index, operation) => h.sandbox.calls.slice(index).filter((c) => operation === undefined || c.operation === operation),
    async close() {
      for (const r of runs) r.abort.abort();
      const stopped = runs.map((r) => r.reconciler.stop());
      // The sandbox first: closing it ends calls it never answered, which stop() would wait for.
      await h.close();
      await Promise.all(stopped);
      for (const r of runs) r.limiter.close();
    },
  };
}

export function states(r: Reconciler): Map<string, TargetState> {
  return new Map([...r.targetStates()].map((s) => [s.target.key, s]));
}

/** Every target converged; prune targets hold exactly their desired items, others at least theirs plus what they had. */
export function assertConverged(w: World, r: Reconciler, targets: Target[], before: Map<string, string[]>): void {
  for (const st of r.targetStates()) assert.equal(st.status, 'converged', `${st.target.key}: ${JSON.stringify([...st.terminal.values()])}`);
  for (const t of targets) {
    const live = w.live(t);
    const desired = [...t.desired.keys()].sort();
    if (t.prune) assert.deepEqual(live, desired, t.key);
    else assert.deepEqual(live, [...new Set([...desired, ...before.get(t.key)!])].sort(), t.key);
    if (t.type === 'workspaces') {
      for (const a of w.sandbox.workspaceAssociations(REGION, t.workspaceId)) {
        if (t.desired.has(a.applicationId)) assert.equal(a.state, 'COMPLETED', `${t.key} ${a.applicationId}`);
      }
    }
  }
}

/** Keys queued, waiting on a delay or backoff, or being processed, in every queue. */
export function scheduled(r: Reconciler): number {
  return Object.values(r.queues).reduce((n, q) => n + q.length + q.delayedCount + q.activeCount, 0);
}

export const snapshot = (w: World, targets: Target[]) => new Map(targets.map((t) => [t.key, w.live(t)]));
export const sent = (c: CallRecord, arn: string) => Array.isArray(c.input.ResourceArns) && c.input.ResourceArns.includes(arn);

