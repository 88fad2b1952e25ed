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
 *
 * Removals (DESIGN.md, "Every removal is bounded, current and made after its replacement") are
 * decided here, for apply and the daemon alike, and a target's planned removals are held — none
 * of them made, the hold reported in its state and logged once — when:
 *
 *   a name of it did not resolve (a mistyped username: NameNotFound)    │ 'names-unresolved'
 *   its desired set is empty and its document does not say allowEmpty  │ 'empty-desired'
 *   a desired item of it failed terminally (a mistyped ARN: 404)        │ 'associations-failed'
 *   an association of it failed in this pass (retryable or not)         │ 'associations-failed'
 *   they would take the removals of this budget window past maxPrune    │ 'max-prune'
 *
 * The budget window is one apply, or in the daemon the time between two resyncs or desired-state
 * changes. And every removal is checked again at the moment it is sent (after its wait in the
 * rate limiter): if the target's desired state changed since the pass planned it (its generation
 * moved: prune turned off, the target removed, any edit), it is not sent.
 *
 * With an allow-list (`apply --plan FILE`, see allow.ts), every plan a pass computes is first
 * restricted to the reviewed actions, in planFor, before any of the checks above: what the world
 * needs beyond them is kept in the target's `outsidePlan` (reported) and never becomes a call.
 */
import equal from 'fast-deep-equal/es6/index.js';
import pino from 'pino';
import type { Logger } from 'pino';
import type { Target } from '../model/desired.js';
import { AwsCallError, isBusy } from '../providers/errors.js';
import type { Action, ActionResult, ItemFailure, Provider } from '../providers/types.js';
import { systemClock } from './clock.js';
import type { Clock } from './clock.js';
import { Observer } from './observer.js';
import { driftOf, driftTotal } from './drift.js';
import type { DriftCounts } from './drift.js';
import { restrictPlan, restrictTarget } from './allow.js';
import type { AllowList, OutsidePlan } from './allow.js';
import { hasChanges, planConnect, planWorkSpace } from './plan.js';
import type { Exclusions } from './plan.js';
import type { ObservedState, Plan, TargetPlan } from './types.js';
import { WorkQueue } from './workqueue.js';
import type { BackoffOptions } from './workqueue.js';

/** `drifted`: observe-only, the target differs from its desired state and nothing was done about it. */
export type TargetStatus = 'pending' | 'converged' | 'waiting' | 'retrying' | 'failed' | 'drifted';

export type HoldReason = 'empty-desired' | 'associations-failed' | 'names-unresolved' | 'max-prune';

/** Removals a pass planned for a target and did not make, and why. */
export interface HeldRemovals {
  reason: HoldReason;
  /** How many associations would have been removed. */
  count: number;
  /** The first few of them, for the report. */
  sample: string[];
  message: string;
}

export interface Failure {
  target: string;
  item: string;
  operation: string;
  code: string;
  message: string;
  terminal: boolean;
  requestId?: string;
  /** The failure was AWS throttling (a throttled call, or a FailedList 429). */
  throttled?: boolean;
  /** AWS answered that the resource is busy (ResourceInUse, Conflict…): retried at the poll interval. */
  busy?: boolean;
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
  /** Bumped whenever the target's desired state changes; removals planned under an older one are not sent. */
  generation: number;
  /** The removals the last pass held back, if it did. */
  held?: HeldRemovals;
  /** WorkSpaces pairs in flight after the last pass (waits, and pairs just deployed). */
  inFlight: number;
  /** How the target differs from its desired state (see drift.ts); undefined or all 0: it does not. */
  drift?: DriftCounts;
  /** When the current drift started (clock ms); set while drift is non-zero. */
  driftSince?: number;
  /** Items whose association or removal AWS confirmed during this run (answered done). */
  made: { associate: Set<string>; disassociate: Set<string> };
  /** With an allow-list: what the last pass needed beyond the reviewed plan (reported, never done). */
  outsidePlan?: OutsidePlan;
}

