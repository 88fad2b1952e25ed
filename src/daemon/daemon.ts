/**
 * The daemon: one long-lived Reconciler fed by reloads of the desired state.
 *
 * Reloads happen at start, on a change to the files (debounced), on SIGHUP and on every resync
 * (every `intervalMs`, jittered, which also re-observes every target). A reload is enforced
 * only when it is safe to:
 *
 *   the new desired state                        │ what the daemon does
 *   ─────────────────────────────────────────────┼───────────────────────────────────────────────
 *   invalid (any problem in any file)            │ reports it, keeps enforcing the last valid one
 *   no documents (and no --allow-empty)          │ refused, keeps the last valid one
 *   a file of the last valid state is gone       │ waits: enforced only if the next reload (a
 *                                                │ moment later) still lacks it — a checkout in
 *                                                │ progress never prunes anything
 *   would remove more than --max-prune           │ refused, keeps the last valid one
 *   otherwise                                    │ enforced: new and changed targets are queued
 *
 * Removals found later (drift on a resync: associations added by hand to a prune target) are
 * held by the Reconciler's removal budget, the same one apply uses: a resync window whose
 * removals would exceed --max-prune makes none of them, logs it once, and exposes the count as
 * workspace_reconciler_removals_held until the desired state changes or --max-prune is raised.
 *
 * Meanwhile the work queue keeps requeueing failures and in-flight WorkSpaces states.
 *
 * With several replicas (`ownership`), every replica loads, resolves and guards the whole desired
 * state (so all agree on --max-prune), and the reconciler gets only the targets of the shards this
 * replica holds; gaining or losing a shard changes that set at once.
 */
import type { Logger } from 'pino';
import { shardOf, shardsOf } from '../coordination/shard.js';
import type { ShardOwnership } from '../coordination/shard.js';
import { formatProblem, loadDesiredState } from '../config/index.js';
import type { DesiredState, Target } from '../config/types.js';
import { readGitRevision } from '../ops/gitrev.js';
import type { Provider } from '../providers/types.js';
import type { Clock, Timer } from '../reconciler/clock.js';
import { driftTotal } from '../reconciler/drift.js';
import { plan } from '../reconciler/plan.js';
import { Reconciler, sameDesired } from '../reconciler/reconciler.js';
import type { TargetStatus } from '../reconciler/reconciler.js';
import type { CallEvent } from '../reconciler/ratelimit.js';
import type { BackoffOptions } from '../reconciler/workqueue.js';
import type { Readiness } from './http.js';
import type { Metrics } from './metrics.js';
import type { ResolveResult } from '../resolve/index.js';
import { watchPaths } from './watch.js';
import type { Watcher } from './watch.js';

export interface DaemonOptions {
  paths: string[];
  /** Region for documents without spec.region. */
  defaultRegion?: string;
  providers: { connect: Provider; workspaces: Provider };
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Full resync period, ms, jittered ±10 %. Default 300000 (5 min). */
  intervalMs?: number;
  /** Quiet time after the last file event before reloading, ms. Default 1000. */
  debounceMs?: number;
  /** Requeue delay while WorkSpaces pairs are in flight, ms. Default 5000. */
  pollIntervalMs?: number;
  backoff?: BackoffOptions;
  /** Refuse a desired state whose removals exceed this. Default 100. */
  maxPrune?: number;
  /** Accept a desired state with no documents. Default false. */
  allowEmpty?: boolean;
  /** Watch the files. Default true. */
  watch?: boolean;
  /** Shared with the rate limiter: aborted on shutdown so queued calls are dropped. */
  signal: AbortSignal;
  /** Names and selectors → targets (resolveDesired over the runtime's look-ups). Without it, a desired state that needs resolution is refused. */
  resolve?: (state: DesiredState) => Promise<ResolveResult>;
  /**
   * Called once, with the first desired state that passes validation, before the daemon observes
   * or changes anything in AWS: the run command takes the overlap lock on its targets here. When
   * it rejects, start() rejects with that error and nothing is started. Default none.
   */
  beforeFirstUse?: (state: DesiredState) => Promise<void>;
  random?: () => number;
  /**
   * A drift detector (`run --observe-only`): every pass observes and plans, reports drift and
   * changes nothing. The --max-prune check of a new desired state is skipped (nothing is removed);
   * give the rate limiter observe-only too, so a mutating call is refused where it would be made.
   * Default false.
   */
  observeOnly?: boolean;
  /**
   * Several replicas (--lease-table): the daemon tells it the shards of the desired state and
   * reconciles only the targets of the shards this replica holds; a shard gained queues its
   * targets, a shard lost drops them. Default none: every target is this process's.
   */
  ownership?: ShardOwnership;
}

