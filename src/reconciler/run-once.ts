/**
 * One bounded reconcile run (`apply`), beside the daemon's long-lived loop: the same Reconciler,
 * the same removal budget, started once and stopped when everything settled or the deadline came.
 * (external-dns keeps RunOnce and Run together in the same way.)
 *
 *   1. Observe every target for the guard, retrying transient failures (5xx, resets, timeouts,
 *      throttling) with backoff until the deadline; only failures that no retry can fix (refused
 *      credentials, access denied, an endpoint that cannot be reached at all) end it early.
 *   2. Refuse (GuardRefusal: nothing changed) when every target is unobservable, when a prune
 *      target could not be observed, or when the plan removes more than maxPrune.
 *   3. Reconcile until settled, interrupted or the deadline; the Reconciler enforces the same
 *      maxPrune on removals it finds later (drift during the run), holding them.
 *   4. Stop, waiting for calls in flight at most `shutdownGraceMs`: the whole run is bounded by
 *      the deadline plus that grace, whatever AWS does.
 */
import type { Target } from '../model/desired.js';
import type { AwsCallError } from '../providers/errors.js';
import type { ResolveResult } from '../resolve/index.js';
import { sleep, systemClock } from './clock.js';
import type { Clock, Timer } from './clock.js';
import type { ObserveError } from './observer.js';
import { plan } from './plan.js';
import type { Reconciler } from './reconciler.js';
import type { ObservedState, Plan } from './types.js';

/** Nothing was changed: the run was refused before any mutating call. */
export class GuardRefusal extends Error {
  override name = 'GuardRefusal';
  constructor(
    message: string,
    /** Codes of the AWS errors behind the refusal, for hints. */
    readonly codes: string[] = [],
  ) {
    super(message);
  }
}

export interface RunOnceOptions {
  reconciler: Reconciler;
  /** The targets, or (with `resolve`) what to use when resolution is not needed. */
  targets: readonly Target[];
  /**
   * Names and selectors → targets, first of all; transient failures are retried with backoff
   * within the deadline, like the first observation. Default: `targets` as given.
   */
  resolve?: () => Promise<ResolveResult>;
  maxPrune: number;
  /** The whole run, first observation included. */
  timeoutMs: number;
  /** After the deadline (or an interruption), how long calls in flight may take to finish. Default 10000. */
  shutdownGraceMs?: number;
  /** Aborted on interruption (SIGINT/SIGTERM): no new work; the run ends as interrupted. */
  signal: AbortSignal;
  /** Aborted by runOnce at the deadline (share it with the rate limiter so queued calls drop). */
  deadline: AbortController;
  clock?: Clock;
  /** First retry delay of a transient observation failure, ms (doubling, at most 5 s). Default 250. */
  observeRetryMs?: number;
  /** Called once the guard passed, before the first mutating call. */
  onPlanned?: (guard: Plan, unobserved: ObserveError[]) => void | Promise<void>;
}

export interface RunOnceResult {
  /** What resolution found, when `resolve` was given and finished. */
  resolution?: ResolveResult;
  timedOut: boolean;
  interrupted: boolean;
  /** Calls still in flight when the grace ran out (their outcome is unknown). */
  abandoned: boolean;
}

/** After the deadline, how long the guard's read-only observation may take to report. */
const OBSERVE_GRACE_MS = 2000;

/** Errors that no retry within one run can fix: fail fast instead of waiting for the deadline. */
const FATAL_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CredentialsProviderError']);

/** The codes resolution gives a name AWS answered about: it does not exist, or is not unique. */
const NAME_CODES = new Set(['NameNotFound', 'NameAmbiguous']);

export function isFatal(e: AwsCallError): boolean {
  return e.kind === 'terminal' || FATAL_CODES.has(e.code);
}

