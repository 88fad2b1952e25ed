/**
 * The reconcile loop: workers take target keys off the work queue and, for each, observe →
 * plan (pure) → execute → decide what happens to the key next:
 *
 *   result of the pass                         │ next
 *   ───────────────────────────────────────────┼──────────────────────────────────────────────
 *   nothing to do, nothing in flight           │ converged (or failed, if terminal items remain)
 *   WorkSpaces pairs in flight / just deployed │ requeue after the poll interval
 *   Force redeploy of ERROR pairs              │ requeue with backoff (grows per ERROR, resets on success)
 *   a retryable or throttled failure           │ requeue with backoff
 *   a terminal failure                         │ remembered per item, not retried until the
 *                                              │ desired state changes or a full resync
 *
 * Connect associations take effect synchronously, so a Connect target whose calls all
 * succeeded is converged on AWS's word; the next pass (daemon resync) observes it again.
 */
import equal from 'fast-deep-equal/es6/index.js';
import pino from 'pino';
import type { Logger } from 'pino';
import type { Target } from '../config/types.js';
import { AwsCallError } from '../providers/errors.js';
import type { Action, ActionResult, ItemFailure, Provider } from '../providers/types.js';
import { systemClock } from './clock.js';
import type { Clock } from './clock.js';
import { Observer } from './observer.js';
import { hasChanges, planConnect, planWorkSpace } from './plan.js';
import type { ObservedState, TargetPlan } from './types.js';
import { WorkQueue } from './workqueue.js';
import type { BackoffOptions } from './workqueue.js';

export type TargetStatus = 'pending' | 'converged' | 'waiting' | 'retrying' | 'failed';

export interface Failure {
  target: string;
  item: string;
  operation: string;
  code: string;
  message: string;
  terminal: boolean;
  requestId?: string;
}

export interface DoneCounts {
  associate: number;
  disassociate: number;
  deploy: number;
}

export interface TargetState {
  target: Target;
  status: TargetStatus;
  /** Observations must have started after this sequence (see Observer). */
  minSeq: number;
  /** Items that failed terminally, by item; not retried until the desired state changes. */
  terminal: Map<string, Failure>;
  /** Retryable failures of the last pass. */
  retrying: Failure[];
  /** The last plan computed for the target (what remains). */
  lastPlan?: TargetPlan;
  /** Whether AWS could ever be asked what the target has (if not, nothing was attempted for it). */
  observed: boolean;
  done: DoneCounts;
}

export interface ReconcilerOptions {
  providers: { connect: Provider; workspaces: Provider };
  clock?: Clock;
  /** Requeue delay while WorkSpaces pairs are in flight, ms. Default 5000. */
  pollIntervalMs?: number;
  /** Backoff of failed keys. Default base 1 s, max 5 min, jitter 0.5. */
  backoff?: BackoffOptions;
  /**
   * Keys processed at once per service (the rate limiter bounds AWS calls separately). Each
   * service has its own pool, so a backlog in one (Connect's 2/s) never starves the other.
   * Default 32.
   */
  workers?: number;
  /**
   * Aborting stops new work: no new key is started and (through the rate limiter, which shares
   * the signal) no queued call is sent. It is deliberately not passed to the providers, so a
   * request already on the wire completes and its answer is recorded: an interrupted run never
   * leaves an association half-known.
   */
  signal?: AbortSignal;
  logger?: Logger;
  random?: () => number;
  /** Called after each pass over one key. */
  onPass?: (e: { key: string; type: Target['type']; status: TargetStatus; durationMs: number; error?: boolean }) => void;
}

export class Reconciler {
  /** One work queue per service, each with its own workers. */
  readonly queues: Readonly<Record<Target['type'], WorkQueue<string>>>;
  readonly observer: Observer;
  private readonly states = new Map<string, TargetState>();
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly log: Logger;
  private workers: Promise<void>[] = [];
  private settledWaiters: (() => void)[] = [];

  constructor(private readonly o: ReconcilerOptions) {
    this.clock = o.clock ?? systemClock;
    this.pollIntervalMs = o.pollIntervalMs ?? 5000;
    this.log = o.logger ?? pino({ level: 'silent' });
    const queue = () => new WorkQueue<string>({ clock: this.clock, backoff: o.backoff, random: o.random });
    this.queues = { connect: queue(), workspaces: queue() };
    this.observer = new Observer((t) => this.providerFor(t));
  }

