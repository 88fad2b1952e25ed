/**
 * Shard ownership for several replicas, through the lease table (table.ts), the way the Kinesis
 * Client Library's LeaseRenewer and LeaseTaker share shards; timings as controller-runtime's
 * leader election (lease 15 s, renew deadline 10 s, retry 2 s).
 *
 * Every retry period a replica: renews each lease it holds (a conditional bump of the counter),
 * bumps its member item (its heartbeat), reads the whole table, and then takes shards up to its
 * fair share, ⌈shards / live replicas⌉:
 *
 *   the shard's item                              │ what this replica does
 *   ──────────────────────────────────────────────┼──────────────────────────────────────────────
 *   none (free: never taken, or released)         │ creates it (put if absent)
 *   owned by another, counter moving              │ nothing: the owner is alive
 *   owned by another, counter still for a whole   │ takes it over (conditional on owner and the
 *   lease duration by OUR monotonic clock         │ counter it saw), stale means dead or cut off
 *   owned by us, not held (handed to us)          │ renews it, and holds it from then on
 *
 * No wall clock is ever compared across hosts: staleness is "the (owner, counter) I saw has not
 * changed for L on my own clock since I first saw it". A replica short of its share and finding
 * nothing to take asks the most loaded replica (two or more shards more than it has) to hand one
 * over (`wantedBy`); the owner does so at its next renewal, after stopping its own calls for
 * that shard and waiting for those in flight. So shards move between live replicas without a
 * moment where two write to the same shard.
 *
 * Fencing: the owner vouches for a shard only until renewedAt + renewDeadline, renewedAt being
 * when its last successful renewal was SENT. Another replica can take the lease over only when
 * the counter has not moved for L after it saw that renewal's result, so later than
 * renewedAt + L: between the owner's deadline and the earliest takeover there are always
 * L − renewDeadline (5 s by default) for a call the owner sent just before its deadline to land.
 * `enter()` runs before every attempt of a mutating AWS call and refuses it past the deadline;
 * at the deadline itself the shard is dropped (logged, counted, the daemon stops its targets).
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import pino from 'pino';
import { LeaseNotHeldError } from '../providers/errors.js';
import type { Service } from '../providers/types.js';
import { systemClock } from '../reconciler/clock.js';
import type { Clock, Timer } from '../reconciler/clock.js';
import type { ShardChange, ShardOwnership } from './shard.js';
import type { LeaseItem, LeaseTable, MemberItem } from './table.js';

/** performance.now(): monotonic, never stepped by NTP, and it keeps counting while the process is stopped. */
export const monotonicClock: Clock = { now: () => performance.now(), setTimer: systemClock.setTimer };

export type AcquiredHow = 'free' | 'expired' | 'handover' | 'reclaimed';
export type LostReason = 'deadline' | 'taken' | 'handover' | 'released' | 'removed';

export type CoordinationEvent =
  | { type: 'renewal'; ok: boolean }
  | { type: 'acquired'; shard: string; how: AcquiredHow }
  | { type: 'lost'; shard: string; reason: LostReason }
  | { type: 'owned'; count: number };

export interface CoordinatorOptions {
  table: LeaseTable;
  /** This replica's name in the table (unique per process). */
  identity: string;
  /** Must be monotonic. Default monotonicClock. */
  clock?: Clock;
  logger?: Logger;
  /** A lease whose counter did not move for this long is taken over, ms. Default 15000. */
  leaseDurationMs?: number;
  /** The holder stops using a lease it could not renew for this long, ms. Default 10000. */
  renewDeadlineMs?: number;
  /** Renew, heartbeat and look for shards every this many ms. Default 2000. */
  retryPeriodMs?: number;
  /** For metrics. Default none. */
  onEvent?: (e: CoordinationEvent) => void;
}

interface Held {
  lease: LeaseItem;
  /** Monotonic time the last successful renewal (or the acquisition) was sent. */
  renewedAt: number;
  /** Being handed over or released: the fence is closed. */
  releasing?: boolean;
}