export type ReloadResult = 'applied' | 'unchanged' | 'invalid' | 'refused';

export class Daemon {
  readonly reconciler: Reconciler;
  /** The desired state in force and its targets (resolved from its names and selectors). */
  private current?: { state: DesiredState; targets: Target[]; revision?: string };
  private resolveTimer?: Timer;
  private pendingLoss?: string;
  private lastWarnings?: string;
  private reloading?: Promise<ReloadResult>;
  private reloadAgain = false;
  private watcher?: Watcher;
  private resyncTimer?: Timer;
  private confirmTimer?: Timer;
  private firstPassDone = false;
  /** Services/regions whose last call failed as retryable (network error, 5xx): `connect us-east-1`. */
  private readonly unreachable = new Set<string>();
  private stopped = false;
  private admitted = false;
  private startFailure?: { error: unknown };
  private readonly random: () => number;
  private readonly log: Logger;

  constructor(private readonly o: DaemonOptions) {
    this.random = o.random ?? Math.random;
    this.log = o.logger;
    this.reconciler = new Reconciler({
      providers: o.providers,
      clock: o.clock,
      pollIntervalMs: o.pollIntervalMs,
      backoff: o.backoff,
      // The one removal budget: drift found on a resync is held by it as a changed file is.
      maxPrune: o.maxPrune ?? 100,
      signal: o.signal,
      logger: o.logger,
      random: o.random,
      observeOnly: o.observeOnly,
      onPass: (e) => this.onPass(e),
    });
    o.metrics.attach(this.reconciler);
    o.ownership?.subscribe(() => this.applyOwnership());
  }

  /**
   * Load the desired state and start reconciling. Returns false when the first load is not
   * usable; rejects with beforeFirstUse's error when that rejects. When stop() is called
   * meanwhile, nothing is started.
   */
  async start(): Promise<boolean> {
    const first = await this.reload('start');
    const usable = first === 'applied' || first === 'unchanged';
    if (this.startFailure) {
      this.confirmTimer?.cancel();
      throw this.startFailure.error;
    }
    if (!usable || this.stopped) {
      // Not starting (or stopped meanwhile): a retry the refusal scheduled must not reload (and
      // call AWS) later on, and nothing may start after stop().
      this.stopped = true;
      this.confirmTimer?.cancel();
      return usable;
    }
    this.reconciler.start();
    // An empty desired state (--allow-empty) has no pass to wait for: the first reconcile is done.
    this.checkFirstPass();
    if (this.o.watch ?? true) {
      this.watcher = await watchPaths(this.o.paths, {
        debounceMs: this.o.debounceMs ?? 1000,
        clock: this.o.clock,
        onChange: () => void this.reload('file change'),
        onError: (err) => this.log.warn({ err: err.message }, 'file watch failed; changes are picked up on SIGHUP and every resync'),
      });
    }
    this.scheduleResync();
    return true;
  }

  /** Reload the files and re-observe every target (SIGHUP, and every interval). */
  async resync(reason: string): Promise<void> {
    await this.reload(reason);
    if (this.stopped) return;
    this.log.info({ reason }, 'full resync');
    this.reconciler.resync();
  }

