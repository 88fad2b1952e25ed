/**
 * The reconcile loop end to end: the real sandbox on 127.0.0.1, real SDK clients, the real rate
 * limiter and providers. Each test settles by awaiting the reconciler itself (whenSettled), then
 * reads the sandbox's state directly (not over HTTP, so faults never touch the assertions).
 */
import assert from 'node:assert/strict';
import { DisassociateWorkspaceCommand } from '@aws-sdk/client-connect';
import { seededRandom, buildFleetSeed, fleetIds } from '../../src/sandbox/index.js';
import type { Target } from '../../src/config/types.js';
import type { CallGate } from '../../src/providers/types.js';
import {
  BILLING_DESK, INSTANCE, REGION, SUPERVISORS, SUPPORT_FLOOR, agent, assertConverged, connect, demoTargets, scheduled, sent, snapshot, startWorld, states, workspace, type World,
} from './world.js';

describe('Reconciler (sandbox, real SDK)', function () {
  this.timeout(15_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  describe('the demo world', () => {
    it('converges: additive targets keep extras (agent19), prune targets lose theirs (agent20, zoom), the ERROR deploy is Force-retried', async () => {
      w = await startWorld();
      const targets = await demoTargets();
      assert.equal(targets.length, 11);
      const before = snapshot(w, targets);
      const { reconciler } = w.run(targets);
      await reconciler.whenSettled();
      assertConverged(w, reconciler, targets, before);

      assert.ok(w.sandbox.connectAssociations(REGION, INSTANCE, SUPPORT_FLOOR).includes(agent(19)), 'agent19 stays on Support floor');
      assert.ok(!w.sandbox.connectAssociations(REGION, INSTANCE, SUPERVISORS).includes(agent(20)), 'agent20 removed from Supervisors');
      assert.ok(!w.live(workspace('ws-cc00000001', [])).includes('wsa-zoom000001'), 'zoom removed from ws-cc00000001');
      const forced = w.callsSince(0, 'DeployWorkspaceApplications').filter((c) => c.input.WorkspaceId === 'ws-eng0000002' && c.input.Force === true);
      assert.equal(forced.length, 1, 'one Force redeploy of ws-eng0000002');
      const done = [...reconciler.targetStates()].reduce((n, s) => n + s.done.disassociate, 0);
      assert.equal(done, 2, 'two removals: agent20 and zoom');
    });

    it('converges with throttling, 500s and connection resets on every call, under the sandbox quotas: nothing lost, nothing removed unasked', async () => {
      w = await startWorld({
        quotas: { scale: 20 },
        faults: { throttleRate: 0.2, errorRate: 0.1, resetRate: 0.05 },
        random: seededRandom(20261121),
      });
      const targets = await demoTargets();
      const before = snapshot(w, targets);
      const { reconciler } = w.run(targets, { limits: { connect: { rate: 40, burst: 100 }, workspaces: { rate: 100, burst: 200 } } });
      await reconciler.whenSettled();
      assertConverged(w, reconciler, targets, before);
      const faults = w.sandbox.calls.filter((c) => c.fault !== undefined && c.fault !== 'scripted');
      // How many calls a run makes depends on timing (retries, polls), so the count of faults does
      // too; what must hold is that faults really were in the way (about a third of ~60 calls).
      assert.ok(faults.length >= 5, `faults were injected (${faults.length})`);
      // Only the two removals the prune documents ask for.
      const removals = w.callsSince(0).filter((c) => c.status === 200 && /^Disassociate/.test(c.operation));
      assert.deepEqual([...new Set(removals.map((c) => String(c.input.ApplicationId ?? c.input.ResourceArns)))].sort(), [agent(20), 'wsa-zoom000001'].sort());
    });
  });

  describe('Connect FailedList items', () => {
    const cases: { reason: string; code: string; times?: number; status: 'failed' | 'converged'; attempts: number }[] = [
      { reason: '404 is terminal: reported once, not retried', code: '404', status: 'failed', attempts: 1 },
      { reason: '403 is terminal: reported once, not retried', code: '403', status: 'failed', attempts: 1 },
      { reason: '400 is terminal: reported once, not retried', code: '400', status: 'failed', attempts: 1 },
      { reason: '500 twice is retried with backoff and converges', code: '500', times: 2, status: 'converged', attempts: 3 },
      { reason: '429 is retried and converges', code: '429', times: 1, status: 'converged', attempts: 2 },
    ];
    for (const tc of cases) {
      it(tc.reason, async () => {
        const bad = agent(3);
        w = await startWorld({ faults: { failedList: [{ operation: 'AssociateWorkspace', resourceArn: bad, code: tc.code, times: tc.times }] } });
        const t = connect(BILLING_DESK, [bad, agent(4)]);
        const { reconciler } = w.run([t]);
        await reconciler.whenSettled();
        const st = states(reconciler).get(t.key)!;
        assert.equal(st.status, tc.status);
        assert.equal(w.callsSince(0, 'AssociateWorkspace').filter((c) => sent(c, bad)).length, tc.attempts, 'attempts for the failing ARN');
        const live = w.live(t);
        assert.ok(live.includes(agent(4)), 'the other ARN of the batch is associated');
        if (tc.status === 'failed') {
          assert.deepEqual([...st.terminal.keys()], [bad]);
          const f = st.terminal.get(bad)!;
          assert.deepEqual({ code: f.code, terminal: f.terminal, operation: f.operation, item: f.item }, { code: tc.code, terminal: true, operation: 'AssociateWorkspace', item: bad });
          assert.ok(!live.includes(bad));
          assert.equal(scheduled(reconciler), 0, 'nothing left to retry');
        } else {
          assert.ok(live.includes(bad));
          assert.equal(st.terminal.size, 0);
        }
      });
    }
  });

  describe('WorkSpaces deployment outcomes', () => {
    it('a ValidationError is terminal: reported, and never redeployed', async () => {
      w = await startWorld({ faults: { deployOutcomes: [{ workspaceId: 'ws-eng0000003', applicationId: 'wsa-slack00001', errorCode: 'ValidationError.UnsupportedOperatingSystem' }] } });
      const t = workspace('ws-eng0000003', ['wsa-slack00001', 'wsa-vscode0001']);
      const { reconciler } = w.run([t]);
      await reconciler.whenSettled();
      const st = states(reconciler).get(t.key)!;
      assert.equal(st.status, 'failed');
      const f = st.terminal.get('wsa-slack00001');
      assert.ok(f, 'the failed pair is reported');
      assert.deepEqual({ code: f.code, terminal: f.terminal }, { code: 'ValidationError.UnsupportedOperatingSystem', terminal: true });
      assert.deepEqual(
        w.sandbox.workspaceAssociations(REGION, 'ws-eng0000003').map((a) => [a.applicationId, a.state]),
        [['wsa-slack00001', 'ERROR'], ['wsa-vscode0001', 'COMPLETED']],
      );
      assert.equal(w.callsSince(0, 'DeployWorkspaceApplications').length, 1, 'one deploy, no redeploy');
      assert.equal(scheduled(reconciler), 0, 'nothing scheduled');
    });

    it('an application that does not exist fails terminally once: no redeploy loop, and the rest of the WorkSpace converges', async () => {
      w = await startWorld();
      const t = workspace('ws-eng0000003', ['wsa-nope0000001', 'wsa-slack00001']);
      const { reconciler } = w.run([t]);
      await reconciler.whenSettled();
      const st = states(reconciler).get(t.key)!;
      assert.equal(st.status, 'failed');
      assert.equal(st.terminal.get('wsa-nope0000001')?.code, 'ResourceNotFoundException');
      assert.deepEqual(w.live(t), ['wsa-slack00001']);
      const associates = w.callsSince(0, 'AssociateWorkspaceApplication').filter((c) => c.input.ApplicationId === 'wsa-nope0000001');
      assert.equal(associates.length, 1, 'the unknown application is tried once');
      assert.equal(w.callsSince(0, 'DeployWorkspaceApplications').length, 1, 'one deploy (for slack), none on the failure\'s account');
      assert.equal(scheduled(reconciler), 0, 'nothing scheduled: settled for good');
    });

    it('a DeploymentError is retried with Force and converges', async () => {
      w = await startWorld({ faults: { deployOutcomes: [{ workspaceId: 'ws-eng0000003', applicationId: 'wsa-slack00001', errorCode: 'DeploymentError.InternalServerError', times: 1 }] } });
      const t = workspace('ws-eng0000003', ['wsa-slack00001']);
      const { reconciler } = w.run([t]);
      await reconciler.whenSettled();
      assertConverged(w, reconciler, [t], new Map([[t.key, []]]));
      const deploys = w.callsSince(0, 'DeployWorkspaceApplications');
      assert.deepEqual(deploys.map((c) => c.input.Force ?? false), [false, true]);
    });
  });

  it('make before break: with prune, every AssociateWorkspace of a target is sent before any DisassociateWorkspace', async () => {
    w = await startWorld();
    // Supervisors has agent20 and routing profile 04; the desired state keeps neither of agent20.
    const t = connect(SUPERVISORS, [agent(16), agent(17), agent(18)], true);
    const { reconciler } = w.run([t]);
    await reconciler.whenSettled();
    const ops = w.callsSince(0).filter((c) => c.input.WorkspaceId === SUPERVISORS && c.operation !== 'SearchWorkspaceAssociations').map((c) => c.operation);
    assert.ok(ops.includes('AssociateWorkspace') && ops.includes('DisassociateWorkspace'), ops.join());
    assert.ok(ops.lastIndexOf('AssociateWorkspace') < ops.indexOf('DisassociateWorkspace'), ops.join());
    assert.deepEqual(w.live(t), [agent(16), agent(17), agent(18)].sort());
  });

  it('a whole-call terminal error (unknown Connect workspace) fails that target only; the others converge', async () => {
    w = await startWorld();
    const unknown = connect('00000000-dead-beef-0000-000000000000', [agent(5)]);
    const ok = connect(BILLING_DESK, [agent(11), agent(12)]);
    const { reconciler } = w.run([unknown, ok]);
    await reconciler.whenSettled();
    const s = states(reconciler);
    assert.equal(s.get(unknown.key)!.status, 'failed');
    const f = s.get(unknown.key)!.terminal.get(agent(5));
    assert.deepEqual({ code: f?.code, terminal: f?.terminal }, { code: 'ResourceNotFoundException', terminal: true });
    assert.equal(s.get(ok.key)!.status, 'converged');
    assert.ok(w.live(ok).includes(agent(11)) && w.live(ok).includes(agent(12)));
    assert.equal(w.callsSince(0, 'AssociateWorkspace').filter((c) => c.input.WorkspaceId === unknown.workspaceId).length, 1);
  });

  it('interrupted mid-run: no call starts after the abort, and a second run converges to exactly the desired state', async () => {
    const abortAfter = 10;
    let associates = 0;
    let onTenth: (() => void) | undefined;
    w = await startWorld({
      seed: buildFleetSeed({ connectWorkspaces: 8, arnsPerWorkspace: 10, users: 120, routingProfiles: 0, workspaces: 0, appsPerWorkspace: 0, applications: 0 }),
      quotas: { connect: { rate: 40, burst: 5 } },
      onCall: (c) => {
        if (c.operation === 'AssociateWorkspace' && c.status === 200 && ++associates === abortAfter) onTenth?.();
      },
    });
    // 8 workspaces × (associate users 10..109 in 4 batches, prune users 0..4): 400 ARNs added.
    const users = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => fleetIds.userArn(from + i));
    const targets = Array.from({ length: 8 }, (_, i) => connect(fleetIds.connectWorkspaceId(i), users(5, 105), true, fleetIds.instanceId));
    const limits = { connect: { rate: 40, burst: 5 } };

    let startedAfterAbort = 0;
    let callsAtAbort = 0;
    const first = w.run(targets, {
      limits,
      start: false,
      gate: (limiter, abort) => ({
        call: (info, send) =>
          limiter.call(info, () => {
            if (abort.signal.aborted) startedAfterAbort++;
            return send();
          }),
      }),
    });
    onTenth = () => {
      callsAtAbort = w!.sandbox.calls.length;
      first.abort.abort(new Error('interrupted'));
    };
    first.reconciler.start();
    await new Promise<void>((resolve) => first.abort.signal.addEventListener('abort', () => resolve(), { once: true }));
    await first.reconciler.stop();
    first.limiter.close();
    assert.equal(startedAfterAbort, 0, 'no call started after the abort');
    // Only calls already in flight may still have reached the sandbox (at most one burst per operation).
    assert.ok(w.sandbox.calls.length - callsAtAbort <= 10, `${w.sandbox.calls.length - callsAtAbort} calls answered after the abort`);
    const firstStates = [...first.reconciler.targetStates()];
    assert.ok(firstStates.some((s) => s.status !== 'converged'), 'the first run was cut short');
    for (const s of firstStates) assert.deepEqual([...s.terminal.values()], [], `${s.target.key}: an interruption is not a terminal failure`);
    const partial = targets.reduce((n, t) => n + w!.live(t).length, 0);
    assert.ok(partial < 8 * 100, `partial progress: ${partial} associations`);

    const second = w.run(targets, { limits });
    await second.reconciler.whenSettled();
    assertConverged(w, second.reconciler, targets, new Map());
  });

  describe('setTargets', () => {
    it('a changed target is requeued and its terminal failures forgotten; an unchanged one is left alone', async () => {
      w = await startWorld({ faults: { failedList: [{ operation: 'AssociateWorkspace', resourceArn: agent(3), code: '404' }] } });
      const billing = connect(BILLING_DESK, [agent(3), agent(4)]);
      const support = connect(SUPPORT_FLOOR, [agent(5)]);
      const { reconciler } = w.run([billing, support]);
      await reconciler.whenSettled();
      assert.equal(states(reconciler).get(billing.key)!.status, 'failed');

      // Same desired state: nothing to do, no call.
      const mark = w.sandbox.calls.length;
      assert.deepEqual(reconciler.setTargets([billing, support]), { added: 0, changed: 0, removed: 0 });
      await reconciler.whenSettled();
      assert.equal(w.sandbox.calls.length, mark);
      assert.equal(states(reconciler).get(billing.key)!.status, 'failed');

      // The operator fixes the cause and edits the document: the failed ARN is tried again.
      w.sandbox.setFaults({ failedList: [] });
      const edited = connect(BILLING_DESK, [agent(3), agent(4), agent(6)]);
      assert.deepEqual(reconciler.setTargets([edited, support]), { added: 0, changed: 1, removed: 0 });
      await reconciler.whenSettled();
      const st = states(reconciler).get(edited.key)!;
      assert.equal(st.status, 'converged');
      assert.equal(st.terminal.size, 0);
      assert.deepEqual(w.live(edited).filter((a) => edited.desired.has(a)).sort(), [...edited.desired.keys()].sort());
      assert.equal(w.callsSince(mark).filter((c) => c.input.WorkspaceId === SUPPORT_FLOOR && c.operation !== 'SearchWorkspaceAssociations').length, 0, 'the unchanged target is not touched');
    });

    it('prune turned on while a scan started for other targets runs: its result is not used for the changed target; a later scan sees the unlisted application, which is removed', async () => {
      // 30 WorkSpaces listing application 0, observed by the application-side view of the listed
      // applications; ws 0 also has application 1, which no document lists (that view cannot see it).
      const seed = buildFleetSeed({ connectWorkspaces: 0, arnsPerWorkspace: 0, workspaces: 30, appsPerWorkspace: 1, applications: 3 });
      const [app0, app1, app2] = [0, 1, 2].map((i) => fleetIds.applicationId(i)) as [string, string, string];
      seed.accounts[0]!.regions![REGION]!.workspaces!.workspaces![0]!.applications = [{ id: app0 }, { id: app1 }];
      w = await startWorld({ seed });
      let hold = false;
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const scanning = new Promise<void>((r) => (started = r));
      const { reconciler } = w.run(Array.from({ length: 30 }, (_, i) => workspace(fleetIds.workspaceId(i), [app0])), {
        gate: (limiter) => ({
          call(info, send) {
            if (!hold || info.operation !== 'DescribeApplicationAssociations') return limiter.call(info, send);
            return limiter.call(info, async () => {
              started();
              await released;
              return send();
            });
          },
        }),
      });
      await reconciler.whenSettled();
      // The other 29 now also want application 2: their scan (applications 0 and 2) sees ws 0 too, as it was.
      hold = true;
      const others = Array.from({ length: 29 }, (_, i) => workspace(fleetIds.workspaceId(i + 1), [app0, app2]));
      reconciler.setTargets([workspace(fleetIds.workspaceId(0), [app0]), ...others]);
      await scanning;
      // While that scan runs, ws 0 is made prune.
      const owned = workspace(fleetIds.workspaceId(0), [app0], true);
      assert.deepEqual(reconciler.setTargets([owned, ...others]), { added: 0, changed: 1, removed: 0 });
      release();
      await reconciler.whenSettled();
      assert.equal(states(reconciler).get(owned.key)!.status, 'converged');
      assert.deepEqual(w.live(owned), [app0], 'application 1 removed: the prune target was planned from a scan that can see it');
    });

    it('a removed target is never touched again, even while its deployment was being polled', async () => {
      w = await startWorld();
      const leaving = workspace('ws-eng0000003', ['wsa-slack00001']);
      const staying = workspace('ws-cc00000003', ['wsa-chrome0001', 'wsa-office0001']);
      let removedAt = -1;
      const { reconciler } = w.run([leaving, staying], {
        start: false,
        reconciler: {
          onPass: (e) => {
            if (e.key === leaving.key && e.status === 'waiting' && removedAt < 0) {
              removedAt = w!.sandbox.calls.length;
              assert.deepEqual(reconciler.setTargets([staying]), { added: 0, changed: 0, removed: 1 });
            }
          },
        },
      });
      reconciler.start();
      await reconciler.whenSettled();
      assert.ok(removedAt >= 0, 'the target was removed while waiting on its deployment');
      assert.deepEqual(w.callsSince(removedAt).filter((c) => c.input.WorkspaceId === leaving.workspaceId), []);
      assert.deepEqual([...reconciler.targetStates()].map((s) => s.target.key), [staying.key]);
      assertConverged(w, reconciler, [staying], new Map([[staying.key, []]]));
    });
  });

  it('resync() observes again and restores drift made behind its back', async () => {
    w = await startWorld();
    const t = connect(SUPPORT_FLOOR, [agent(3), agent(4)]);
    const { reconciler } = w.run([t]);
    await reconciler.whenSettled();
    assert.ok(w.live(t).includes(agent(3)));

    await w.clients.connect(REGION).send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: [agent(3)] }));
    assert.ok(!w.live(t).includes(agent(3)));
    const mark = w.sandbox.calls.length;
    reconciler.resync();
    await reconciler.whenSettled();
    assert.equal(w.callsSince(mark, 'SearchWorkspaceAssociations').length, 1, 'one new scan');
    const added = w.callsSince(mark, 'AssociateWorkspace');
    assert.deepEqual(added.map((c) => c.input.ResourceArns), [[agent(3)]], 'only the drifted ARN is re-added');
    assert.ok(w.live(t).includes(agent(3)));
    assert.equal(states(reconciler).get(t.key)!.status, 'converged');
  });
});
