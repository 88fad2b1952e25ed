/**
 * Observation with as few calls as the API allows, without ever acting on a stale view.
 *
 * Targets that one provider call observes together form a group (all workspaces of a Connect
 * instance share one paginated scan). Workers ask for one target at a time; the observer
 * answers from one scan per group:
 *
 * - Every scan is stamped with a sequence number taken when it starts. A worker asks for an
 *   observation newer than `minSeq` — the sequence at which its target last changed (its own
 *   mutations, or the start of a pass). Any scan that started later than that is fresh enough,
 *   so the last finished scan is reused, a running one is joined, and otherwise the worker waits
 *   for the next scan of the group, which every worker that asks meanwhile shares.
 * - A scan is asked for the targets *due*: those waiting for it, and those the work queue will
 *   hand to a worker next (`expecting`). The provider observes at least those, and every other
 *   registered target of the group its calls see anyway, so 200 workspaces of one instance cost
 *   one scan, not 200, even when their workers start at different times; and the provider can
 *   weigh one call per due target against one scan of the group (WorkSpaces: the per-WorkSpace
 *   view against the application-side view).
 * - Scans of one group never overlap; failed observations are not kept (per target: one
 *   WorkSpace that cannot be described does not make the others' observations unusable).
 */
import type { Target } from '../model/desired.js';
import { AwsCallError, RetryableError } from '../providers/errors.js';
import type { ObserveOutcome, Provider } from '../providers/types.js';
import type { ObservedState } from './types.js';

/** A target AWS could not be asked about, and why. */
export interface ObserveError {
  target: Target;
  error: AwsCallError;
}

interface Scan {
  seq: number;
  promise: Promise<Map<string, ObserveOutcome>>;
}

interface Group {
  members: Map<string, Target>;
  /** The latest successful observation of each target, with the sequence of the scan that made it. */
  last: Map<string, { seq: number; outcome: ObserveOutcome }>;
  running?: Scan;
  next?: { promise: Promise<Map<string, ObserveOutcome>>; wanted: Set<string> };
}

export type ProviderFor = (target: Target) => Provider;

export class Observer {
  private seq = 0;
  private readonly groups = new Map<string, Group>();
  /** Provider calls made (one per scan), for tests and the benchmark. */
  scans = 0;

  /**
   * @param expecting For a target that will ask for an observation soon (its key is queued for a
   *   worker), the `minSeq` it will ask with; undefined for any other. A scan counts it as due
   *   when no observation fresh enough for it exists, so one scan can serve it instead of a call
   *   of its own.
   */
  constructor(
    private readonly providerFor: ProviderFor,
    private readonly signal?: AbortSignal,
    private readonly expecting?: (key: string) => number | undefined,
  ) {}

  /** The current sequence: a scan that starts after this call is fresh for anything done before it. */
  mark(): number {
    return this.seq;
  }

  /** Replace the set of targets (scans observe all registered members of a group). */
  setTargets(targets: readonly Target[]): void {
    const before = new Map<string, Target>();
    for (const g of this.groups.values()) {
      for (const [k, t] of g.members) before.set(k, t);
      g.members.clear();
    }
    for (const t of targets) this.group(t).members.set(t.key, t);
    for (const g of this.groups.values()) {
      for (const key of g.last.keys()) {
        // A view may cover only what its targets asked for (the application-side view sees only
        // the applications listed): a target whose desired state changed is observed afresh.
        const was = before.get(key);
        const now = g.members.get(key);
        if (!now || (was && !sameAsk(was, now))) g.last.delete(key);
      }
    }
    for (const [k, g] of this.groups) if (g.members.size === 0 && !g.running && !g.next) this.groups.delete(k);
  }

  /** Observe every target (one scan per group), fresher than `minSeq`: what AWS has, and what it would not say. */
  async observeAll(targets: readonly Target[], minSeq: number): Promise<{ observed: ObservedState; errors: ObserveError[] }> {
    const observed: ObservedState = new Map();
    const errors: ObserveError[] = [];
    await Promise.all(
      targets.map(async (target) => {
        const o = await this.observe(target, minSeq);
        if (o.ok) observed.set(target.key, o.observed);
        else errors.push({ target, error: o.error });
      }),
    );
    errors.sort((a, b) => (a.target.key < b.target.key ? -1 : 1));
    return { observed, errors };
  }

  async observe(target: Target, minSeq: number): Promise<ObserveOutcome> {
    const g = this.group(target);
    if (!g.members.has(target.key)) g.members.set(target.key, target);
    const last = g.last.get(target.key);
    if (last && last.seq > minSeq) return last.outcome;
    let outcomes: Map<string, ObserveOutcome>;
    if (g.running && g.running.seq > minSeq) {
      outcomes = await g.running.promise;
      if (!outcomes.has(target.key)) outcomes = await this.scheduleNext(target, g);
    } else {
      outcomes = await this.scheduleNext(target, g);
    }
    return (
      outcomes.get(target.key) ?? {
        ok: false,
        error: new RetryableError({ service: this.providerFor(target).service, region: target.region ?? '-', operation: 'observe', targetKey: target.key, code: 'NotObserved', awsMessage: 'the scan returned no result for this target' }),
      }
    );
  }

  private scheduleNext(target: Target, g: Group): Promise<Map<string, ObserveOutcome>> {
    if (!g.next) {
      const after = g.running?.promise.catch(() => undefined) ?? Promise.resolve(undefined);
      const wanted = new Set<string>();
      g.next = { wanted, promise: after.then(() => this.startScan(target, g, wanted)) };
    }
    g.next.wanted.add(target.key);
    return g.next.promise;
  }

  private async startScan(sample: Target, g: Group, wanted: Set<string>): Promise<Map<string, ObserveOutcome>> {
    g.next = undefined;
    const provider = this.providerFor(sample);
    const members = [...g.members.values()];
    if (!g.members.has(sample.key)) members.push(sample);
    const due = new Set(wanted);
    if (this.expecting) {
      for (const m of members) {
        const minSeq = this.expecting(m.key);
        if (minSeq === undefined || due.has(m.key)) continue;
        const last = g.last.get(m.key);
        if (!last || last.seq <= minSeq) due.add(m.key);
      }
    }
    const seq = ++this.seq;
    this.scans++;
    const promise = provider.observe(members, this.signal, due).then(
      (outcomes) => outcomes,
      (err: unknown) => {
        const error =
          err instanceof AwsCallError
            ? err
            : new RetryableError({ service: provider.service, region: sample.region ?? '-', operation: 'observe', code: 'ObserveFailed', awsMessage: String(err) }, { cause: err });
        return new Map(members.filter((m) => due.has(m.key)).map((m) => [m.key, { ok: false, error } as ObserveOutcome]));
      },
    );
    g.running = { seq, promise };
    const outcomes = await promise;
    if (g.running?.seq === seq) g.running = undefined;
    for (const [key, outcome] of outcomes) {
      if (!outcome.ok) continue;
      const prev = g.last.get(key);
      if (!prev || prev.seq < seq) g.last.set(key, { seq, outcome });
    }
    return outcomes;
  }

  private group(target: Target): Group {
    const key = `${target.type}:${this.providerFor(target).groupKey(target)}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { members: new Map(), last: new Map() };
      this.groups.set(key, g);
    }
    return g;
  }
}

/** Same items asked for, with the same prune setting. */
function sameAsk(a: Target, b: Target): boolean {
  if (a === b) return true;
  if (a.prune !== b.prune || a.desired.size !== b.desired.size) return false;
  for (const k of a.desired.keys()) if (!b.desired.has(k)) return false;
  return true;
}