/** The (owner, counter) of an item as first seen, and when (monotonic). */
interface Seen {
  owner: string;
  counter: number;
  since: number;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class Coordinator implements ShardOwnership {
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  private readonly table: LeaseTable;
  private readonly clock: Clock;
  private readonly log: Logger;
  private shards: string[] = [];
  private readonly held = new Map<string, Held>();
  private readonly seen = new Map<string, Seen>();
  private readonly inflight = new Map<string, number>();
  private readonly idleWaiters = new Map<string, (() => void)[]>();
  private readonly listeners: ((c: ShardChange) => void)[] = [];
  /** Shards lost at their deadline: taking them again is "reclaimed", not a hand-over. */
  private readonly lostAtDeadline = new Set<string>();
  private ticking?: Promise<void>;
  private tickTimer?: Timer;
  private deadlineTimer?: Timer;
  private running = false;
  private stopped = false;
  private taking = true;
  private lastScan?: { ok: true } | { ok: false; error: string };
  /** When the next lease of another replica turns stale if its counter does not move (monotonic). */
  private nextStale = Infinity;

  constructor(private readonly o: CoordinatorOptions) {
    this.identity = o.identity;
    this.table = o.table;
    this.clock = o.clock ?? monotonicClock;
    this.log = o.logger ?? pino({ level: 'silent' });
    this.leaseDurationMs = o.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = o.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = o.retryPeriodMs ?? 2000;
    for (const k of ['leaseDurationMs', 'renewDeadlineMs', 'retryPeriodMs'] as const) {
      if (!(Number.isFinite(this[k]) && this[k] > 0)) throw new TypeError(`Expected \`${k}\` to be a number > 0, got ${this[k]}`);
    }
    if (!(this.leaseDurationMs > this.renewDeadlineMs)) throw new TypeError(`Expected \`leaseDurationMs\` (${this.leaseDurationMs}) > \`renewDeadlineMs\` (${this.renewDeadlineMs})`);
    if (!(this.renewDeadlineMs > this.retryPeriodMs)) throw new TypeError(`Expected \`renewDeadlineMs\` (${this.renewDeadlineMs}) > \`retryPeriodMs\` (${this.retryPeriodMs})`);
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(o.identity)) throw new TypeError(`Expected \`identity\` to be 1..128 of A-Z a-z 0-9 . _ -, got '${o.identity}'`);
  }

  // ── ShardOwnership ────────────────────────────────────────────────────────────────────────

  setShards(shards: readonly string[]): void {
    const next = [...new Set(shards)].sort();
    const changed = next.join('\n') !== this.shards.join('\n');
    this.shards = next;
    if (changed && this.running) this.schedule(0);
  }

  owns(shard: string): boolean {
    const h = this.held.get(shard);
    return h !== undefined && !h.releasing;
  }

  subscribe(listener: (change: ShardChange) => void): void {
    this.listeners.push(listener);
  }

  /** The shards held now, sorted. */
  get owned(): string[] {
    return [...this.held].filter(([, h]) => !h.releasing).map(([s]) => s).sort();
  }

  /** Whether the lease table answers (for /readyz). */
  readiness(): { ready: boolean; reason: string } {
    if (this.lastScan === undefined) return { ready: false, reason: 'the lease table has not been read yet' };
    if (!this.lastScan.ok) return { ready: false, reason: `the lease table is not answering: ${this.lastScan.error}` };
    return { ready: true, reason: `holding ${this.owned.length} of ${this.shards.length} shards` };
  }

  // ── Fencing ───────────────────────────────────────────────────────────────────────────────

  /**
   * Before an attempt of a mutating call for `shard`: throws LeaseNotHeldError unless this
   * replica holds the lease and is within its renew deadline. Returns the function to call when
   * the attempt is over (hand-overs wait for calls in flight).
   */
  enter(shard: string, call: { service: Service; region: string; operation: string }): () => void {
    const h = this.held.get(shard);
    if (h === undefined || h.releasing || this.clock.now() >= h.renewedAt + this.renewDeadlineMs) {
      const why = h === undefined || h.releasing ? 'does not hold' : 'could not renew in time';
      throw new LeaseNotHeldError({ ...call, code: 'LeaseNotHeld', awsMessage: `not sent: this replica (${this.identity}) ${why} the lease of shard ${shard}` });
    }
    this.inflight.set(shard, (this.inflight.get(shard) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (this.inflight.get(shard) ?? 1) - 1;
      if (left > 0) return void this.inflight.set(shard, left);
      this.inflight.delete(shard);
      for (const w of this.idleWaiters.get(shard) ?? []) w();
      this.idleWaiters.delete(shard);
    };
  }

  /** Resolves true when no call of `shard` is in flight, false after `timeoutMs`. */
  private waitIdle(shard: string, timeoutMs: number): Promise<boolean> {
    if (!this.inflight.get(shard)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(Math.max(0, timeoutMs), () => resolve(false));
      const list = this.idleWaiters.get(shard) ?? [];
      list.push(() => {
        timer.cancel();
        resolve(true);
      });
      this.idleWaiters.set(shard, list);
    });
  }