export async function runOnce(o: RunOnceOptions): Promise<RunOnceResult> {
  const clock = o.clock ?? systemClock;
  const r = o.reconciler;
  const ended = endOf(o, clock);
  const graceStop = new AbortController();
  try {
    // 1. The guard's observation, bounded by the deadline like everything else.
    // The guard's observation stops retrying at the deadline or on interruption. It only reads,
    // so nothing needs draining: it gets a moment to report why it failed (a deadline that falls
    // mid-backoff still refuses with the reason), and a call that hangs is simply left behind.
    const graceAfterEnd = ended.promise.then(() => sleep(clock, OBSERVE_GRACE_MS, graceStop.signal).then(() => 'ended' as const, () => 'ended' as const));
    // 0. Names and selectors → targets (read-only, like the observation after it).
    let targets = o.targets;
    let resolution: ResolveResult | undefined;
    if (o.resolve) {
      const r = await Promise.race([resolveWithRetry(o, o.resolve, clock), graceAfterEnd]);
      if (r === 'ended') return await finish(o, clock, ended, false, []);
      resolution = r;
      targets = r.targets;
      // AWS could not be asked (no credentials, an endpoint that refuses) or refused the look-up
      // itself: fatal, like an observation that fails so. A name AWS answered does not exist is a
      // failure of that document, reported as such.
      const fatal = r.failures.filter((f) => isFatal(f.error) && !NAME_CODES.has(f.error.code));
      if (fatal.length > 0 && targets.length === 0) {
        const e = fatal[0]!.error;
        throw new GuardRefusal(`cannot resolve the names of the desired state (first: ${e.operation}: ${e.code}: ${e.awsMessage}). Nothing was changed.`, fatal.map((f) => f.error.code));
      }
    }
    const withResolution = (res: RunOnceResult): RunOnceResult => (resolution ? { ...res, resolution } : res);
    r.observer.setTargets(targets);
    const first = await Promise.race([observeForGuard({ ...o, targets }, clock), graceAfterEnd]);
    if (first === 'ended') return withResolution(await finish(o, clock, ended, false, targets));
    const { observed, errors } = first;
    // 2. Refusals: nothing has been changed yet.
    if (errors.length > 0 && errors.length === targets.length && errors.every((e) => isFatal(e.error))) {
      const e = errors[0]!;
      throw new GuardRefusal(
        `cannot observe any of the ${count(targets.length, 'target')} (first: ${e.target.key}: ${e.error.operation}: ${e.error.code}: ${e.error.awsMessage}). Nothing was changed.`,
        errors.map((x) => x.error.code),
      );
    }
    // A prune target the guard could not observe would be pruned later without ever being
    // counted against --max-prune.
    // (A terminal answer, e.g. a WorkSpace that does not exist, leaves nothing to prune there.)
    const unchecked = errors.filter((e) => e.target.prune && e.error.kind !== 'terminal');
    if (unchecked.length > 0) {
      const e = unchecked[0]!;
      throw new GuardRefusal(
        `refusing to apply: cannot check --max-prune, ${count(unchecked.length, 'target')} with prune: true could not be observed ` +
          `(first: ${e.target.key}: ${e.error.operation}: ${e.error.code}: ${e.error.awsMessage}). Nothing was changed.`,
        unchecked.map((x) => x.error.code),
      );
    }
    // With a reviewed plan's allow-list, only its actions count (and are ever made).
    const guard = r.restrict(plan(targets.filter((t) => observed.has(t.key)), observed));
    if (guard.summary.disassociate > o.maxPrune) {
      throw new GuardRefusal(
        `refusing to apply: the plan removes ${guard.summary.disassociate} associations, more than --max-prune ${o.maxPrune}; ` +
          `check the desired state with 'plan', then raise --max-prune if the removals are intended. Nothing was changed.`,
      );
    }
    await o.onPlanned?.(guard, errors);
    // 3. Reconcile (the scans above serve the first pass).
    r.setTargets(targets);
    r.start();
    await Promise.race([r.whenSettled(), ended.promise]);
    return withResolution(await finish(o, clock, ended, true, targets));
  } finally {
    ended.cancel();
    graceStop.abort();
  }
}