  /** Reloads never overlap; asking during one runs one more afterwards. */
  reload(reason: string): Promise<ReloadResult> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    const run = async (): Promise<ReloadResult> => {
      let result: ReloadResult;
      do {
        this.reloadAgain = false;
        result = await this.loadOnce(reason);
        // Editors and git replace files (a new inode each time) and node's recursive watch on
        // Linux watches files one by one: watch the files as they are now.
        await this.watcher?.rearm().catch((err: Error) => this.log.warn({ err: err.message }, 'file watch failed'));
      } while (this.reloadAgain && !this.stopped);
      return result;
    };
    this.reloading = run().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  readiness(): Readiness {
    if (!this.current) return { ready: false, reason: 'no valid desired state loaded yet' };
    if (!this.firstPassDone) return { ready: false, reason: 'first reconcile not finished' };
    if (this.unreachable.size > 0) return { ready: false, reason: `AWS is not answering (timeouts, network errors or 5xx): ${[...this.unreachable].sort().join(', ')}` };
    const at = this.current.revision ? ` at ${this.current.revision.slice(0, 12)}` : '';
    // Drift is what observe-only reports, not a reason to take it out of service.
    if (this.o.observeOnly) return { ready: true, reason: `observing ${this.current.targets.length} targets${at} (observe-only), ${this.driftingTargets()} drifting` };
    const enforcing = this.o.ownership ? `${this.owned(this.current.targets).length} of ${this.current.targets.length}` : `${this.current.targets.length}`;
    return { ready: true, reason: `enforcing ${enforcing} targets${at}` };
  }

  private driftingTargets(): number {
    let n = 0;
    for (const st of this.reconciler.targetStates()) if (driftTotal(st.drift) > 0) n++;
    return n;
  }

  get revision(): string | undefined {
    return this.current?.revision;
  }

  /**
   * Feed AWS call outcomes in (reachability for /readyz), per service and region, so that one
   * endpoint's answers do not hide another's outage. Readiness changing is logged once each way,
   * at warn when AWS stops answering: single retries are routine, an outage is not.
   */
  onCall(e: CallEvent): void {
    // A timeout, a reset or a 5xx is "not answering"; throttling, a busy resource (ResourceInUse,
    // Conflict) and a terminal error are answers.
    const answered = e.outcome === 'success' || e.outcome === 'throttled' || e.outcome === 'busy' || e.outcome === 'terminal';
    if (!answered && e.outcome !== 'retryable') return;
    const where = `${e.service} ${e.region}`;
    const wasReachable = this.unreachable.size === 0;
    if (answered) this.unreachable.delete(where);
    else this.unreachable.add(where);
    const reachable = this.unreachable.size === 0;
    if (reachable === wasReachable) return;
    const fields = { service: e.service, region: e.region, operation: e.operation };
    if (reachable) this.log.info(fields, 'AWS answering again');
    else this.log.warn({ ...fields, code: e.errorCode }, 'AWS is not answering');
  }

