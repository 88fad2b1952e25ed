/**
 * The lease logic against a real DynamoDB-compatible server (dynalite, real SDK client), each
 * replica with its own injected ManualClock: ticks are called by hand, time moves only when a
 * test advances it, so "a whole lease duration" is exact and nothing depends on machine speed.
 * The clocks start far apart on purpose: no replica ever compares its time with another's.
 */
import assert from 'node:assert/strict';
import { Coordinator, type CoordinationEvent } from '../../src/coordination/coordinator.js';
import { LeaseTable, type LeaseItem } from '../../src/coordination/table.js';
import { LeaseNotHeldError } from '../../src/providers/errors.js';
import { ManualClock } from '../../src/reconciler/clock.js';
import { waitFor } from '../cli/helpers.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamodb.js';

const L = 15_000;
const D = 10_000;
const R = 2_000;
const SHARDS = ['default/eu-west-1', 'default/eu-west-2', 'default/us-east-1', 'default/us-west-2'];
const CALL = { service: 'connect' as const, region: 'us-east-1', operation: 'AssociateWorkspace' };

/** A lease table whose renewals can be made to fail (the network to DynamoDB is down for this replica only). */
class FlakyTable extends LeaseTable {
  failing = false;
  override renew(l: LeaseItem): Promise<LeaseItem | undefined> {
    return this.failing ? Promise.reject(new Error('connect ECONNREFUSED')) : super.renew(l);
  }
}

interface Replica {
  c: Coordinator;
  clock: ManualClock;
  table: FlakyTable;
  events: CoordinationEvent[];
  changes: { gained: string[]; lost: string[] }[];
}