  /**
   * Replace the desired targets. New and changed targets are queued (a change forgets their
   * terminal failures); targets no longer desired are dropped and never touched again.
   */
  setTargets(targets: readonly Target[]): { added: number; changed: number; removed: number } {
    const next = new Map(targets.map((t) => [t.key, t]));
    let added = 0, changed = 0, removed = 0;
    for (const key of [...this.states.keys()]) {
      if (!next.has(key)) {
        this.queueOf(this.states.get(key)!.target).remove(key);
        this.states.delete(key);
        removed++;
      }
    }
    for (const t of targets) {
      const st = this.states.get(t.key);
      if (!st) {
        this.states.set(t.key, { target: t, status: 'pending', minSeq: 0, terminal: new Map(), retrying: [], done: zero(), observed: false });
        added++;
        this.queueOf(t).add(t.key);
      } else if (!sameDesired(st.target, t)) {
        st.target = t;
        st.terminal.clear();
        st.status = 'pending';
        changed++;
        this.queueOf(t).add(t.key);
      } else {
        st.target = t;
      }
    }
    this.observer.setTargets(targets);
    this.notifyIfSettled();
    return { added, changed, removed };
  }

  /** A full resync: observe everything again and retry terminal failures once more. */
  resync(): void {
    const mark = this.observer.mark();
    for (const st of this.states.values()) {
      st.minSeq = mark;
      st.terminal.clear();
      if (st.status === 'converged' || st.status === 'failed') st.status = 'pending';
      this.queueOf(st.target).add(st.target.key);
    }
  }

  start(): void {
    const n = this.o.workers ?? 32;
    if (!Number.isInteger(n) || n < 1) throw new TypeError(`Expected \`workers\` to be an integer >= 1, got ${n}`);
    for (const q of Object.values(this.queues)) for (let i = 0; i < n; i++) this.workers.push(this.work(q));
  }

  /** Stop handing out keys; resolves when every worker finished its current key. */
  async stop(): Promise<void> {
    for (const q of Object.values(this.queues)) q.shutDown();
    await Promise.all(this.workers);
    this.workers = [];
    this.notifyIfSettled(true);
  }

  /** True when every target is converged or failed terminally and nothing is queued or running. */
  isSettled(): boolean {
    for (const q of Object.values(this.queues)) if (q.activeCount > 0 || q.length > 0) return false;
    for (const st of this.states.values()) if (st.status !== 'converged' && st.status !== 'failed') return false;
    return true;
  }

