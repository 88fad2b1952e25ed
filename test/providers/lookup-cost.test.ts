/** The scan-or-look-up choice for usernames: a pure cost function, table-driven. */
import assert from 'node:assert/strict';
import { chooseUserResolution, HANDFUL, lookupCost, scanCost, type UserLookupCostInput } from '../../src/providers/connect/lookup-cost.js';

// The published quotas (aws-api.md §6): ListUsers 10/s, SearchUsers 2/s; bursts as the limiter's defaults.
const LIMITS = { scan: { rate: 10, burst: 10 }, lookup: { rate: 2, burst: 5 } };
const input = (names: number, users: number, pagesRead = 0): UserLookupCostInput => ({ names, users, pagesRead, ...LIMITS });

describe('providers: scan or look up usernames (lookup-cost)', () => {
  const cases: { reason: string; names: number; users: number; pagesRead?: number; want: 'scan' | 'lookup' }[] = [
    { reason: '3 names on 100,000 users: 3 look-ups beat 100 pages', names: 3, users: 100_000, want: 'lookup' },
    { reason: '3 names on 100,000 users after the first page: 3 look-ups beat 99 more pages', names: 3, users: 100_000, pagesRead: 1, want: 'lookup' },
    { reason: '20 names on 100,000 users: 20 look-ups (7.5 s at 2/s) still beat 99 pages (8.9 s at 10/s)', names: 20, users: 100_000, pagesRead: 1, want: 'lookup' },
    { reason: '30 names on 100,000 users: fewer calls, but 12.5 s of look-ups against 8.9 s of scan: the scan', names: 30, users: 100_000, pagesRead: 1, want: 'scan' },
    { reason: '500 names on 10,000 users (the resolve benchmark): the scan', names: 500, users: 10_000, want: 'scan' },
    { reason: '2 names on 1,000 users: one page is one call', names: 2, users: 1_000, want: 'scan' },
    { reason: '1 name on 1,000 users: one call either way, and the scan is what is made already', names: 1, users: 1_000, want: 'scan' },
    { reason: '1 name on 2,000 users after the first page: one call either way, the scan', names: 1, users: 2_000, pagesRead: 1, want: 'scan' },
    { reason: '1 name on 3,000 users after the first page: 1 look-up against 2 pages', names: 1, users: 3_000, pagesRead: 1, want: 'lookup' },
    { reason: 'no name: nothing to look up, the scan (never called for nothing)', names: 0, users: 100_000, want: 'scan' },
    { reason: 'an empty instance: one page', names: 3, users: 0, want: 'scan' },
  ];
  for (const tc of cases) {
    it(tc.reason, () => {
      assert.equal(chooseUserResolution(input(tc.names, tc.users, tc.pagesRead)), tc.want);
    });
  }

  it('costs: calls and their rate-limit bound', () => {
    assert.deepEqual(scanCost(input(3, 100_000, 1)), { calls: 99, seconds: 8.9 });
    assert.deepEqual(scanCost(input(3, 1, 0)), { calls: 1, seconds: 0 });
    assert.deepEqual(scanCost(input(3, 1_000, 1)), { calls: 0, seconds: 0 });
    assert.deepEqual(lookupCost(input(3, 100_000)), { calls: 3, seconds: 0 });
    assert.deepEqual(lookupCost(input(25, 100_000)), { calls: 25, seconds: 10 });
  });

  it('HANDFUL: beyond it, look-ups lose on any instance of up to 100,000 users, so the size probe is never worth it', () => {
    for (let users = 1_000; users <= 100_000; users += 1_000) {
      assert.equal(chooseUserResolution(input(HANDFUL + 1, users, 1)), 'scan', `${users} users`);
    }
    assert.equal(chooseUserResolution(input(HANDFUL, 150_000, 1)), 'lookup', 'within it, a large instance is where look-ups win');
  });

  it('refuses counts that are not whole numbers >= 0, naming the field', () => {
    assert.throws(() => chooseUserResolution(input(-1, 10)), /Expected `names` to be an integer >= 0, got -1/);
    assert.throws(() => chooseUserResolution(input(1, 1.5)), /Expected `users` to be an integer >= 0, got 1.5/);
    assert.throws(() => chooseUserResolution(input(1, 10, Number.NaN)), /Expected `pagesRead` to be an integer >= 0, got NaN/);
  });
});