describe('coordination: leases (dynalite, injected clocks)', () => {
  let db: LocalDynamo;
  let n = 0;
  let tableName: string;
  let replicas: Replica[] = [];
  before(async () => {
    db = await startLocalDynamo();
  });
  after(async () => {
    await db.close();
  });
  beforeEach(async () => {
    tableName = `leases-${++n}`;
    await db.table(tableName);
    replicas = [];
  });
  afterEach(async () => {
    for (const r of replicas) await r.c.stop({ release: false });
  });

  function replica(identity: string, clockStart: number, shards = SHARDS): Replica {
    const clock = new ManualClock(clockStart);
    const table = new FlakyTable(db.client(), tableName);
    const events: CoordinationEvent[] = [];
    const changes: Replica['changes'] = [];
    const c = new Coordinator({ table, identity, clock, leaseDurationMs: L, renewDeadlineMs: D, retryPeriodMs: R, onEvent: (e) => events.push(e) });
    c.subscribe((ch) => changes.push(ch));
    c.setShards(shards);
    const r = { c, clock, table, events, changes };
    replicas.push(r);
    return r;
  }
  const scan = async () => (await new LeaseTable(db.client(), tableName).scan()).leases.sort((a, b) => (a.shard < b.shard ? -1 : 1));
  /** No shard held by two replicas at once (what each replica believes it holds). */
  const assertDisjoint = (...rs: Replica[]) => {
    const all = rs.flatMap((r) => r.c.owned);
    assert.equal(new Set(all).size, all.length, `a shard held twice: ${rs.map((r) => `${r.c.identity}=${r.c.owned.join(',')}`).join(' ')}`);
  };
  const acquired = (r: Replica) => r.events.flatMap((e) => (e.type === 'acquired' ? [`${e.shard}:${e.how}`] : []));

  it('a lone replica takes every free shard, and bumps each counter on every renewal', async () => {
    const a = replica('a', 0);
    await a.c.tick();
    assert.deepEqual(a.c.owned, SHARDS);
    assert.deepEqual(acquired(a).sort(), SHARDS.map((s) => `${s}:free`));
    assert.deepEqual((await scan()).map((l) => [l.owner, l.counter]), SHARDS.map(() => ['a', 1]));
    a.clock.advance(R);
    await a.c.tick();
    assert.deepEqual((await scan()).map((l) => [l.owner, l.counter]), SHARDS.map(() => ['a', 2]));
    assert.equal(a.events.filter((e) => e.type === 'renewal' && e.ok).length, 4);
  });

  it('a lease is stale only once its counter has stood still for a whole lease duration on the observer\'s own clock', async () => {
    const a = replica('a', 5e12, ['default/us-east-1']); // wall clocks far apart: never compared
    const b = replica('b', 0, ['default/us-east-1']);
    await a.c.tick();
    await b.c.tick(); // b first sees a's counter at b's time 0
    // a keeps renewing: however much time passes on b's clock, the counter moves and b waits.
    for (let i = 0; i < 3; i++) {
      b.clock.advance(L);
      a.clock.advance(R);
      await a.c.tick();
      await b.c.tick();
      assert.deepEqual(b.c.owned, [], 'a live owner keeps its lease');
    }
    // a stops (killed). b last saw the counter move at its current time: L − 1 later it still waits.
    b.clock.advance(L - 1);
    await b.c.tick();
    assert.deepEqual(b.c.owned, []);
    b.clock.advance(1);
    await b.c.tick();
    assert.deepEqual(b.c.owned, ['default/us-east-1']);
    assert.deepEqual(acquired(b), ['default/us-east-1:expired']);
    assert.deepEqual((await scan()).map((l) => l.owner), ['b']);
  });

  it('the holder refuses calls once it cannot vouch for the lease (renew deadline) and drops the shard then', async () => {
    const a = replica('a', 0, ['default/us-east-1']);
    await a.c.tick();
    a.c.enter('default/us-east-1', CALL)();
    a.table.failing = true;
    a.clock.advance(R);
    await a.c.tick(); // the renewal fails; still within the deadline
    assert.deepEqual(a.c.owned, ['default/us-east-1']);
    a.clock.advance(D - R - 1);
    a.c.enter('default/us-east-1', CALL)();
    a.clock.advance(1); // the deadline timer fires
    assert.throws(() => a.c.enter('default/us-east-1', CALL), (e: unknown) => e instanceof LeaseNotHeldError && e.code === 'LeaseNotHeld');
    assert.deepEqual(a.c.owned, []);
    assert.deepEqual(a.changes, [{ gained: ['default/us-east-1'], lost: [] }, { gained: [], lost: ['default/us-east-1'] }]);
    assert.ok(a.events.some((e) => e.type === 'lost' && e.reason === 'deadline'));
    assert.throws(() => a.c.enter('default/us-west-2', CALL), LeaseNotHeldError, 'a shard never held');
  });

  it('a stopped (paused) holder finds its lease taken and makes no call when it wakes', async () => {
    const a = replica('a', 0, ['default/us-east-1']);
    const b = replica('b', 1e9, ['default/us-east-1']);
    await a.c.tick();
    await b.c.tick();
    b.clock.advance(L);
    await b.c.tick();
    assert.deepEqual(b.c.owned, ['default/us-east-1']);
    // a was paused all along (its timers did not run); it wakes L later by its own clock. Its
    // fence refuses before any renewal or deadline timer has run.
    a.clock.now = () => L; // the time jumped; no timer callback has run yet
    assert.throws(() => a.c.enter('default/us-east-1', CALL), LeaseNotHeldError);
    await a.c.tick(); // its renewal finds the item changed: taken
    assert.ok(a.events.some((e) => e.type === 'lost' && (e.reason === 'taken' || e.reason === 'deadline')));
    assert.deepEqual(a.c.owned, []);
  });

  it('a renewal that went through but whose answer was lost is not a loss', async () => {
    const a = replica('a', 0, ['default/us-east-1']);
    await a.c.tick();
    const [l] = await scan();
    await new LeaseTable(db.client(), tableName).renew(l); // as if a's own renewal landed and the answer was lost
    a.clock.advance(R);
    await a.c.tick();
    assert.deepEqual(a.c.owned, ['default/us-east-1']);
    a.clock.advance(R);
    await a.c.tick();
    assert.deepEqual((await scan()).map((x) => [x.owner, x.counter]), [['a', 3]]);
  });

  it('two replicas taking over the same stale lease at once: the conditional write lets exactly one win', async () => {
    const a = replica('a', 0, ['default/us-east-1']);
    const b = replica('b', 0, ['default/us-east-1']);
    const c = replica('c', 0, ['default/us-east-1']);
    await a.c.tick();
    await Promise.all([b.c.tick(), c.c.tick()]);
    b.clock.advance(L);
    c.clock.advance(L);
    await Promise.all([b.c.tick(), c.c.tick()]);
    assertDisjoint(b, c);
    const owners = (await scan()).map((x) => x.owner);
    assert.equal(b.c.owned.length + c.c.owned.length, 1);
    assert.deepEqual(owners, [b.c.owned.length ? 'b' : 'c']);
  });

  it('a new replica gets its fair share by hand-over, and no shard is ever held by two', async () => {
    const a = replica('a', 0);
    const b = replica('b', 7e11);
    await a.c.tick();
    assert.equal(a.c.owned.length, 4);
    for (let i = 0; i < 12 && b.c.owned.length < 2; i++) {
      a.clock.advance(R);
      b.clock.advance(R);
      await b.c.tick();
      assertDisjoint(a, b);
      await a.c.tick();
      assertDisjoint(a, b);
    }
    assert.equal(a.c.owned.length, 2);
    assert.equal(b.c.owned.length, 2);
    assert.ok(acquired(b).every((x) => x.endsWith(':handover')), acquired(b).join());
    assert.ok(a.events.some((e) => e.type === 'lost' && e.reason === 'handover'));
    const owners = (await scan()).map((x) => x.owner).sort();
    assert.deepEqual(owners, ['a', 'a', 'b', 'b']);
  });

  it('three replicas split four shards: at most ⌈4/3⌉ = 2 each, none idle', async () => {
    const rs = [replica('a', 0), replica('b', 0), replica('c', 0)];
    for (let i = 0; i < 20 && !rs.every((r) => r.c.owned.length >= 1); i++) {
      for (const r of rs) {
        r.clock.advance(R);
        await r.c.tick();
        assertDisjoint(...rs);
        assert.ok(r.c.owned.length <= 2 || i === 0, `${r.c.identity} holds ${r.c.owned.length}`);
      }
    }
    assert.deepEqual(rs.flatMap((r) => r.c.owned).sort(), SHARDS);
    assert.deepEqual(rs.map((r) => r.c.owned.length).sort(), [1, 1, 2]);
  });

  it('a hand-over waits for the calls in flight on that shard before the other replica gets it', async () => {
    const a = replica('a', 0, ['default/eu-west-1', 'default/us-east-1']);
    await a.c.tick();
    const b = replica('b', 0, ['default/eu-west-1', 'default/us-east-1']);
    // b would need a to have 2 more than b to ask; make it so with a third shard only a wants.
    a.c.setShards(['default/eu-west-1', 'default/us-east-1', 'default/us-west-2']);
    b.c.setShards(['default/eu-west-1', 'default/us-east-1', 'default/us-west-2']);
    a.clock.advance(R);
    await a.c.tick();
    assert.equal(a.c.owned.length, 3);
    await b.c.tick(); // asks for one
    const wanted = (await scan()).find((x) => x.wantedBy === 'b');
    assert.ok(wanted, 'b asked a for a shard');
    const done = a.c.enter(wanted.shard, CALL); // a call of a's on that shard is on the wire
    a.clock.advance(R);
    const t = a.c.tick();
    await waitFor('a to close the fence of the shard asked for', () => !a.c.owns(wanted.shard));
    assert.throws(() => a.c.enter(wanted.shard, CALL), LeaseNotHeldError, 'no new call once the hand-over started');
    assert.equal((await scan()).find((x) => x.shard === wanted.shard)?.owner, 'a', 'not handed over while a call is in flight');
    done();
    await t;
    assert.equal((await scan()).find((x) => x.shard === wanted.shard)?.owner, 'b');
    b.clock.advance(R);
    await b.c.tick();
    assert.ok(b.c.owns(wanted.shard));
    assertDisjoint(a, b);
  });

  it('stop({release}) frees the leases: another replica takes them at its next tick, without waiting for expiry', async () => {
    const a = replica('a', 0);
    const b = replica('b', 0);
    await a.c.tick();
    await b.c.tick();
    await a.c.stop({ release: true });
    assert.deepEqual(a.c.owned, []);
    assert.deepEqual(await scan(), []);
    await b.c.tick(); // no clock advance at all
    assert.deepEqual(b.c.owned, SHARDS);
    assert.ok(acquired(b).every((x) => x.endsWith(':free')));
  });

  it('a shard removed from the desired state is stopped and freed', async () => {
    const a = replica('a', 0, ['default/us-east-1', 'default/us-west-2']);
    await a.c.tick();
    a.c.setShards(['default/us-east-1']);
    a.clock.advance(R);
    await a.c.tick();
    assert.deepEqual(a.c.owned, ['default/us-east-1']);
    assert.deepEqual((await scan()).map((x) => x.shard), ['default/us-east-1']);
    assert.ok(a.events.some((e) => e.type === 'lost' && e.reason === 'removed'));
  });

  it('refuses inconsistent timings', () => {
    const table = new LeaseTable(db.client(), tableName);
    assert.throws(() => new Coordinator({ table, identity: 'a', leaseDurationMs: 10, renewDeadlineMs: 10 }), /leaseDurationMs/);
    assert.throws(() => new Coordinator({ table, identity: 'a', renewDeadlineMs: 2000, retryPeriodMs: 2000 }), /renewDeadlineMs/);
    assert.throws(() => new Coordinator({ table, identity: 'a b' }), /identity/);
  });
});