export interface ReconcilerOptions {
  providers: { connect: Provider; workspaces: Provider };
  clock?: Clock;
  /** Requeue delay while WorkSpaces pairs are in flight, ms. Default 5000. */
  pollIntervalMs?: number;
  /** Backoff of failed keys. Default base 1 s, max 5 min, jitter 0.5. */
  backoff?: BackoffOptions;
  /**
   * Longest backoff of a key whose failures were all throttling, ms. The rate limiter is what
   * slows down under throttling; the key only waits its turn, so it is never stranded behind a
   * long per-key backoff. Default 5000.
   */
  throttledBackoffMaxMs?: number;
  /** Most removals made in one budget window (see the header). Default unlimited. */
  maxPrune?: number;
  /**
   * A reviewed plan's actions (`apply --plan FILE`): no call is made for anything else, on any
   * pass (see allow.ts). A target without an entry gets no call at all. Default: no restriction.
   */
  allow?: AllowList;
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
  /**
   * Observe and plan only (`run --observe-only`): a pass records the target's drift and never
   * executes its plan. The rate limiter refuses mutating calls on its own as well (its own
   * `observeOnly`): this is the first line, that the second. Default false.
   */
  observeOnly?: boolean;
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
  /** Removals made, and reserved by passes in progress, in this budget window. */
  private budget = { made: 0, reserved: 0 };