  // ── The loop ──────────────────────────────────────────────────────────────────────────────

  /** Tick now and every retry period until stop(). */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.schedule(0);
  }

  /** Shutting down: keep renewing what is held, take nothing new (stop() follows). */
  stopTaking(): void {
    this.taking = false;
  }

  /**
   * Stop: no more ticks, every fence closed at once. With `release`, the leases are given back
   * (deleted, so another replica takes them at its next tick, without waiting for expiry) and
   * the member item removed; without, they expire. Release only when no call is in flight.
   */
  async stop(o: { release: boolean }): Promise<void> {
    this.stopped = true;
    this.running = false;
    this.tickTimer?.cancel();
    await this.ticking;
    this.deadlineTimer?.cancel();
    const held = [...this.held].filter(([, h]) => !h.releasing);
    for (const [, h] of held) h.releasing = true;
    for (const [shard] of held) this.lost(shard, 'released');
    if (!o.release) return;
    await Promise.all(
      held.map(async ([shard, h]) => {
        const idle = await this.waitIdle(shard, 0);
        if (!idle) return;
        const ok = await this.table.release(h.lease).catch(() => false);
        this.held.delete(shard);
        if (ok) this.log.info({ shard }, 'shard released');
      }),
    );
    await this.table.removeMember(this.identity).catch(() => false);
  }

  /** One round: renew, heartbeat, read the table, hand over, take. Rounds never overlap. */
  tick(): Promise<void> {
    this.ticking ??= this.round().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private schedule(ms: number): void {
    this.tickTimer?.cancel();
    this.tickTimer = this.clock.setTimer(ms, () => {
      this.tickTimer = undefined;
      const started = this.clock.now();
      void this.tick().finally(() => {
        // Every retry period, or sooner when a lease we watch turns stale: a dead replica's
        // shards are taken a lease duration after its last renewal, not up to a period later.
        const now = this.clock.now();
        const next = Math.min(started + this.retryPeriodMs, this.nextStale);
        if (this.running && this.tickTimer === undefined) this.schedule(Math.max(0, next - now));
      });
    });
  }

  private async round(): Promise<void> {
    await this.renewAll();
    if (this.stopped) return;
    await this.table.heartbeat(this.identity).catch((err: Error) => this.log.debug({ err: err.message }, 'heartbeat failed'));
    let view: { leases: LeaseItem[]; members: MemberItem[] };
    try {
      view = await this.table.scan();
    } catch (err) {
      if (this.lastScan?.ok !== false) this.log.warn({ table: this.table.name, err: (err as Error).message }, 'cannot read the lease table');
      this.lastScan = { ok: false, error: (err as Error).message };
      return;
    }
    if (this.lastScan?.ok === false) this.log.info({ table: this.table.name }, 'the lease table answers again');
    this.lastScan = { ok: true };
    const at = this.clock.now();
    this.observe(view, at);
    if (this.stopped) return;
    const live = this.liveView(view, at);
    await this.handOver(view, live);
    if (this.taking) await this.take(view, live, at);
    await this.forgetDead(view, at);
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held].map(async ([shard, h]) => {
        if (h.releasing) return;
        if (!this.shards.includes(shard)) return this.giveBack(shard, h);
        const sent = this.clock.now();
        let r: LeaseItem | undefined;
        try {
          r = await this.table.renew(h.lease);
        } catch (err) {
          this.o.onEvent?.({ type: 'renewal', ok: false });
          this.log.debug({ shard, err: (err as Error).message }, 'lease renewal failed');
          return;
        }
        if (this.held.get(shard) !== h || h.releasing) return;
        if (r) {
          h.lease = r;
          h.renewedAt = sent;
          this.o.onEvent?.({ type: 'renewal', ok: true });
          return;
        }
        // The item changed. If it is still ours, an earlier renewal whose answer was lost went
        // through: keep it, but do not count that as a renewal now.
        const now = await this.table.get(shard).catch(() => 'unknown' as const);
        if (now === 'unknown' || this.held.get(shard) !== h || h.releasing) return;
        if (now && now.owner === this.identity) {
          h.lease = now;
          return;
        }
        this.o.onEvent?.({ type: 'renewal', ok: false });
        this.drop(shard, 'taken');
      }),
    );
    this.checkDeadlines();
  }

  /** Drop every shard not renewed before its deadline; arm the timer for the next deadline. */
  private checkDeadlines(): void {
    this.deadlineTimer?.cancel();
    this.deadlineTimer = undefined;
    if (this.stopped) return;
    const now = this.clock.now();
    let next = Infinity;
    for (const [shard, h] of [...this.held]) {
      if (h.releasing) continue;
      const deadline = h.renewedAt + this.renewDeadlineMs;
      if (now >= deadline) {
        this.lostAtDeadline.add(shard);
        this.drop(shard, 'deadline');
      } else next = Math.min(next, deadline);
    }
    if (next !== Infinity) this.deadlineTimer = this.clock.setTimer(next - now, () => this.checkDeadlines());
  }

  private observe(view: { leases: LeaseItem[]; members: MemberItem[] }, at: number): void {
    const present = new Set<string>();
    const note = (key: string, owner: string, counter: number) => {
      present.add(key);
      const prev = this.seen.get(key);
      if (!prev || prev.owner !== owner || prev.counter !== counter) this.seen.set(key, { owner, counter, since: at });
    };
    for (const l of view.leases) note(`shard/${l.shard}`, l.owner, l.counter);
    for (const m of view.members) note(`member/${m.identity}`, m.identity, m.counter);
    for (const key of [...this.seen.keys()]) if (!present.has(key)) this.seen.delete(key);
    this.nextStale = Infinity;
    const wanted = new Set(this.shards);
    for (const l of view.leases) {
      const s = this.seen.get(`shard/${l.shard}`);
      if (s && l.owner !== this.identity && wanted.has(l.shard) && at - s.since < this.leaseDurationMs) this.nextStale = Math.min(this.nextStale, s.since + this.leaseDurationMs);
    }
  }

  private stale(key: string, at: number): boolean {
    const s = this.seen.get(key);
    return s !== undefined && at - s.since >= this.leaseDurationMs;
  }

  /** Live replicas (this one, members heartbeating, owners of leases still renewed) and how many shards each other one holds. */
  private liveView(view: { leases: LeaseItem[]; members: MemberItem[] }, at: number): { live: Set<string>; counts: Map<string, number>; leases: Map<string, LeaseItem> } {
    const wanted = new Set(this.shards);
    const leases = new Map(view.leases.filter((l) => wanted.has(l.shard)).map((l) => [l.shard, l]));
    // A replica that let a lease go stale stopped renewing (dead, paused or cut off): not live,
    // even if its heartbeat was seen a moment later than its last renewal.
    const stopped = new Set([...leases.values()].filter((l) => l.owner !== this.identity && this.stale(`shard/${l.shard}`, at)).map((l) => l.owner));
    const live = new Set([this.identity]);
    for (const m of view.members) if (!this.stale(`member/${m.identity}`, at) && !stopped.has(m.identity)) live.add(m.identity);
    const counts = new Map<string, number>();
    for (const l of leases.values()) {
      if (l.owner === this.identity || stopped.has(l.owner)) continue;
      live.add(l.owner);
      counts.set(l.owner, (counts.get(l.owner) ?? 0) + 1);
    }
    return { live: live, counts, leases };
  }

  private get mine(): number {
    let n = 0;
    for (const h of this.held.values()) if (!h.releasing) n++;
    return n;
  }

  /** Hand over the shards another live replica asked for, while we have two or more shards more than it. */
  private async handOver(view: { leases: LeaseItem[] }, v: { live: Set<string>; counts: Map<string, number> }): Promise<void> {
    for (const l of view.leases) {
      const h = this.held.get(l.shard);
      const to = l.wantedBy;
      if (!h || h.releasing || l.owner !== this.identity || l.counter !== h.lease.counter || !to || to === this.identity) continue;
      if (!v.live.has(to) || this.mine - (v.counts.get(to) ?? 0) < 2) continue;
      h.releasing = true;
      this.lost(l.shard, 'handover');
      // Our calls for the shard already on the wire must land before the other replica starts.
      const idle = await this.waitIdle(l.shard, h.renewedAt + this.renewDeadlineMs - this.clock.now());
      const ok = idle && (await this.table.transfer(h.lease, to, { wanted: true }).catch(() => undefined)) !== undefined;
      this.held.delete(l.shard);
      v.counts.set(to, (v.counts.get(to) ?? 0) + 1);
      if (ok) this.log.info({ shard: l.shard, to }, 'shard handed over');
      else this.log.warn({ shard: l.shard, to, callsInFlight: !idle }, 'shard not handed over; its lease is left to expire');
    }
  }

  /** Take free, expired or handed-over shards up to the fair share; if none, ask the most loaded replica for one. */
  private async take(view: { leases: LeaseItem[] }, v: { live: Set<string>; counts: Map<string, number>; leases: Map<string, LeaseItem> }, at: number): Promise<void> {
    const target = this.shards.length === 0 ? 0 : Math.ceil(this.shards.length / v.live.size);
    // Each replica tries the shards in its own order, so replicas starting together rarely collide.
    const order = this.shards.filter((s) => !this.held.has(s)).sort((a, b) => hash(`${this.identity}/${a}`) - hash(`${this.identity}/${b}`));
    let available = false;
    for (const shard of order) {
      if (this.mine >= target || this.stopped) break;
      const l = v.leases.get(shard);
      let how: AcquiredHow;
      if (!l) how = 'free';
      else if (l.owner === this.identity) how = this.lostAtDeadline.has(shard) ? 'reclaimed' : 'handover';
      else if (this.stale(`shard/${shard}`, at)) how = 'expired';
      else continue;
      available = true;
      const sent = this.clock.now();
      const got = await (!l ? this.table.create(shard, this.identity) : l.owner === this.identity ? this.table.renew(l) : this.table.transfer(l, this.identity)).catch((err: Error) => {
        this.log.debug({ shard, err: err.message }, 'cannot take the shard');
        return undefined;
      });
      if (!got || this.stopped) continue;
      this.held.set(shard, { lease: got, renewedAt: sent });
      this.lostAtDeadline.delete(shard);
      const unchangedMs = how === 'expired' ? Math.round(at - (this.seen.get(`shard/${shard}`)?.since ?? at)) : undefined;
      this.log.info({ shard, how, owner: l?.owner, unchangedMs }, 'shard acquired');
      this.o.onEvent?.({ type: 'acquired', shard, how });
      this.o.onEvent?.({ type: 'owned', count: this.mine });
      for (const fn of this.listeners) fn({ gained: [shard], lost: [] });
      this.checkDeadlines();
    }
    if (available || this.mine >= target || this.stopped) return;
    if (view.leases.some((l) => l.wantedBy === this.identity && v.leases.has(l.shard))) return; // one request at a time
    let victim: string | undefined;
    let most = 0;
    for (const [owner, c] of v.counts) if (c > most || (c === most && victim !== undefined && owner < victim)) [victim, most] = [owner, c];
    if (victim === undefined || most - this.mine < 2) return;
    const theirs = [...v.leases.values()].filter((l) => l.owner === victim && !(l.wantedBy && v.live.has(l.wantedBy)));
    const pick = theirs.sort((a, b) => hash(`${this.identity}/${a.shard}`) - hash(`${this.identity}/${b.shard}`))[0];
    if (!pick) return;
    const ok = await this.table.want(pick, this.identity).catch(() => false);
    if (ok) this.log.debug({ shard: pick.shard, owner: victim }, 'asked for a shard to be handed over');
  }

  /** Remove member items of replicas gone for a whole lease duration (conditional: a revived one keeps its item). */
  private async forgetDead(view: { members: MemberItem[] }, at: number): Promise<void> {
    for (const m of view.members) {
      if (m.identity !== this.identity && this.stale(`member/${m.identity}`, at)) await this.table.removeMember(m.identity, m.counter).catch(() => false);
    }
  }

  /** A shard no longer in the desired state: stop, then free it. */
  private async giveBack(shard: string, h: Held): Promise<void> {
    h.releasing = true;
    this.lost(shard, 'removed');
    const idle = await this.waitIdle(shard, h.renewedAt + this.renewDeadlineMs - this.clock.now());
    if (idle) await this.table.release(h.lease).catch(() => false);
    this.held.delete(shard);
  }

  private drop(shard: string, reason: LostReason): void {
    if (!this.held.has(shard)) return;
    this.held.delete(shard);
    this.lost(shard, reason);
  }

  private lost(shard: string, reason: LostReason): void {
    const fields = { shard, reason };
    if (reason === 'deadline' || reason === 'taken') this.log.warn(fields, 'shard lost');
    else this.log.info(fields, 'shard lost');
    this.o.onEvent?.({ type: 'lost', shard, reason });
    this.o.onEvent?.({ type: 'owned', count: this.mine });
    for (const fn of this.listeners) fn({ gained: [], lost: [shard] });
  }
}