  /**
   * Stop taking new work and wait for the calls in flight, at most `timeoutMs`. Returns whether
   * everything in flight finished in time.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopped = true;
    this.watcher?.close();
    this.resyncTimer?.cancel();
    this.resolveTimer?.cancel();
    this.confirmTimer?.cancel();
    let timer: Timer | undefined;
    const drained = await Promise.race([
      this.reconciler.stop().then(() => true),
      new Promise<boolean>((resolve) => (timer = this.o.clock.setTimer(timeoutMs, () => resolve(false)))),
    ]);
    timer?.cancel();
    return drained;
  }

  private async loadOnce(reason: string): Promise<ReloadResult> {
    const r = await loadDesiredState(this.o.paths, { defaultRegion: this.o.defaultRegion }).catch((err: unknown) => err as Error);
    if (r instanceof Error) return this.keep('invalid', reason, r.message);
    // Warnings are logged when they change, not on every resync (the same skipped file every 5 minutes is noise).
    const warnings = r.warnings.map(formatProblem);
    if (warnings.join('\n') !== this.lastWarnings) for (const w of warnings) this.log.warn({ problem: w }, 'desired state warning');
    this.lastWarnings = warnings.join('\n');
    if (!r.state || r.errors.length > 0) {
      for (const p of r.errors) this.log.error({ problem: formatProblem(p) }, 'desired state invalid');
      const n = r.errors.length;
      return this.keep('invalid', reason, `${n} ${n === 1 ? 'problem' : 'problems'} in the desired state`);
    }
    const state = r.state;
    if (state.documentCount === 0 && !this.o.allowEmpty) return this.keep('refused', reason, 'the desired state has no documents (use --allow-empty to accept that)');
    const noRegion = state.intents.find((t) => t.region === undefined);
    if (noRegion) return this.keep('refused', reason, `${noRegion.document.kind} '${noRegion.document.name}' has no region: set spec.region or --region`);
    if (!this.admitted) {
      try {
        await this.o.beforeFirstUse?.(state);
      } catch (error) {
        // start() rethrows it; nothing else may load (or reach AWS) after this.
        this.startFailure = { error };
        this.stopped = true;
        return 'refused';
      }
      this.admitted = true;
    }

    const lost = this.current ? this.current.state.files.filter((f) => !state.files.includes(f)) : [];
    if (lost.length > 0) {
      const key = lost.join('\n');
      if (this.pendingLoss !== key) {
        this.pendingLoss = key;
        this.confirmTimer?.cancel();
        this.confirmTimer = this.o.clock.setTimer(Math.max(2000, this.o.debounceMs ?? 1000), () => void this.reload('confirm removed files'));
        return this.keep('refused', reason, `files disappeared (${lost.join(', ')}); enforcing the previous desired state until a reload confirms they are gone`);
      }
    }
    this.pendingLoss = undefined;

    const previous = new Map((this.current?.targets ?? []).map((t) => [t.key, t]));
    if (state.needsResolution && !this.o.resolve) return this.keep('refused', reason, 'the desired state names things by name or selector and this daemon has no resolver');
    const targets = await this.resolveTargets(state, previous);
    // Register every target before the guard observes, so its scans serve the first pass too.
    this.reconciler.observer.setTargets([...previous.values(), ...targets.filter((t) => !previous.has(t.key))]);
    const touched = targets.filter((t) => !sameDesired(previous.get(t.key), t));
    // Observe-only removes nothing: no guard to check (and no scan to make for it).
    const removals = this.o.observeOnly ? 0 : await this.countRemovals(touched);
    if (typeof removals === 'string') {
      // Never prune past the guard unchecked: try the whole reload again shortly.
      this.confirmTimer?.cancel();
      this.confirmTimer = this.o.clock.setTimer(5000, () => void this.reload('retry the --max-prune check'));
      return this.keep('refused', reason, `cannot check --max-prune: ${removals}`);
    }
    const maxPrune = this.o.maxPrune ?? 100;
    if (removals > maxPrune) return this.keep('refused', reason, `the new desired state removes ${removals} associations, more than --max-prune ${maxPrune}`);

    const revision = (await readGitRevision(this.o.paths[0]).catch(() => undefined))?.commit;
    this.o.ownership?.setShards(shardsOf(targets));
    const enforced = this.reconciler.setTargets(this.owned(targets));
    // With shards, what changed is the desired state's business, not which of it this replica holds.
    const keys = new Set(targets.map((t) => t.key));
    const changes = this.o.ownership
      ? {
          added: targets.filter((t) => !previous.has(t.key)).length,
          changed: touched.filter((t) => previous.has(t.key)).length,
          removed: [...previous.keys()].filter((k) => !keys.has(k)).length,
        }
      : enforced;
    this.current = { state, targets, revision };
    // An endpoint no target uses any more is never called again: it must not hold readiness down.
    const inUse = new Set(targets.map((t) => `${t.type} ${t.region}`));
    for (const where of this.unreachable) if (!inUse.has(where)) this.unreachable.delete(where);
    const result: ReloadResult = changes.added + changes.changed + changes.removed > 0 || !previous.size ? 'applied' : 'unchanged';
    this.o.metrics.onReload(result, { revision: revision ?? 'unknown', files: state.files.length, documents: state.documentCount, targets: targets.length });
    this.o.metrics.onResolved(targets);
    if (result === 'applied') {
      this.log.info({ reason, revision, files: state.files.length, targets: targets.length, ...changes, removals }, 'desired state applied');
    }
    return result;
  }

  /**
   * The targets of a desired state: resolved every reload (names and selectors follow AWS).
   * A target a transient look-up left unresolved is not enforced this time (nothing planned or
   * pruned on it) and resolution is tried again shortly; a name that does not exist is
   * reported on its target (its removals are held) or, for a workspace name, on its document.
   */
  private async resolveTargets(state: DesiredState, previous: Map<string, Target>): Promise<Target[]> {
    if (!state.needsResolution || !this.o.resolve) return state.targets;
    const res = await this.o.resolve(state);
    for (const f of res.failures) {
      const fields = { document: `${f.document.kind}/${f.document.name}`, at: `${f.at.file}:${f.at.line}:${f.at.col}`, operation: f.error.operation, code: f.error.code };
      if (f.error.kind === 'terminal') this.log.error({ ...fields, message: f.error.awsMessage }, 'cannot resolve a name of the desired state');
      else this.log.warn({ ...fields, message: f.error.awsMessage }, 'name resolution failed; those targets wait for the next try');
    }
    for (const c of res.conflicts) this.log.error({ target: c.key, documents: c.documents.map((d) => `${d.kind}/${d.name}`) }, c.message);
    if (res.failures.some((f) => f.error.kind !== 'terminal')) {
      this.resolveTimer?.cancel();
      this.resolveTimer = this.o.clock.setTimer(5000, () => void this.reload('retry name resolution'));
    }
    for (const t of res.targets) for (const u of t.unresolved ?? []) {
      if (!previous.get(t.key)?.unresolved?.some((p) => p.item === u.item)) this.log.error({ target: t.key, account: t.account, item: u.item, code: u.code, at: `${u.at.file}:${u.at.line}:${u.at.col}` }, u.message);
    }
    return res.targets;
  }