  constructor(private readonly o: ReconcilerOptions) {
    this.clock = o.clock ?? systemClock;
    this.pollIntervalMs = o.pollIntervalMs ?? 5000;
    this.log = o.logger ?? pino({ level: 'silent' });
    const queue = () => new WorkQueue<string>({ clock: this.clock, backoff: o.backoff, random: o.random });
    this.queues = { connect: queue(), workspaces: queue() };
    // A key queued for a worker will ask for an observation soon: a scan counts it as due
    // (unless an observation fresh enough for it exists already).
    this.observer = new Observer((t) => this.providerFor(t), undefined, (key) => {
      const st = this.states.get(key);
      return st && this.queueOf(st.target).isQueued(key) ? st.minSeq : undefined;
    });
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
        this.setDrift(this.states.get(key)!, undefined, 'no longer desired');
        this.queueOf(this.states.get(key)!.target).remove(key);
        this.states.delete(key);
        removed++;
      }
    }
    for (const t of targets) {
      const st = this.states.get(t.key);
      if (!st) {
        this.states.set(t.key, { target: t, status: 'pending', minSeq: 0, terminal: new Map(), retrying: [], done: zero(), observed: false, generation: 0, inFlight: 0, made: { associate: new Set(), disassociate: new Set() } });
        added++;
        this.queueOf(t).add(t.key);
      } else if (!sameDesired(st.target, t)) {
        st.target = t;
        st.generation++;
        st.terminal.clear();
        st.status = 'pending';
        // An observation made for the old target (a scan already running, or one that stores its
        // result after the observer dropped the kept one) may have used a view the new target
        // cannot use (prune turned on needs the whole catalogue): only a later scan will do.
        st.minSeq = this.observer.mark();
        changed++;
        this.queueOf(t).add(t.key);
      } else {
        st.target = t;
      }
    }
    this.observer.setTargets(targets);
    // A new desired state opens a new removal budget window.
    if (added + changed + removed > 0) this.budget.made = 0;
    this.notifyIfSettled();
    return { added, changed, removed };
  }

  /** A full resync: observe everything again and retry terminal failures once more. */
  resync(): void {
    this.budget.made = 0; // a new removal budget window
    const mark = this.observer.mark();
    for (const st of this.states.values()) {
      st.minSeq = mark;
      st.terminal.clear();
      if (st.status === 'converged' || st.status === 'failed' || st.status === 'drifted') st.status = 'pending';
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

  /** True when every target is converged, failed terminally or (observe-only) drifted, and nothing is queued or running. */
  isSettled(): boolean {
    for (const q of Object.values(this.queues)) if (q.activeCount > 0 || q.length > 0) return false;
    for (const st of this.states.values()) if (st.status !== 'converged' && st.status !== 'failed' && st.status !== 'drifted') return false;
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
        this.log.error({ target: key, account: st?.target.account, err }, 'reconcile failed unexpectedly');
        if (st) st.status = 'retrying';
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
        // The target left the desired state during the pass: no backoff or requeue survives it.
        if (st && this.states.get(key) !== st) queue.remove(key);
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
    if (this.states.get(key) !== st) return; // dropped from the desired state meanwhile
    // Stopped while the observation waited for its turn: nothing was learnt, the state stands.
    if (!outcome.ok && outcome.error.code === 'Aborted' && this.o.signal?.aborted) return;
    if (!outcome.ok) {
      const f = failureOf(key, outcome.error.operation, key, outcome.error);
      if (outcome.error.kind === 'terminal') {
        st.terminal.set(key, f);
        st.status = 'failed';
        this.log.warn({ target: key, account: target.account, operation: f.operation, code: f.code, requestId: f.requestId }, 'cannot observe target');
      } else {
        st.retrying = [f];
        st.status = 'retrying';
        const delay = this.requeueAfterFailure(key, [f]);
        this.log.info({ target: key, account: target.account, code: f.code, retryInMs: delay }, 'observation failed, will retry');
      }
      return;
    }
    st.observed = true;
    const observed: ObservedState = new Map([[key, outcome.observed]]);
    let tp = this.planFor(st, observed);
    if (tp.type === 'workspaces') for (const f of tp.failed) st.terminal.set(f.item, { target: key, operation: 'DeployWorkspaceApplications', requestId: undefined, ...f });
    // Drift is measured on the whole plan, before any removal is held.
    this.setDrift(st, driftOf(tp, outcome.observed, st.terminal));
    if (this.o.observeOnly) {
      this.observeOnlyPass(st, tp);
      return;
    }

    // Removals that must not be made at all in this pass: plan again without them, so that
    // nothing is deployed on their account either.
    const removals = removalsOf(tp);
    let reserved = 0;
    let held: HeldRemovals | undefined;
    if (removals.length > 0) {
      held = this.holdBeforePass(st, removals);
      if (held) tp = this.planFor(st, observed, new Set(removals));
      else this.budget.reserved += reserved = removals.length;
    }
    st.lastPlan = tp;

    try {
      if (!hasChanges(tp)) {
        st.retrying = [];
        this.setHeld(st, held);
        st.inFlight = tp.type === 'workspaces' ? tp.wait.length : 0;
        if (tp.type === 'workspaces' && tp.wait.length > 0) {
          st.status = 'waiting';
          queue.addAfter(key, this.pollIntervalMs);
        } else {
          st.status = failedTerminally(st) || held ? 'failed' : 'converged';
          queue.forget(key);
        }
        if (st.status === 'converged') this.setDrift(st, undefined);
        return;
      }
      if (this.o.signal?.aborted) return;

      const retrying: Failure[] = [];
      const ex = await this.execute(st, tp, retrying);
      held ??= ex.held;
      this.setHeld(st, held);
      st.minSeq = this.observer.mark();
      st.retrying = retrying;
      if (this.states.get(key) !== st) return; // dropped from the desired state meanwhile
      st.inFlight = tp.type === 'workspaces' ? tp.wait.length + ex.deployed : 0;
      if (retrying.length > 0) {
        st.status = 'retrying';
        const delay = this.requeueAfterFailure(key, retrying);
        this.log.info({ target: key, account: target.account, failures: retrying.length, retryInMs: delay }, 'retryable failures, will retry');
      } else if (tp.type === 'workspaces' && (ex.deployed > 0 || tp.wait.length > 0)) {
        st.status = 'waiting';
        if (tp.retry.length > 0) queue.addRateLimited(key); // Force redeploys back off
        else {
          queue.forget(key);
          queue.addAfter(key, this.pollIntervalMs);
        }
      } else {
        st.status = failedTerminally(st) || held ? 'failed' : 'converged';
        queue.forget(key);
      }
      // Everything planned was done: what the pass started from is no longer drift.
      if (st.status === 'converged') this.setDrift(st, undefined);
    } finally {
      this.budget.reserved -= reserved;
    }
  }

  /**
   * Observe-only: the plan is kept (for reports and metrics) and nothing is executed, held or
   * polled; the next look is the next resync.
   */
  private observeOnlyPass(st: TargetState, tp: TargetPlan): void {
    st.lastPlan = tp;
    st.retrying = [];
    this.setHeld(st, undefined);
    st.inFlight = tp.type === 'workspaces' ? tp.wait.length : 0;
    st.status = failedTerminally(st) ? 'failed' : driftTotal(st.drift) > 0 ? 'drifted' : 'converged';
    this.queueOf(st.target).forget(st.target.key);
  }

  /**
   * Record a target's drift; its start and end are logged once each, not on every pass (at info
   * in observe-only, where drift is the output; at debug otherwise, where the pass that finds
   * drift normally corrects it at once).
   */
  private setDrift(st: TargetState, drift: DriftCounts | undefined, reason?: string): void {
    const was = driftTotal(st.drift) > 0;
    const is = driftTotal(drift) > 0;
    st.drift = is ? drift : undefined;
    if (was === is) return;
    const level = this.o.observeOnly ? 'info' : 'debug';
    const documents = st.target.documents.map((d) => d.name);
    if (is) {
      st.driftSince = this.clock.now();
      this.log[level]({ target: st.target.key, account: st.target.account, documents, ...drift }, 'drift started');
    } else {
      const sinceMs = this.clock.now() - (st.driftSince ?? this.clock.now());
      st.driftSince = undefined;
      this.log[level]({ target: st.target.key, account: st.target.account, documents, driftedForMs: sinceMs, ...(reason ? { reason } : {}) }, 'drift ended');
    }
  }

  /** A plan restricted to the allow-list, if there is one: what the run's guard checks. */
  restrict(p: Plan): Plan {
    return restrictPlan(p, this.o.allow);
  }

  /**
   * The pass's plan: the planner's, restricted to the allow-list when there is one. Every call a
   * pass makes comes from a plan made here, so no retry or requeue can go around the restriction.
   */
  private planFor(st: TargetState, observed: ObservedState, alsoExcluded?: ReadonlySet<string>): TargetPlan {
    const ex: Exclusions = alsoExcluded ? { has: (item) => st.terminal.has(item) || alsoExcluded.has(item) } : st.terminal;
    const tp = st.target.type === 'connect' ? planConnect(st.target, observed, ex) : planWorkSpace(st.target, observed, ex);
    if (!this.o.allow) return tp;
    const r = restrictTarget(tp, this.o.allow.get(st.target.key), observed.get(st.target.key));
    // The second planFor of a pass (removals held) leaves out only allowed removals: same outside.
    if (!alsoExcluded) st.outsidePlan = r.outside;
    if (r.blockedDeploy && st.target.type === 'workspaces') {
      // Failed for good in this run: later passes plan no deploy for the WorkSpace at all.
      const message = `the reviewed deploy would also carry out changes the plan did not review: ${r.blockedDeploy.join(', ')}; make and review a new plan`;
      st.terminal.set(st.target.workspaceId, { target: st.target.key, item: st.target.workspaceId, operation: 'DeployWorkspaceApplications', code: 'OutsidePlan', message, terminal: true });
      this.log.warn({ target: st.target.key, pending: r.blockedDeploy }, 'deploy not made: it would carry unreviewed changes');
    }
    return r.plan;
  }

  /** Why the pass must make none of the target's planned removals, if it must not. */
  private holdBeforePass(st: TargetState, removals: string[]): HeldRemovals | undefined {
    const t = st.target;
    const fromDesired = desiredHold(t);
    if (fromDesired === 'names-unresolved') {
      const u = t.unresolved![0]!;
      return held('names-unresolved', removals, `${u.item} could not be resolved (${u.code}); its removals wait until every name resolves (it may have been meant for one of them)`);
    }
    if (fromDesired === 'empty-desired') {
      return held('empty-desired', removals, `prune: true with an empty desired set would remove all ${removals.length} associations of this target; set allowEmpty: true in its document if that is intended`);
    }
    const failedItem = [...t.desired.keys()].find((item) => st.terminal.has(item));
    if (failedItem !== undefined) {
      return held('associations-failed', removals, `an association of this target failed (${failedItem}: ${st.terminal.get(failedItem)!.code}); its removals wait until every association succeeds (make before break)`);
    }
    const max = this.o.maxPrune ?? Infinity;
    const used = this.budget.made + this.budget.reserved;
    if (used + removals.length > max) {
      return held('max-prune', removals, `removing ${removals.length} associations would take this run's removals to ${used + removals.length}, more than --max-prune ${max}; check the desired state with 'plan', then raise --max-prune if the removals are intended`);
    }
    return undefined;
  }

  private setHeld(st: TargetState, h: HeldRemovals | undefined): void {
    const before = st.held;
    st.held = h;
    if (h && (before?.reason !== h.reason || before.count !== h.count)) {
      this.log.warn({ target: st.target.key, account: st.target.account, reason: h.reason, removals: h.count, sample: h.sample }, `removals held: ${h.message}`);
    } else if (!h && before) {
      this.log.info({ target: st.target.key, account: st.target.account }, 'removals no longer held');
    }
  }

  /**
   * Requeue after retryable failures; throttling alone backs off at most throttledBackoffMaxMs;
   * a busy resource alone (a deployment in flight) is tried again at the poll interval, as an
   * in-flight state is: it is not failing, and a growing backoff would only delay its turn.
   */
  private requeueAfterFailure(key: string, failures: Failure[]): number {
    const queue = this.queues[key.startsWith('connect/') ? 'connect' : 'workspaces'];
    if (failures.length > 0 && failures.every((f) => f.busy)) {
      queue.addAfter(key, this.pollIntervalMs);
      return this.pollIntervalMs;
    }
    const onlyThrottled = failures.length > 0 && failures.every((f) => f.throttled);
    return queue.addRateLimited(key, onlyThrottled ? (this.o.throttledBackoffMaxMs ?? 5000) : undefined);
  }

  private async execute(st: TargetState, tp: TargetPlan, retrying: Failure[]): Promise<{ held?: HeldRemovals; deployed: number }> {
    const key = st.target.key;
    const generation = st.generation;
    // Asked again at the moment each removal is sent: the desired state must not have changed.
    const stillWanted = () => this.states.get(key) === st && st.generation === generation;
    const failedAssociations: string[] = [];
    const notDone = new Set<string>();
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
          notDone.add(item);
        }
        if (action.type === 'associate') failedAssociations.push(...items);
        this.log.warn(
          { target: key, account: st.target.account, operation, code: err.code, requestId: err.requestId, attempt: this.queueOf(st.target).numRequeues(key) + 1, sdkAttempts: err.attempts, terminal: err.kind === 'terminal' },
          'AWS call failed',
        );
        return;
      }
      const counter = action.type;
      st.done[counter] += action.type === 'deploy' ? 1 : result.done.length;
      if (action.type !== 'deploy') for (const item of result.done) st.made[action.type].add(item);
      for (const item of result.skipped ?? []) notDone.add(item);
      if (result.skipped?.length) {
        this.log.info({ target: key, account: st.target.account, operation, skipped: result.skipped.length }, 'removals not sent: the desired state changed since they were planned');
      }
      for (const f of result.failed) {
        const failure: Failure = { target: key, operation, ...f, throttled: f.code === '429' };
        if (f.terminal) st.terminal.set(f.item, failure);
        else retrying.push(failure);
        notDone.add(f.item);
        if (action.type === 'associate') failedAssociations.push(f.item);
      }
      if (result.failed.length > 0) {
        this.log.warn(
          { target: key, account: st.target.account, operation, requestId: result.requestId, attempt: this.queueOf(st.target).numRequeues(key) + 1, failed: result.failed.length, codes: [...new Set(result.failed.map((f) => f.code))] },
          'some items failed',
        );
      }
    };
    // Make before break: every association is made before any is removed, and if any of them
    // failed, none is removed (swapping a routing profile for a mistyped one must never leave the
    // workspace with neither).
    const holdIfFailed = (removals: string[]): HeldRemovals | undefined => {
      if (failedAssociations.length === 0 || removals.length === 0) return undefined;
      for (const r of removals) notDone.add(r);
      return held('associations-failed', removals, `${failedAssociations.length} association(s) of this target failed in this pass (first: ${failedAssociations[0]}); its removals wait until every association succeeds (make before break)`);
    };

    if (tp.type === 'connect') {
      const t = tp.target;
      await Promise.all(tp.associate.map((items) => run({ type: 'associate', target: t, items }, 'AssociateWorkspace', items)));
      if (this.o.signal?.aborted) return { deployed: 0 };
      const h = holdIfFailed(tp.disassociate.flat());
      if (h) return { held: h, deployed: 0 };
      await Promise.all(tp.disassociate.map((items) => run({ type: 'disassociate', target: t, items, stillWanted }, 'DisassociateWorkspace', items)));
      return { deployed: 0 };
    }
    const t = tp.target;
    await Promise.all(tp.associate.map((id) => run({ type: 'associate', target: t, items: [id] }, 'AssociateWorkspaceApplication', [id])));
    if (this.o.signal?.aborted) return { deployed: 0 };
    const h = holdIfFailed(tp.disassociate);
    if (!h) {
      await Promise.all(tp.disassociate.map((id) => run({ type: 'disassociate', target: t, items: [id], stillWanted }, 'DisassociateWorkspaceApplication', [id])));
    }
    // Deploy only what is still pending: not for an association that failed or a removal that was held.
    const carried = tp.deployFor.filter((id) => !notDone.has(id));
    if (tp.deploy && carried.length > 0 && !this.o.signal?.aborted) {
      await run({ type: 'deploy', target: t, force: tp.deploy.force }, 'DeployWorkspaceApplications', [t.workspaceId]);
      return { held: h, deployed: notDone.has(t.workspaceId) ? 0 : carried.length };
    }
    return { held: h, deployed: 0 };
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

