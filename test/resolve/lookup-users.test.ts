/**
 * Usernames by direct look-up when that is cheaper (src/providers/connect/lookup-cost.ts), against
 * the sandbox with the real SDK and the real rate limiter (its limits scaled ×100 from the
 * published quotas, so the choice is the one those quotas make, without the wait).
 */
import assert from 'node:assert/strict';
import { setMaxListeners } from 'node:events';
import { resolveDesired } from '../../src/resolve/index.js';
import { RateLimiter } from '../../src/reconciler/ratelimit.js';
import { buildFleetSeed, fleetIds, type CallRecord } from '../../src/sandbox/index.js';
import { startHarness, type Harness } from '../providers/fixtures.js';
import { connectDoc, Files, lookups, ops, targetOf } from './helpers.js';

const USERS = 20_000;
const username = (i: number) => `user${String(i).padStart(6, '0')}`;
const key = (w: number) => `connect/us-east-1/${fleetIds.instanceId}/${fleetIds.connectWorkspaceId(w)}`;
/** ListUsers 10/s and SearchUsers 2/s (aws-api.md §6), ×100, bursts as published defaults. */
const LIMITS = { ListUsers: { rate: 1000, burst: 10 }, SearchUsers: { rate: 200, burst: 5 } };

describe('resolve: usernames looked up one by one when cheaper than the scan (real SDK, sandbox)', function () {
  this.timeout(30_000);
  let h: Harness | undefined;
  let limiter: RateLimiter | undefined;
  const files = new Files();
  before(async () => {
    h = await startHarness({ seed: buildFleetSeed({ connectWorkspaces: 2, arnsPerWorkspace: 0, users: USERS, workspaces: 0, appsPerWorkspace: 0 }) });
  });
  after(async () => h?.close());
  beforeEach(() => {
    h!.sandbox.resetCalls();
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    limiter = new RateLimiter({ operationLimits: LIMITS, limits: { connect: { rate: 10_000, burst: 100 } }, signal: abort.signal });
  });
  afterEach(async () => {
    limiter?.close();
    await files.remove();
  });
  const calls = (operation: string): CallRecord[] => h!.sandbox.calls.filter((c) => c.operation === operation);
  const resolve = async (...docs: string[]) => resolveDesired(await files.load(...docs), lookups(h!, limiter));
  const doc = (name: string, w: number, users: string[]) => connectDoc(name, [`workspaceName: Workspace ${w}`, `users: [${users.join(', ')}]`], { instanceId: fleetIds.instanceId });

  it('3 names beyond the first page of 20,000 users: 1 ListUsers page, 1 SearchUsers for the size, 3 SearchUsers by Username EXACT — not 20 pages', async () => {
    const r = await resolve(doc('a', 0, [username(15_000), username(19_999)]), doc('b', 1, [username(5_000), username(15_000)]));
    assert.deepEqual([r.failures, r.blocked, r.conflicts], [[], [], []]);
    assert.deepEqual([...targetOf(r.targets, key(0)).desired.keys()].sort(), [fleetIds.userArn(15_000), fleetIds.userArn(19_999)].sort());
    assert.deepEqual([...targetOf(r.targets, key(1)).desired.keys()].sort(), [fleetIds.userArn(5_000), fleetIds.userArn(15_000)].sort());
    assert.equal(calls('ListUsers').length, 1, 'the first page only');
    const searches = calls('SearchUsers').map((c) => c.input);
    assert.equal(searches.length, 4, 'the size, then each distinct name once, for both documents');
    assert.deepEqual(searches[0], { InstanceId: fleetIds.instanceId, MaxResults: 1 });
    assert.deepEqual(
      searches.slice(1).map((i) => (i.SearchCriteria as { StringCondition: unknown }).StringCondition).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      [5_000, 15_000, 19_999].map((i) => ({ FieldName: 'Username', Value: username(i), ComparisonType: 'EXACT' })),
    );
    assert.ok(h!.sandbox.calls.every((c) => c.status === 200), 'every request valid for AWS');
  });

  it('names all on the first page: that page and nothing else', async () => {
    const r = await resolve(doc('a', 0, [username(1), username(999)]));
    assert.equal(targetOf(r.targets, key(0)).desired.size, 2);
    assert.deepEqual(ops(h!.sandbox.calls).filter((o) => o !== 'ListWorkspaces'), ['ListUsers']);
  });

  it('a mistyped name among the look-ups: the scan is finished, so the failure is the scan\'s, with its "did you mean"', async () => {
    const r = await resolve(doc('a', 0, [username(15_000), 'user01500x']));
    const t = targetOf(r.targets, key(0));
    assert.deepEqual([...t.desired.keys()], [fleetIds.userArn(15_000)]);
    assert.equal(t.unresolved?.length, 1);
    assert.equal(t.unresolved![0]!.code, 'NameNotFound');
    assert.match(t.unresolved![0]!.message, /no user of instance \S+ is named 'user01500x'; did you mean 'user015000'\?/);
    assert.equal(calls('ListUsers').length, USERS / 1000, 'the whole scan');
    assert.equal(calls('SearchUsers').length, 3, 'the size and the two look-ups, before the scan');
  });

  it('more names than a handful (26): no SearchUsers at all, the scan', async () => {
    const names = Array.from({ length: 26 }, (_, i) => username(10_000 + i));
    const r = await resolve(doc('a', 0, names));
    assert.equal(targetOf(r.targets, key(0)).desired.size, 26);
    assert.equal(calls('SearchUsers').length, 0);
    assert.equal(calls('ListUsers').length, USERS / 1000);
  });

  it('without limits to weigh (a gate that has none): the scan, as before', async () => {
    const r = await resolveDesired(await files.load(doc('a', 0, [username(15_000)])), lookups(h!));
    assert.equal(targetOf(r.targets, key(0)).desired.size, 1);
    assert.equal(calls('SearchUsers').length, 0);
    assert.equal(calls('ListUsers').length, USERS / 1000);
  });

  it('a look-up that fails transiently leaves the target unresolved for the pass, nothing planned on it', async () => {
    h!.sandbox.setFaults({ scriptedErrors: [{ operation: 'SearchUsers', code: 'InternalServiceException' }] });
    try {
      const r = await resolve(doc('a', 0, [username(15_000)]));
      assert.deepEqual(r.targets.map((t) => t.key), []);
      assert.equal(r.failures.length, 1);
      assert.deepEqual([r.failures[0]!.error.operation, r.failures[0]!.error.code, r.failures[0]!.error.kind], ['SearchUsers', 'InternalServiceException', 'retryable']);
      assert.deepEqual(r.blocked, [key(0)]);
    } finally {
      h!.sandbox.setFaults({});
    }
  });
});