  private keep(result: 'invalid' | 'refused', reason: string, why: string): ReloadResult {
    this.o.metrics.onReload(result);
    this.log.error({ reason, why, revision: this.current?.revision, enforcing: this.current ? 'previous desired state' : 'nothing yet' }, 'desired state not applied');
    return result;
  }

  /**
   * How many associations the touched targets would lose, from a fresh observation; or why that
   * cannot be known (a pruning target could not be observed). The same count as apply's guard.
   */
  /** The targets this replica reconciles: all of them, or with shards, those of the shards it holds. */
  private owned(targets: Target[]): Target[] {
    const o = this.o.ownership;
    return o ? targets.filter((t) => o.owns(shardOf(t))) : targets;
  }

  /** Shards gained or lost: the reconciler gets the targets of the shards held now (new ones are queued, dropped ones never touched again). */
  private applyOwnership(): void {
    if (!this.current || this.stopped) return;
    this.reconciler.setTargets(this.owned(this.current.targets));
    this.checkFirstPass();
  }

  private async countRemovals(targets: Target[]): Promise<number | string> {
    const pruning = targets.filter((t) => t.prune);
    const obs = this.reconciler.observer;
    const { observed, errors } = await obs.observeAll(pruning, obs.mark());
    const first = errors[0];
    if (first) return `${first.target.key} could not be observed (${first.error.code}: ${first.error.awsMessage})`;
    return plan(pruning, observed).summary.disassociate;
  }

  private onPass(e: { key: string; type: Target['type']; status: TargetStatus; durationMs: number; error?: boolean }): void {
    this.o.metrics.onPass(e, this.o.clock.now());
    this.checkFirstPass();
  }

  private checkFirstPass(): void {
    if (this.firstPassDone) return;
    for (const st of this.reconciler.targetStates()) if (st.status === 'pending') return;
    this.firstPassDone = true;
    this.log.info({}, 'first reconcile finished');
  }

  private scheduleResync(): void {
    if (this.stopped) return;
    const base = this.o.intervalMs ?? 300_000;
    const ms = base * (0.9 + 0.2 * this.random());
    this.resyncTimer = this.o.clock.setTimer(ms, () => {
      void this.resync('interval').finally(() => this.scheduleResync());
    });
  }
}

