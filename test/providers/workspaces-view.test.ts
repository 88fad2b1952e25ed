/**
 * The WorkSpaces observation view: the pure choice (chooseView), and the provider against the
 * sandbox with real SDK clients: the application-side view reports exactly what the WorkSpace-side
 * view reports, costs its pages, serves a prune WorkSpace only from the whole catalogue, and gives
 * up for one call per WorkSpace when it turns out dearer than that.
 */
import assert from 'node:assert/strict';
import type { WorkSpaceTarget } from '../../src/config/types.js';
import type { ObserveOutcome } from '../../src/providers/types.js';
import { WorkSpacesProvider, type ViewEvent } from '../../src/providers/workspaces/index.js';
import { chooseView, pagesFor, type ViewCounts } from '../../src/providers/workspaces/view.js';
import { buildFleetSeed, fleetIds, type CallRecord } from '../../src/sandbox/index.js';
import { REGION, startHarness, workSpaceTarget, type Harness } from './fixtures.js';

const here = { file: 't.yaml', line: 1, col: 1 };
function target(workspaceId: string, apps: string[], prune = false): WorkSpaceTarget {
  return { ...workSpaceTarget(workspaceId), desired: new Map(apps.map((a) => [a, here])), prune };
}

function applications(o: ObserveOutcome | undefined): unknown {
  assert.ok(o?.ok && o.observed.type === 'workspaces', 'observed');
  return [...o.observed.applications.values()].sort((a, b) => (a.applicationId < b.applicationId ? -1 : 1));
}

