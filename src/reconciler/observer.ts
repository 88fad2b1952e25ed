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
 * - A scan observes every registered target of its group, so 200 workspaces of one instance cost
 *   one scan, not 200, even when their workers start at different times.
 * - Scans of one group never overlap; failed scans are not kept.
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
  last?: { seq: number; outcomes: Map<string, ObserveOutcome> };
  running?: Scan;
  next?: { promise: Promise<Map<string, ObserveOutcome>> };
}

export type ProviderFor = (target: Target) => Provider;

export class Observer {
  private seq = 0;
  private readonly groups = new Map<string, Group>();
  /** Provider calls made (one per scan), for tests and the benchmark. */
  scans = 0;

  constructor(
    private readonly providerFor: ProviderFor,
    private readonly signal?: AbortSignal,
  ) {}

  /** The current sequence: a scan that starts after this call is fresh for anything done before it. */
  mark(): number {
    return this.seq;
  }

  /** Replace the set of targets (scans observe all registered members of a group). */
  setTargets(targets: readonly Target[]): void {
    for (const g of this.groups.values()) g.members.clear();
    for (const t of targets) this.group(t).members.set(t.key, t);
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
    if (g.last && g.last.seq > minSeq && g.last.outcomes.has(target.key)) return g.last.outcomes.get(target.key)!;
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
      const next = { promise: after.then(() => this.startScan(target, g)) };
      g.next = next;
    }
    return g.next.promise;
  }

  private async startScan(sample: Target, g: Group): Promise<Map<string, ObserveOutcome>> {
    g.next = undefined;
    const provider = this.providerFor(sample);
    const members = [...g.members.values()];
    if (!g.members.has(sample.key)) members.push(sample);
    const seq = ++this.seq;
    this.scans++;
    const promise = provider.observe(members, this.signal).then(
      (outcomes) => outcomes,
      (err: unknown) => {
        const error =
          err instanceof AwsCallError
            ? err
            : new RetryableError({ service: provider.service, region: sample.region ?? '-', operation: 'observe', code: 'ObserveFailed', awsMessage: String(err) }, { cause: err });
        return new Map(members.map((m) => [m.key, { ok: false, error } as ObserveOutcome]));
      },
    );
    g.running = { seq, promise };
    const outcomes = await promise;
    if (g.running?.seq === seq) g.running = undefined;
    const failed = [...outcomes.values()].some((o) => !o.ok);
    if (!failed && (!g.last || g.last.seq < seq)) g.last = { seq, outcomes };
    return outcomes;
  }

  private group(target: Target): Group {
    const key = `${target.type}:${this.providerFor(target).groupKey(target)}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { members: new Map() };
      this.groups.set(key, g);
    }
    return g;
  }
}