  whenSettled(): Promise<void> {
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  targetStates(): IterableIterator<TargetState> {
    return this.states.values();
  }

  private async work(queue: WorkQueue<string>): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      const started = this.clock.now();
      const st = this.states.get(key);
      let error = false;
      try {
        if (st) await this.reconcile(st);
      } catch (err) {
        // A bug, not an AWS answer: keep the loop alive, back off, and say so loudly.
        error = true;
        this.log.error({ target: key, err }, 'reconcile failed unexpectedly');
        if (st) st.status = 'retrying';
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
        if (st) this.o.onPass?.({ key, type: st.target.type, status: st.status, durationMs: this.clock.now() - started, error });
        this.notifyIfSettled();
      }
    }
  }

  private async reconcile(st: TargetState): Promise<void> {
    const target = st.target;
    const key = target.key;
    const queue = this.queueOf(target);
    if (this.o.signal?.aborted) return;
    const outcome = await this.observer.observe(target, st.minSeq);
    // Level-based: whatever this pass concludes, the next pass of this key must see AWS as it is
    // after now, never this observation again (a poll would otherwise re-read a stale scan).
    st.minSeq = this.observer.mark();
    if (!outcome.ok) {
      const f = failureOf(key, outcome.error.operation, key, outcome.error);
      if (outcome.error.kind === 'terminal') {
        st.terminal.set(key, f);
        st.status = 'failed';
        this.log.warn({ target: key, operation: f.operation, code: f.code, requestId: f.requestId }, 'cannot observe target');
      } else {
        st.retrying = [f];
        st.status = 'retrying';
        const delay = queue.addRateLimited(key);
        this.log.info({ target: key, code: f.code, retryInMs: delay }, 'observation failed, will retry');
      }
      return;
    }
    st.observed = true;
    const observed: ObservedState = new Map([[key, outcome.observed]]);
    const tp = target.type === 'connect' ? planConnect(target, observed, st.terminal) : planWorkSpace(target, observed, st.terminal);
    st.lastPlan = tp;
    if (tp.type === 'workspaces') for (const f of tp.failed) st.terminal.set(f.item, { target: key, operation: 'DeployWorkspaceApplications', requestId: undefined, ...f });

    if (!hasChanges(tp)) {
      st.retrying = [];
      if (tp.type === 'workspaces' && tp.wait.length > 0) {
        st.status = 'waiting';
        queue.addAfter(key, this.pollIntervalMs);
      } else {
        st.status = st.terminal.size > 0 ? 'failed' : 'converged';
        queue.forget(key);
      }
      return;
    }
    if (this.o.signal?.aborted) return;

    const retrying: Failure[] = [];
    await this.execute(st, tp, retrying);
    st.minSeq = this.observer.mark();
    st.retrying = retrying;
    if (retrying.length > 0) {
      st.status = 'retrying';
      const delay = queue.addRateLimited(key);
      this.log.info({ target: key, failures: retrying.length, retryInMs: delay }, 'retryable failures, will retry');
    } else if (tp.type === 'workspaces') {
      st.status = 'waiting';
      if (tp.retry.length > 0) queue.addRateLimited(key); // Force redeploys back off
      else {
        queue.forget(key);
        queue.addAfter(key, this.pollIntervalMs);
      }
    } else {
      st.status = st.terminal.size > 0 ? 'failed' : 'converged';
      queue.forget(key);
    }
  }

  private async execute(st: TargetState, tp: TargetPlan, retrying: Failure[]): Promise<void> {
    const key = st.target.key;
    const run = async (action: Action, operation: string, items: string[]): Promise<void> => {
      let result: ActionResult;
      try {
        result = await this.providerFor(st.target).execute(action);
      } catch (err) {
        if (!(err instanceof AwsCallError)) throw err;
        for (const item of items) {
          const f = failureOf(key, operation, item, err);
          if (err.kind === 'terminal') st.terminal.set(item, f);
          else retrying.push(f);
        }
        this.log.warn(
          { target: key, operation, code: err.code, requestId: err.requestId, attempt: this.queueOf(st.target).numRequeues(key) + 1, sdkAttempts: err.attempts, terminal: err.kind === 'terminal' },
          'AWS call failed',
        );
        return;
      }
      const counter = action.type;
      st.done[counter] += action.type === 'deploy' ? 1 : result.done.length;
      for (const f of result.failed) {
        const failure: Failure = { target: key, operation, ...f };
        if (f.terminal) st.terminal.set(f.item, failure);
        else retrying.push(failure);
      }
      if (result.failed.length > 0) {
        this.log.warn(
          { target: key, operation, requestId: result.requestId, attempt: this.queueOf(st.target).numRequeues(key) + 1, failed: result.failed.length, codes: [...new Set(result.failed.map((f) => f.code))] },
          'some items failed',
        );
      }
    };

    // Make before break: every association is made before any is removed, so a pass that fails
    // halfway never leaves a target with less access than it started with plus what it added.
    if (tp.type === 'connect') {
      const t = tp.target;
      await Promise.all(tp.associate.map((items) => run({ type: 'associate', target: t, items }, 'AssociateWorkspace', items)));
      if (this.o.signal?.aborted) return;
      await Promise.all(tp.disassociate.map((items) => run({ type: 'disassociate', target: t, items }, 'DisassociateWorkspace', items)));
      return;
    }
    const t = tp.target;
    await Promise.all(tp.associate.map((id) => run({ type: 'associate', target: t, items: [id] }, 'AssociateWorkspaceApplication', [id])));
    if (this.o.signal?.aborted) return;
    await Promise.all(tp.disassociate.map((id) => run({ type: 'disassociate', target: t, items: [id] }, 'DisassociateWorkspaceApplication', [id])));
    if (tp.deploy && !this.o.signal?.aborted) {
      await run({ type: 'deploy', target: t, force: tp.deploy.force }, 'DeployWorkspaceApplications', [t.workspaceId]);
    }
  }

  private queueOf(t: Target): WorkQueue<string> {
    return this.queues[t.type];
  }

  private providerFor(t: Target): Provider {
    return t.type === 'connect' ? this.o.providers.connect : this.o.providers.workspaces;
  }

  private notifyIfSettled(force = false): void {
    if (this.settledWaiters.length === 0) return;
    if (!force && !this.isSettled()) return;
    for (const w of this.settledWaiters.splice(0)) w();
  }
}

function zero(): DoneCounts {
  return { associate: 0, disassociate: 0, deploy: 0 };
}

/** True when two versions of a target want the same items with the same prune setting. */
export function sameDesired(a: Target | undefined, b: Target): boolean {
  if (!a) return false;
  return a.prune === b.prune && equal([...a.desired.keys()].sort(), [...b.desired.keys()].sort());
}

function failureOf(target: string, operation: string, item: string, err: AwsCallError): Failure {
  return { target, item, operation, code: err.code, message: err.awsMessage, terminal: err.kind === 'terminal', requestId: err.requestId };
}

export type { ItemFailure };