describe('providers/workspaces observation view', () => {
  describe('chooseView (pure)', () => {
    const cases: { reason: string; counts: ViewCounts; want: ReturnType<typeof chooseView> }[] = [
      { reason: 'nothing due: no calls', counts: { due: 0, duePrune: 0, listedPages: 5 }, want: { view: 'per-workspace', calls: 0 } },
      { reason: 'the bench fleet: 2,000 WorkSpaces × 3 applications of 2,000 each = 240 pages', counts: { due: 2000, duePrune: 0, listedPages: 3 * pagesFor(2000) }, want: { view: 'listed', calls: 240 } },
      { reason: 'a tie goes to one call per WorkSpace', counts: { due: 3, duePrune: 0, listedPages: 3 }, want: { view: 'per-workspace', calls: 3 } },
      { reason: 'a few WorkSpaces of a big application: one call each', counts: { due: 4, duePrune: 0, listedPages: 400 }, want: { view: 'per-workspace', calls: 4 } },
      { reason: 'an empty scan still costs a call', counts: { due: 1, duePrune: 0, listedPages: 0 }, want: { view: 'per-workspace', calls: 1 } },
      { reason: 'prune WorkSpaces without a known catalogue: listed view plus one call each', counts: { due: 100, duePrune: 10, listedPages: 12 }, want: { view: 'listed', calls: 22 } },
      { reason: 'all prune, catalogue cheap: the catalogue view, and one prune WorkSpace read on its own', counts: { due: 100, duePrune: 100, listedPages: 12, cataloguePages: 30 }, want: { view: 'catalogue', calls: 31 } },
      { reason: 'a tie with the probe counted goes to one call per WorkSpace', counts: { due: 7, duePrune: 7, listedPages: 6, cataloguePages: 6 }, want: { view: 'per-workspace', calls: 7 } },
      { reason: 'all prune, catalogue dear: one call each', counts: { due: 100, duePrune: 100, listedPages: 12, cataloguePages: 500 }, want: { view: 'per-workspace', calls: 100 } },
      { reason: 'mixed: the catalogue beats listed + one call per prune WorkSpace', counts: { due: 100, duePrune: 50, listedPages: 12, cataloguePages: 40 }, want: { view: 'catalogue', calls: 41 } },
      { reason: 'mixed: listed + prune calls beats the catalogue', counts: { due: 100, duePrune: 5, listedPages: 12, cataloguePages: 40 }, want: { view: 'listed', calls: 17 } },
    ];
    for (const tc of cases) it(tc.reason, () => assert.deepEqual(chooseView(tc.counts), tc.want));

    it('pagesFor: 25 per page, an empty list is one page', () => {
      assert.deepEqual([0, 1, 25, 26, 2000].map((n) => pagesFor(n)), [1, 1, 1, 2, 80]);
    });
  });

  describe('against the sandbox', () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('the application-side view reports every WorkSpace exactly as the WorkSpace-side view does, in 25s', async () => {
      // 60 WorkSpaces × 2 applications, every association state present, some in flight.
      const states = ['PENDING_INSTALL', 'PENDING_INSTALL_DEPLOYMENT', 'PENDING_UNINSTALL', 'PENDING_UNINSTALL_DEPLOYMENT', 'INSTALLING', 'UNINSTALLING', 'ERROR', 'COMPLETED', 'REMOVED'] as const;
      const seed = buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 60, appsPerWorkspace: 0, applications: 3 });
      const ws = seed.accounts[0]!.regions![REGION]!.workspaces!.workspaces!;
      ws.forEach((w, i) => {
        const s = states[i % states.length]!;
        w.applications = [
          { id: fleetIds.applicationId(0), state: s, ...(s === 'ERROR' ? { errorCode: 'DeploymentError.WorkspaceUnreachable', errorMessage: 'Unreachable.' } : {}) },
          ...(i % 2 === 0 ? [{ id: fleetIds.applicationId(1) }] : []),
        ];
      });
      h = await startHarness({ seed, stepDelayMs: 1000 });
      const targets = ws.map((w) => target(w.id, [fleetIds.applicationId(0), fleetIds.applicationId(1)]));
      const events: ViewEvent[] = [];
      const byApp = new WorkSpacesProvider({ clients: h.clients, onView: (e) => events.push(e) });
      const byWorkSpace = new WorkSpacesProvider({ clients: h.clients, applicationView: false });
      // Twice: as seeded, and after the in-flight states moved on one step (both views advance alike).
      for (let round = 0; round < 2; round++) {
        const mark = h.sandbox.calls.length;
        const a = await byApp.observe(targets);
        const appCalls: CallRecord[] = h!.sandbox.calls.slice(mark);
        assert.deepEqual(appCalls.map((c) => c.operation), Array(appCalls.length).fill('DescribeApplicationAssociations'));
        // ⌈60/25⌉ pages of application 0, ⌈30/25⌉ of application 1.
        assert.equal(appCalls.length, 3 + 2);
        assert.ok(appCalls.every((c) => c.input.MaxResults === 25));
        const b = await byWorkSpace.observe(targets);
        for (const t of targets) assert.deepEqual(applications(a.get(t.key)), applications(b.get(t.key)), t.key);
        h.clock.now += 1000;
      }
      assert.deepEqual(events.map((e) => [e.view, e.calls]), [['listed', 5], ['listed', 5]]);
    });

    it('from nothing: one empty page per listed application instead of one call per WorkSpace', async () => {
      h = await startHarness({ seed: buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 40, appsPerWorkspace: 0, applications: 3 }) });
      const targets = Array.from({ length: 40 }, (_, i) => target(fleetIds.workspaceId(i), [fleetIds.applicationId(0), fleetIds.applicationId(1), fleetIds.applicationId(2)]));
      const got = await new WorkSpacesProvider({ clients: h.clients }).observe(targets);
      assert.equal(h.sandbox.calls.length, 3);
      for (const t of targets) assert.deepEqual(applications(got.get(t.key)), []);
    });

    it('complete (export): every WorkSpace read on its own record, whatever the view would cost', async () => {
      h = await startHarness({ seed: buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 40, appsPerWorkspace: 1, applications: 3 }) });
      const targets = Array.from({ length: 40 }, (_, i) => target(fleetIds.workspaceId(i), []));
      const got = await new WorkSpacesProvider({ clients: h.clients }).observe(targets, undefined, undefined, { complete: true });
      assert.deepEqual(h.sandbox.calls.map((c) => c.operation), Array(40).fill('DescribeWorkspaceAssociations'));
      for (const t of targets) assert.deepEqual(applications(got.get(t.key)), [{ applicationId: fleetIds.applicationId(0), state: 'COMPLETED' }]);
    });

    it('a prune WorkSpace is never served by the listed applications alone: it sees an application nobody listed', async () => {
      const seed = buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 40, appsPerWorkspace: 1, applications: 2 });
      // ws 0 also has application 1, which no document lists.
      seed.accounts[0]!.regions![REGION]!.workspaces!.workspaces![0]!.applications = [{ id: fleetIds.applicationId(0) }, { id: fleetIds.applicationId(1) }];
      h = await startHarness({ seed });
      const listed = [fleetIds.applicationId(0)];
      const events: ViewEvent[] = [];
      const provider = new WorkSpacesProvider({ clients: h.clients, onView: (e) => events.push(e) });

      // 39 non-prune WorkSpaces and one prune one: listed view (2 pages) plus one call for the prune one.
      const mixed = Array.from({ length: 40 }, (_, i) => target(fleetIds.workspaceId(i), listed, i === 0));
      const a = await provider.observe(mixed);
      assert.deepEqual(events.at(-1)?.view, 'listed');
      assert.deepEqual(h.sandbox.calls.map((c) => c.operation).sort(), ['DescribeApplicationAssociations', 'DescribeApplicationAssociations', 'DescribeWorkspaceAssociations']);
      assert.deepEqual(h.sandbox.calls.find((c) => c.operation === 'DescribeWorkspaceAssociations')?.input.WorkspaceId, fleetIds.workspaceId(0));
      assert.deepEqual((applications(a.get(mixed[0]!.key)) as { applicationId: string }[]).map((x) => x.applicationId), [fleetIds.applicationId(0), fleetIds.applicationId(1)]);

      // All prune: the catalogue (DescribeApplications) and every application in it.
      const mark = h.sandbox.calls.length;
      const prune = Array.from({ length: 40 }, (_, i) => target(fleetIds.workspaceId(i), listed, true));
      const b = await provider.observe(prune);
      assert.equal(events.at(-1)?.view, 'catalogue');
      const ops = h.sandbox.calls.slice(mark).map((c) => `${c.operation} ${String(c.input.ApplicationId ?? c.input.WorkspaceId ?? '')}`.trim());
      // And one prune WorkSpace read on its own record (in turn, one per pass): the first.
      assert.deepEqual(ops.sort(), [
        `DescribeApplicationAssociations ${fleetIds.applicationId(0)}`,
        `DescribeApplicationAssociations ${fleetIds.applicationId(0)}`,
        `DescribeApplicationAssociations ${fleetIds.applicationId(1)}`,
        'DescribeApplications',
        `DescribeWorkspaceAssociations ${fleetIds.workspaceId(0)}`,
      ]);
      assert.deepEqual((applications(b.get(prune[0]!.key)) as { applicationId: string }[]).map((x) => x.applicationId), [fleetIds.applicationId(0), fleetIds.applicationId(1)]);
      assert.deepEqual((applications(b.get(prune[1]!.key)) as { applicationId: string }[]).map((x) => x.applicationId), [fleetIds.applicationId(0)]);
    });

    it("the catalogue view also scans the WorkSpaces' own applications that DescribeApplications leaves out: they are seen, not re-associated every pass", async () => {
      const seed = buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 40, appsPerWorkspace: 1, applications: 2 });
      const [app0, app1] = [fleetIds.applicationId(0), fleetIds.applicationId(1)];
      // Every WorkSpace has application 0; the first 10 also have application 1, which the catalogue listing leaves out.
      seed.accounts[0]!.regions![REGION]!.workspaces!.workspaces!.forEach((w, i) => (w.applications = [{ id: app0 }, ...(i < 10 ? [{ id: app1 }] : [])]));
      h = await startHarness({ seed, faults: { unlistedApplications: [app1] } });
      const events: ViewEvent[] = [];
      const provider = new WorkSpacesProvider({ clients: h.clients, onView: (e) => events.push(e) });
      const prune = Array.from({ length: 40 }, (_, i) => target(fleetIds.workspaceId(i), i < 10 ? [app0, app1] : [app0], true));
      const seen = await provider.observe(prune);
      assert.equal(events.at(-1)?.view, 'catalogue');
      const scans = h.sandbox.calls.filter((c) => c.operation === 'DescribeApplicationAssociations').map((c) => String(c.input.ApplicationId));
      assert.ok(scans.includes(app1), 'application 1 scanned although the catalogue did not list it');
      for (let i = 0; i < 40; i++) {
        const want = i < 10 ? [app0, app1] : [app0];
        assert.deepEqual((applications(seen.get(prune[i]!.key)) as { applicationId: string }[]).map((x) => x.applicationId), want, `ws ${i}`);
      }
    });

    it('an application the catalogue leaves out and no document lists is learnt from the prune WorkSpace read in turn, then scanned for all', async () => {
      const seed = buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 40, appsPerWorkspace: 1, applications: 2 });
      const [app0, app1] = [fleetIds.applicationId(0), fleetIds.applicationId(1)];
      // ws 3 also has application 1: no document wants it, and the catalogue listing leaves it out.
      seed.accounts[0]!.regions![REGION]!.workspaces!.workspaces![3]!.applications = [{ id: app0 }, { id: app1 }];
      h = await startHarness({ seed, faults: { unlistedApplications: [app1] } });
      const events: ViewEvent[] = [];
      const provider = new WorkSpacesProvider({ clients: h.clients, onView: (e) => events.push(e) });
      const prune = Array.from({ length: 40 }, (_, i) => target(fleetIds.workspaceId(i), [app0], true));
      const ws3 = (o: Map<string, ObserveOutcome>) => (applications(o.get(prune[3]!.key)) as { applicationId: string }[]).map((x) => x.applicationId);
      // Passes 0..2 read ws 0..2 on their own: nobody has seen application 1 yet.
      for (let pass = 0; pass < 3; pass++) assert.deepEqual(ws3(await provider.observe(prune)), [app0], `pass ${pass}`);
      // Pass 3 reads ws 3 on its own record, which shows application 1 (to be removed).
      assert.deepEqual(ws3(await provider.observe(prune)), [app0, app1]);
      // From then on the catalogue view scans application 1 too, whichever WorkSpace is read in turn.
      const mark = h.sandbox.calls.length;
      assert.deepEqual(ws3(await provider.observe(prune)), [app0, app1]);
      assert.ok(h.sandbox.calls.slice(mark).some((c) => c.operation === 'DescribeApplicationAssociations' && c.input.ApplicationId === app1));
      assert.ok(events.every((e) => e.view === 'catalogue'));
    });

    it("one application's failed scan stops the other scans of the same observation: no pages are read for nothing", async () => {
      const seed = buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 200, appsPerWorkspace: 2, applications: 2 });
      h = await startHarness({ seed, faults: { scriptedErrors: [{ operation: 'DescribeApplicationAssociations', code: 'AccessDeniedException', times: 1 }] } });
      // A gate that knows the calls it let through, to wait until none is left (a scan left running would go on calling).
      const pending = new Set<Promise<unknown>>();
      const gate = {
        call<T>(_info: unknown, send: () => Promise<T>): Promise<T> {
          const p = send();
          pending.add(p);
          void p.then(() => pending.delete(p), () => pending.delete(p));
          return p;
        },
      };
      const provider = new WorkSpacesProvider({ clients: h.clients, gate });
      const apps = [fleetIds.applicationId(0), fleetIds.applicationId(1)];
      const targets = Array.from({ length: 200 }, (_, i) => target(fleetIds.workspaceId(i), apps));
      const out = await provider.observe(targets);
      assert.ok([...out.values()].every((o) => !o.ok && o.error.code === 'AccessDeniedException'), 'every target reports the failed scan');
      while (pending.size > 0) {
        await Promise.allSettled([...pending]);
        await new Promise((resolve) => setImmediate(resolve)); // let a scan still running ask for its next page
      }
      // 8 pages each: the failed first page, and of the other application at most the pages already asked for.
      const scans = h.sandbox.calls.filter((c) => c.operation === 'DescribeApplicationAssociations');
      assert.ok(scans.length <= 3, `${scans.length} DescribeApplicationAssociations calls`);
    });

    it('gives up the application-side view once it costs more than one call per WorkSpace, and remembers', async () => {
      // Application 0 is on 300 WorkSpaces; only 4 are managed.
      h = await startHarness({ seed: buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 300, appsPerWorkspace: 1, applications: 1 }) });
      const targets = Array.from({ length: 4 }, (_, i) => target(fleetIds.workspaceId(i), [fleetIds.applicationId(0)]));
      const events: ViewEvent[] = [];
      const provider = new WorkSpacesProvider({ clients: h.clients, onView: (e) => events.push(e) });
      const a = await provider.observe(targets);
      for (const t of targets) assert.deepEqual(applications(a.get(t.key)), [{ applicationId: fleetIds.applicationId(0), state: 'COMPLETED' }]);
      assert.equal(events[0]?.abandoned, true);
      assert.ok(h.sandbox.calls.length <= 2 * targets.length, `${h.sandbox.calls.length} calls`);
      const mark = h.sandbox.calls.length;
      await provider.observe(targets);
      assert.deepEqual(h.sandbox.calls.slice(mark).map((c) => c.operation), Array(4).fill('DescribeWorkspaceAssociations'));
    });

    it('observes only the due WorkSpaces one by one, and the others only when the view sees them anyway', async () => {
      h = await startHarness({ seed: buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 30, appsPerWorkspace: 1, applications: 1 }) });
      const targets = Array.from({ length: 30 }, (_, i) => target(fleetIds.workspaceId(i), [fleetIds.applicationId(0)]));
      const provider = new WorkSpacesProvider({ clients: h.clients });
      const few = await provider.observe(targets, undefined, new Set([targets[0]!.key]));
      assert.deepEqual([...few.keys()], [targets[0]!.key]);
      assert.equal(h.sandbox.calls.length, 1);
      const all = await provider.observe(targets, undefined, new Set(targets.slice(0, 10).map((t) => t.key)));
      // Two pages see all 30: every target is observed, the 20 not due included.
      assert.equal(all.size, 30);
      assert.equal(h.sandbox.calls.length, 3);
    });
  });
});


