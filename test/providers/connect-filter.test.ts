/**
 * The per-workspace filtered SearchWorkspaceAssociations (sandbox, real SDK): used when cheaper
 * than the instance scan, verified against an unfiltered page and item by item, and given up for
 * the full scan, logged once, when the sandbox (by its seed's `faults.searchCriteria`) rejects or
 * ignores the filter. Whatever the mode, what is observed is exactly what the instance holds.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { Writable } from 'node:stream';
import type { WorkspaceAssociationSearchSummary } from '@aws-sdk/client-connect';
import { ConnectProvider, type SearchEvent } from '../../src/providers/connect/index.js';
import { chooseSearch } from '../../src/providers/connect/filter.js';
import type { ObserveOutcome } from '../../src/providers/types.js';
import { buildFleetSeed, fleetIds, type Seed } from '../../src/sandbox/index.js';
import { connectTarget, startHarness, type Harness } from './fixtures.js';
import { RateLimiter } from '../../src/reconciler/ratelimit.js';

const REGION = 'us-east-1';
const target = (i: number) => connectTarget(fleetIds.connectWorkspaceId(i), REGION, fleetIds.instanceId);
const users = (from: number, n: number) => Array.from({ length: n }, (_, i) => fleetIds.userArn(from + i));

/** 10 workspaces × 30 users (workspace i holds users 10i..10i+29): 300 associations, 6 pages of 50. */
function seed(mode?: 'honour' | 'reject' | 'ignore'): Seed {
  const s = buildFleetSeed({ connectWorkspaces: 10, arnsPerWorkspace: 0, users: 200, workspaces: 0, appsPerWorkspace: 0, applications: 0 });
  const inst = s.accounts[0]!.regions![REGION]!.connect!.instances![0]!;
  inst.workspaces!.forEach((w, i) => (w.associations = Array.from({ length: 30 }, (_, k) => fleetIds.userId(10 * i + k))));
  if (mode) s.faults = { searchCriteria: mode };
  return s;
}

function arns(o: ObserveOutcome | undefined): string[] {
  assert.ok(o?.ok && o.observed.type === 'connect', 'observed');
  return [...o.observed.associated].sort();
}

function memoryLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { out.push(String(chunk)); cb(); } });
  return { logger: pino({ level: 'info' }, stream), lines: () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('providers/connect filtered search', () => {
  describe('chooseSearch (pure)', () => {
    const cases: { reason: string; c: Parameters<typeof chooseSearch>[0]; want: 'filtered' | 'full' }[] = [
      { reason: 'one workspace of a 100,000-association instance: filtered', c: { total: 100_000, pageSize: 500, verdict: 'honoured', workspaces: [500] }, want: 'filtered' },
      { reason: 'every workspace of the bench instance: the scan (a tie goes to it)', c: { total: 100_000, pageSize: 500, verdict: 'honoured', workspaces: Array(200).fill(500) }, want: 'full' },
      { reason: 'the check costs one page while the filter is not trusted', c: { total: 1500, pageSize: 500, verdict: 'unknown', workspaces: [undefined] }, want: 'full' },
      { reason: 'unknown workspaces are guessed at one page', c: { total: 3000, pageSize: 500, verdict: 'unknown', workspaces: [undefined, undefined] }, want: 'filtered' },
      { reason: 'a rejected filter is never used again', c: { total: 100_000, pageSize: 500, verdict: 'rejected', workspaces: [1] }, want: 'full' },
      { reason: 'an ignored filter is never used again', c: { total: 100_000, pageSize: 500, verdict: 'ignored', workspaces: [1] }, want: 'full' },
      { reason: 'no ApproximateTotalCount: the scan', c: { total: undefined, pageSize: 500, verdict: 'honoured', workspaces: [1] }, want: 'full' },
    ];
    for (const tc of cases) it(tc.reason, () => assert.equal(chooseSearch(tc.c), tc.want));
  });

  describe('against the sandbox', () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('honoured: one workspace costs the first page, the check and its own search, instead of 6 pages', async () => {
      h = await startHarness({ seed: seed('honour') });
      const events: SearchEvent[] = [];
      const provider = new ConnectProvider({ clients: h.clients, pageSize: 50, onSearch: (e) => events.push(e) });
      const t = target(5);
      const got = await provider.observe([t]);
      assert.deepEqual(arns(got.get(t.key)), users(50, 30).sort());
      const calls = h.sandbox.calls;
      assert.equal(calls.length, 3);
      assert.equal(calls[0]!.input.SearchCriteria, undefined);
      // The check: the first workspace of the unfiltered page, then the one asked for.
      assert.deepEqual(calls.slice(1).map((c) => c.input.SearchCriteria), [0, 5].map((i) => ({ StringCondition: { FieldName: 'WorkspaceId', Value: fleetIds.connectWorkspaceId(i), ComparisonType: 'EXACT' } })));
      // Trusted now: the first page and the workspace's own search.
      await provider.observe([t]);
      assert.equal(h.sandbox.calls.length, 5);
      assert.deepEqual(events.map((e) => [e.mode, e.calls]), [['filtered', 3], ['filtered', 2]]);
    });

    for (const mode of ['reject', 'ignore'] as const) {
      it(`${mode}ed by the sandbox: falls back to the full scan for the instance, logged once, observing exactly what it holds`, async () => {
        h = await startHarness({ seed: seed(mode) });
        const log = memoryLogger();
        const events: SearchEvent[] = [];
        const provider = new ConnectProvider({ clients: h.clients, pageSize: 50, logger: log.logger, onSearch: (e) => events.push(e) });
        for (let round = 0; round < 2; round++) {
          const got = await provider.observe([target(5), target(0)]);
          assert.deepEqual(arns(got.get(target(5).key)), users(50, 30).sort());
          assert.deepEqual(arns(got.get(target(0).key)), users(0, 30).sort());
        }
        // First: page 1, the refused or betrayed check, pages 2..6. Then: the plain scan.
        assert.deepEqual(events.map((e) => [e.mode, e.calls, e.fellBack]), [['full', 7, mode === 'reject' ? 'rejected' : 'ignored'], ['full', 6, undefined]]);
        const warnings = log.lines().filter((l) => l.level === 40);
        assert.equal(warnings.length, 1, JSON.stringify(log.lines()));
        assert.equal(warnings[0]!.verdict, mode === 'reject' ? 'rejected' : 'ignored');
        if (mode === 'reject') assert.equal(h.sandbox.calls.filter((c) => c.status === 400).length, 1);
      });
    }

    it('rejected through the rate limiter, as the commands wire it (the error classified: the AWS code in `code`): falls back, nothing fails', async () => {
      h = await startHarness({ seed: seed('reject') });
      const events: SearchEvent[] = [];
      const limiter = new RateLimiter({ limits: { connect: { rate: 10_000, burst: 100 } } });
      const provider = new ConnectProvider({ clients: h.clients, pageSize: 50, gate: limiter, onSearch: (e) => events.push(e) });
      try {
        const got = await provider.observe([target(5)]);
        assert.equal(got.get(target(5).key)?.ok, true, JSON.stringify(got.get(target(5).key)));
        assert.deepEqual(arns(got.get(target(5).key)), users(50, 30).sort());
        assert.deepEqual(events.map((e) => [e.mode, e.fellBack]), [['full', 'rejected']]);
      } finally {
        limiter.close();
      }
    });

    it('ignored: a due workspace on the first page is checked against it, and any foreign item ends the trust', async () => {
      h = await startHarness({ seed: seed('ignore') });
      const provider = new ConnectProvider({ clients: h.clients, pageSize: 50 });
      const got = await provider.observe([target(9)]);
      assert.deepEqual(arns(got.get(target(9).key)), users(90, 30).sort());
      // Nothing filtered was believed: every SearchCriteria answer after the check is unused.
      assert.equal(h.sandbox.calls.filter((c) => c.input.SearchCriteria !== undefined).length, 1);
    });
  });

  describe('a prune target is never pruned on the basis of an ignored filter', () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    /** What a reconciler that trusts the filter would do: take every answer as the asked workspace's. */
    class TrustingProvider extends ConnectProvider {
      protected override belongs(_a: WorkspaceAssociationSearchSummary, _workspaceId: string): boolean {
        return true;
      }
    }

    async function pruneRun(provider: (h: Harness) => ConnectProvider): Promise<{ disassociated: string[]; live: string[] }> {
      h = await startHarness({ seed: seed('ignore'), now: Date.now });
      const { Reconciler } = await import('../../src/reconciler/reconciler.js');
      const { WorkSpacesProvider } = await import('../../src/providers/workspaces/index.js');
      // Workspace 5, prune: true, wants exactly what it has.
      const t = { ...target(5), desired: new Map(users(50, 30).map((a) => [a, { file: 't.yaml', line: 1, col: 1 }])), prune: true };
      const r = new Reconciler({ providers: { connect: provider(h), workspaces: new WorkSpacesProvider({ clients: h.clients }) }, pollIntervalMs: 10, backoff: { baseMs: 5, maxMs: 20 } });
      r.setTargets([t]);
      r.start();
      await r.whenSettled();
      await r.stop();
      const disassociated = h.sandbox.calls.filter((c) => c.operation === 'DisassociateWorkspace').flatMap((c) => c.input.ResourceArns as string[]);
      return { disassociated, live: h.sandbox.connectAssociations(REGION, fleetIds.instanceId, fleetIds.connectWorkspaceId(5)).sort() };
    }

    it('the reconciler: no removal, the workspace keeps all it has', async () => {
      const { disassociated, live } = await pruneRun((h) => new ConnectProvider({ clients: h.clients, pageSize: 50 }));
      assert.deepEqual(disassociated, []);
      assert.deepEqual(live, users(50, 30).sort());
    });

    it('the sandbox catches a reconciler that trusts the filter: it sends removals of what the workspace never had', async () => {
      const { disassociated } = await pruneRun((h) => new TrustingProvider({ clients: h.clients, pageSize: 50 }));
      assert.ok(disassociated.length > 0, 'a trusting reconciler prunes on the ignored filter');
      assert.ok(disassociated.every((a) => !users(50, 30).includes(a)));
    });
  });
});