/** True when two versions of a target want the same items with the same prune and allowEmpty settings. */
export function sameDesired(a: Target | undefined, b: Target): boolean {
  if (!a) return false;
  const unresolved = (t: Target) => (t.unresolved ?? []).map((u) => u.item).sort();
  return a.prune === b.prune && Boolean(a.allowEmpty) === Boolean(b.allowEmpty) && equal([...a.desired.keys()].sort(), [...b.desired.keys()].sort()) && equal(unresolved(a), unresolved(b));
}

/** Something of the target failed for good: an item, or a name that did not resolve. */
function failedTerminally(st: TargetState): boolean {
  return st.terminal.size > 0 || (st.target.unresolved?.length ?? 0) > 0;
}

function failureOf(target: string, operation: string, item: string, err: AwsCallError): Failure {
  return { target, item, operation, code: err.code, message: err.awsMessage, terminal: err.kind === 'terminal', requestId: err.requestId, throttled: err.kind === 'throttled', ...(isBusy(err) ? { busy: true } : {}) };
}

/** prune: true with nothing desired removes nothing unless the document says allowEmpty (plan shows it too). */
export function refusesEmptyPrune(t: Target): boolean {
  return t.prune && t.desired.size === 0 && !t.allowEmpty;
}

/**
 * Why the desired state alone holds every removal of the target, whatever AWS answers: the one
 * rule the reconciler enforces and plan predicts. A name that did not resolve comes first: a set
 * left empty by a typo is the typo's fault, and allowEmpty would not lift it.
 */
export function desiredHold(t: Target): 'names-unresolved' | 'empty-desired' | undefined {
  if ((t.unresolved?.length ?? 0) > 0) return 'names-unresolved';
  if (refusesEmptyPrune(t)) return 'empty-desired';
  return undefined;
}

/** Every item the plan would remove. */
export function removalsOf(tp: TargetPlan): string[] {
  return tp.type === 'connect' ? tp.disassociate.flat() : [...tp.disassociate];
}

function held(reason: HoldReason, removals: string[], message: string): HeldRemovals {
  return { reason, count: removals.length, sample: removals.slice(0, 5), message };
}

export type { ItemFailure };