async function finish(o: RunOnceOptions, clock: Clock, ended: ReturnType<typeof endOf>, started: boolean, targets: readonly Target[]): Promise<RunOnceResult> {
  const timedOut = ended.timedOut();
  const interrupted = o.signal.aborted;
  if (!o.deadline.signal.aborted) o.deadline.abort(new Error(interrupted ? 'interrupted' : 'finished'));
  if (!started) {
    // Registered (never started) so that the report lists every target as not observed.
    o.reconciler.setTargets(targets);
    await o.reconciler.stop();
    return { timedOut, interrupted, abandoned: false };
  }
  let timer: Timer | undefined;
  const drained = await Promise.race([
    o.reconciler.stop().then(() => true),
    new Promise<boolean>((resolve) => (timer = clock.setTimer(o.shutdownGraceMs ?? 10_000, () => resolve(false)))),
  ]);
  timer?.cancel();
  return { timedOut, interrupted, abandoned: !drained };
}

/** Resolves 'ended' at the deadline or on interruption. */
function endOf(o: RunOnceOptions, clock: Clock) {
  let timedOut = false;
  let timer: Timer | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<'ended'>((resolve) => {
    timer = clock.setTimer(o.timeoutMs, () => {
      timedOut = true;
      o.deadline.abort(new Error('timeout'));
      resolve('ended');
    });
    onAbort = () => resolve('ended');
    if (o.signal.aborted) resolve('ended');
    else o.signal.addEventListener('abort', onAbort, { once: true });
  });
  return {
    promise,
    timedOut: () => timedOut,
    cancel: () => {
      timer?.cancel();
      if (onAbort) o.signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Runs `attempt` until it says it is done, with backoff between attempts (first
 * observeRetryMs, doubling, at most 5 s), stopping at the deadline or on interruption: the one
 * retry loop of the read-only steps before anything is changed.
 */
async function withBackoff(o: RunOnceOptions, clock: Clock, attempt: () => Promise<boolean>): Promise<void> {
  let delay = o.observeRetryMs ?? 250;
  const stop = AbortSignal.any([o.signal, o.deadline.signal]);
  while (!(await attempt()) && !stop.aborted) {
    await sleep(clock, delay, stop).catch(() => undefined);
    if (stop.aborted) return;
    delay = Math.min(delay * 2, 5000);
  }
}

/** Resolve; retry while a look-up failed transiently (the caller bounds the time). */
async function resolveWithRetry(o: RunOnceOptions, resolve: () => Promise<ResolveResult>, clock: Clock): Promise<ResolveResult> {
  let r!: ResolveResult;
  await withBackoff(o, clock, async () => {
    r = await resolve();
    return !r.failures.some((f) => f.error.kind !== 'terminal' && !isFatal(f.error));
  });
  return r;
}

/** Observe every target; retry the transient failures with backoff (the caller bounds the time). */
async function observeForGuard(o: RunOnceOptions, clock: Clock): Promise<{ observed: ObservedState; errors: ObserveError[] }> {
  const observer = o.reconciler.observer;
  const observed: ObservedState = new Map();
  let pending = [...o.targets];
  const fatal: ObserveError[] = [];
  let transient: ObserveError[] = [];
  await withBackoff(o, clock, async () => {
    const res = await observer.observeAll(pending, observer.mark());
    for (const [k, v] of res.observed) observed.set(k, v);
    fatal.push(...res.errors.filter((e) => isFatal(e.error)));
    transient = res.errors.filter((e) => !isFatal(e.error));
    pending = transient.map((e) => e.target);
    return transient.length === 0;
  });
  const errors = [...fatal, ...transient].sort((a, b) => (a.target.key < b.target.key ? -1 : 1));
  return { observed, errors };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
