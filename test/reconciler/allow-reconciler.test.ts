/**
 * The Reconciler with an allow-list (a reviewed plan): every pass is restricted, so a retry or a
 * requeue after drift never makes an action the reviewed plan did not contain.
 */
import assert from 'node:assert/strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { AssociateWorkspaceCommand } from '@aws-sdk/client-connect';
import type { Allowance } from '../../src/reconciler/allow.js';
import { INSTANCE, REGION, SUPERVISORS, agent, connect, startWorld, states, type World } from './world.js';

const allow = (key: string, a: Partial<Record<keyof Allowance, string[]>>) =>
  new Map([[key, { associate: new Set(a.associate ?? []), disassociate: new Set(a.disassociate ?? []), deploy: new Set(a.deploy ?? []) }]]);

describe('Reconciler with an allow-list (apply --plan)', function () {
  this.timeout(15_000);
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('a pass requeued after a failed association re-plans under the allow-list: drift added meanwhile is not removed', async () => {
    w = await startWorld();
    const t = connect(SUPERVISORS, [agent(16)], true);
    // The first association attempts fail (every SDK attempt): the pass holds its removals and is requeued.
    w.sandbox.setFaults({ scriptedErrors: [{ operation: 'AssociateWorkspace', code: 'InternalServiceException', times: 3 }] });
    const before = w.live(t);
    assert.ok(before.includes(agent(20)) && !before.includes(agent(19)), before.join(' '));
    let drifted = false;
    const { reconciler } = w.run([t], {
      reconciler: { allow: allow(t.key, { associate: [agent(16)], disassociate: [agent(20)] }) },
      gate: (limiter) => ({
        async call(info, send) {
          const result = await limiter.call(info, send).catch((err: unknown) => {
            // After the first failed association, someone associates agent19 by hand.
            if (info.operation === 'AssociateWorkspace' && !drifted) {
              drifted = true;
              return w!.clients.connect(REGION).send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPERVISORS, ResourceArns: [agent(19)] })).then(() => Promise.reject(err));
            }
            throw err;
          });
          return result;
        },
      }),
    });
    await reconciler.whenSettled();
    assert.ok(drifted, 'the drift was made');
    const st = states(reconciler).get(t.key)!;
    assert.equal(st.status, 'converged');
    const live = w.live(t);
    assert.ok(live.includes(agent(16)), 'the reviewed association was made on the retry');
    assert.ok(!live.includes(agent(20)), 'the reviewed removal was made');
    assert.ok(live.includes(agent(19)), 'the unreviewed drift was not removed');
    // The Supervisors routing profile (associated in the demo world, not desired here) was not reviewed either.
    const profile = `arn:aws:connect:${REGION}:123456789012:instance/${INSTANCE}/routing-profile/7a6b5c4d-0000-1111-2222-333344445504`;
    assert.ok(live.includes(profile));
    assert.deepEqual(st.outsidePlan?.disassociate, [agent(19), profile]);
    const removed = w.callsSince(0, 'DisassociateWorkspace').flatMap((c) => c.input.ResourceArns as string[]);
    assert.deepEqual(removed, [agent(20)]);
    assert.deepEqual([...st.made.associate, ...st.made.disassociate], [agent(16), agent(20)]);
  });

  it('a target the allow-list does not name gets no call at all, whatever it needs', async () => {
    w = await startWorld();
    const t = connect(SUPERVISORS, [agent(16)], true);
    const { reconciler } = w.run([t], { reconciler: { allow: new Map() } });
    await reconciler.whenSettled();
    assert.deepEqual(w.sandbox.calls.filter((c) => !/^(Search|Describe|List)/.test(c.operation)), []);
    const st = states(reconciler).get(t.key)!;
    assert.deepEqual(st.outsidePlan?.associate, [agent(16)]);
    assert.ok(st.outsidePlan?.disassociate.includes(agent(20)));
  });
});
