/**
 * What stops names and selectors from removing what nobody asked to remove (DESIGN.md, "Names,
 * selectors and accounts", Outcomes; and Semantics, removals): the resolver's result fed to the
 * real Reconciler, against the sandbox with the real SDK. Each test is written as "what stops
 * it", and checks the sandbox's own state and call log, not only the reconciler's word.
 */
import assert from 'node:assert/strict';
import type { Target } from '../../src/config/types.js';
import { runOnce } from '../../src/reconciler/run-once.js';
import { resolveDesired, type ResolveResult } from '../../src/resolve/index.js';
import type { CallRecord, SandboxOptions } from '../../src/sandbox/index.js';
import { startWorld, states, type World } from '../reconciler/world.js';
import {
  BILLING_DESK, CONTACT_FLOOR, Files, REGION, SUPERVISORS, SUPPORT_FLOOR, agent, connectDoc, demoSeed, desiredOf, lookups, routingProfile, workspacesDoc,
} from './helpers.js';

const supervisorsKey = `connect/${REGION}/4c1b2f0e-1111-2222-3333-444455556666/${SUPERVISORS}`;
const cc = (n: number) => `ws-cc0000000${n}`;
const wsKey = (id: string) => `workspaces/${REGION}/${id}`;
/** The Supervisors workspace of the demo world: agent20 (by hand) and the Supervisors routing profile. */
const SUPERVISORS_BEFORE = [agent(20), routingProfile(4)].sort();
const isRemoval = (c: CallRecord) => /^Disassociate/.test(c.operation);
const isMutation = (c: CallRecord) => /^(Associate|Disassociate|Deploy)/.test(c.operation);

describe('resolve safety: what stops names and selectors from removing what nobody asked to remove', function () {
  this.timeout(20_000);
  let w: World | undefined;
  const files = new Files();
  const world = async (o: SandboxOptions = {}) => (w = await startWorld(o));
  const resolve = async (...docs: string[]): Promise<ResolveResult> => resolveDesired(await files.load(...docs), lookups(w!));
  const liveSupervisors = () => w!.sandbox.connectAssociations(REGION, '4c1b2f0e-1111-2222-3333-444455556666', SUPERVISORS);
  const liveApps = (id: string) => w!.sandbox.workspaceAssociations(REGION, id).filter((a) => a.state !== 'REMOVED').map((a) => a.applicationId).sort();
  const mutations = (since = 0) => w!.sandbox.calls.slice(since).filter(isMutation);
  async function reconcile(targets: Target[]) {
    const { reconciler } = w!.run(targets);
    await reconciler.whenSettled();
    return states(reconciler);
  }
  afterEach(async () => {
    await w?.close();
    w = undefined;
    await files.remove();
  });

  describe('an unresolved name holds every removal of its target', () => {
    it('prune: true with a mistyped username: the user it was probably meant for (agent20) is not removed, the rest proceeds', async () => {
      await world();
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
      const r = await resolve(connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16, agnet20]', 'routingProfiles: [Supervisors]', 'prune: true']));
      assert.deepEqual(r.targets[0]!.unresolved?.map((u) => u.item), ['user agnet20']);
      const st = (await reconcile(r.targets)).get(supervisorsKey)!;
      assert.deepEqual(w!.sandbox.calls.filter(isRemoval), [], 'no removal was sent');
      assert.deepEqual(liveSupervisors(), [agent(16), ...SUPERVISORS_BEFORE].sort(), 'agent16 added; agent20 kept');
      assert.equal(st.status, 'failed');
      assert.deepEqual({ reason: st.held?.reason, count: st.held?.count, sample: st.held?.sample }, { reason: 'names-unresolved', count: 1, sample: [agent(20)] });
      assert.match(st.held!.message, /user agnet20 could not be resolved \(NameNotFound\)/);

      // The typo fixed: the name resolves, agent20 is desired, nothing is removed and the target converges.
      const fixed = await resolve(connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16, agent20]', 'routingProfiles: [Supervisors]', 'prune: true']));
      const after = (await reconcile(fixed.targets)).get(supervisorsKey)!;
      assert.equal(after.status, 'converged');
      assert.equal(after.held, undefined);
      assert.deepEqual(liveSupervisors(), [agent(16), ...SUPERVISORS_BEFORE].sort());
      assert.deepEqual(w!.sandbox.calls.filter(isRemoval), []);
    });

    it('the same mistake kept on a resync stays held (a later pass does not forget the name is unresolved)', async () => {
      await world();
      const r = await resolve(connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16, agnet20]', 'prune: true']));
      const { reconciler } = w!.run(r.targets);
      await reconciler.whenSettled();
      reconciler.resync();
      await reconciler.whenSettled();
      // The next pass of a daemon resolves again: the same unresolved name, the same target.
      reconciler.setTargets((await resolve(connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16, agnet20]', 'prune: true']))).targets);
      await reconciler.whenSettled();
      assert.deepEqual(w!.sandbox.calls.filter(isRemoval), []);
      assert.deepEqual(liveSupervisors(), [agent(16), ...SUPERVISORS_BEFORE].sort());
      assert.equal(states(reconciler).get(supervisorsKey)!.held?.reason, 'names-unresolved');
    });

    it('a mistyped username as the only name of a prune target: nothing is removed at all', async () => {
      await world();
      const r = await resolve(connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'users: [agnet20]', 'prune: true']));
      assert.deepEqual(desiredOf(r.targets[0]!), []);
      const st = (await reconcile(r.targets)).get(supervisorsKey)!;
      assert.deepEqual(mutations(), []);
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
      assert.equal(st.status, 'failed');
      // The reason given is the typo, not the empty set (whose advice, allowEmpty, would not help).
      assert.deepEqual({ reason: st.held?.reason, count: st.held?.count }, { reason: 'names-unresolved', count: 2 });
      // allowEmpty does not lift it: the name still does not resolve.
      const allowed = await resolve(connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'users: [agnet20]', 'prune: true', 'allowEmpty: true']));
      const st2 = (await reconcile(allowed.targets)).get(supervisorsKey)!;
      assert.deepEqual(mutations(), []);
      assert.equal(st2.held?.reason, 'names-unresolved');
    });

    it('WorkSpaces: prune: true with a mistyped application name keeps the application it was meant for; the named one is installed', async () => {
      await world();
      assert.deepEqual(liveApps(cc(1)), ['wsa-zoom000001']);
      const r = await resolve(workspacesDoc('cc1', [`workspaceIds: [${cc(1)}]`, 'applications: [Google Chrome, Zoom Workplac]', 'prune: true']));
      const st = (await reconcile(r.targets)).get(wsKey(cc(1)))!;
      assert.deepEqual(w!.sandbox.calls.filter(isRemoval), []);
      assert.deepEqual(liveApps(cc(1)), ['wsa-chrome0001', 'wsa-zoom000001']);
      assert.equal(w!.sandbox.workspaceAssociations(REGION, cc(1)).find((a) => a.applicationId === 'wsa-chrome0001')?.state, 'COMPLETED');
      assert.equal(st.status, 'failed');
      assert.deepEqual({ reason: st.held?.reason, sample: st.held?.sample }, { reason: 'names-unresolved', sample: ['wsa-zoom000001'] });
    });

    it('two applications of the same name (NameAmbiguous) on a prune target: neither is picked, nothing is removed', async () => {
      const seed = demoSeed();
      seed.accounts[0]!.regions['us-east-1']!.workspaces!.applications!.push({ id: 'wsa-zoom000002', name: 'Zoom Workplace' });
      await world({ seed });
      const r = await resolve(workspacesDoc('cc1', [`workspaceIds: [${cc(1)}]`, 'applications: [Slack, Zoom Workplace]', 'prune: true']));
      assert.equal(r.targets[0]!.unresolved?.[0]?.code, 'NameAmbiguous');
      const st = (await reconcile(r.targets)).get(wsKey(cc(1)))!;
      assert.deepEqual(w!.sandbox.calls.filter(isRemoval), []);
      assert.deepEqual(liveApps(cc(1)), ['wsa-slack00001', 'wsa-zoom000001']);
      assert.equal(st.held?.reason, 'names-unresolved');
    });
  });

  describe('a selector with a name that does not resolve selects nothing, never something broader', () => {
    it('a mistyped routing profile in a userSelector: no SearchUsers is sent (without the condition it would select more), nothing added, nothing removed', async () => {
      await world();
      // Meant: users of Contact floor with routing profile Support (agent06-10). Without the
      // routing-profile condition the search would also select agent16-18.
      const r = await resolve(
        connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, `resourceArns: [${routingProfile(4)}]`, 'userSelector:', `  hierarchyGroupIds: [${CONTACT_FLOOR}]`, '  routingProfiles: [Suport]', 'prune: true']),
      );
      assert.deepEqual(w!.sandbox.calls.filter((c) => c.operation === 'SearchUsers'), [], 'the selector was not searched without its condition');
      const t = r.targets[0]!;
      assert.deepEqual(desiredOf(t), [routingProfile(4)]);
      assert.deepEqual(t.unresolved?.map((u) => [u.item, u.code]), [['routing profile Suport (userSelector)', 'NameNotFound']]);
      assert.match(t.unresolved![0]!.message, /did you mean 'Support'\?/);
      const st = (await reconcile(r.targets)).get(supervisorsKey)!;
      assert.deepEqual(mutations(), [], 'nothing associated, nothing removed');
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
      assert.equal(st.held?.reason, 'names-unresolved');
      assert.deepEqual(st.held?.sample, [agent(20)]);
    });

    it('one good and one mistyped routing profile: the good one alone is not searched either (it would select a different set)', async () => {
      await world();
      const r = await resolve(connectDoc('billing', [`workspaceId: ${BILLING_DESK}`, 'userSelector:', '  routingProfiles: [Billing, Supervisor]', 'prune: true']));
      assert.deepEqual(w!.sandbox.calls.filter((c) => c.operation === 'SearchUsers'), []);
      assert.deepEqual(desiredOf(r.targets[0]!), []);
      assert.deepEqual(r.targets[0]!.unresolved?.map((u) => u.item), ['routing profile Supervisor (userSelector)']);
    });
  });

  describe('a transient look-up failure leaves the target out: nothing planned, nothing pruned', () => {
    it('ListUsers failing (InternalServiceException, SDK retries spent): the target is blocked and never observed; a later resolve includes it', async () => {
      await world({ faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'InternalServiceException', times: 3 }] } });
      const doc = connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16]', 'routingProfiles: [Supervisors]', 'prune: true']);
      const first = await resolve(doc);
      assert.equal(w!.sandbox.calls.filter((c) => c.operation === 'ListUsers').length, 3, 'the SDK tried three times');
      assert.deepEqual(first.targets, []);
      assert.deepEqual(first.blocked, [supervisorsKey]);
      assert.equal(first.failures.length, 1);
      assert.equal(first.failures[0]!.error.kind, 'retryable');
      assert.equal(first.failures[0]!.error.operation, 'ListUsers');
      const mark = w!.sandbox.calls.length;
      await reconcile(first.targets);
      assert.deepEqual(w!.sandbox.calls.slice(mark), [], 'not even observed');
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);

      // The fault has passed: the next resolve includes the target and its removals are made.
      const second = await resolve(doc);
      assert.deepEqual([second.failures, second.blocked], [[], []]);
      assert.deepEqual(second.targets.map((t) => t.key), [supervisorsKey]);
      const st = (await reconcile(second.targets)).get(supervisorsKey)!;
      assert.equal(st.status, 'converged');
      assert.deepEqual(liveSupervisors(), [agent(16), routingProfile(4)].sort());
    });

    it('a transient failure of one document blocks the target another document shares with it', async () => {
      await world({ faults: { scriptedErrors: [{ operation: 'ListRoutingProfiles', code: 'InternalServiceException', times: 3 }] } });
      const r = await resolve(
        connectDoc('a', [`workspaceId: ${SUPPORT_FLOOR}`, `resourceArns: [${agent(3)}]`]),
        connectDoc('b', [`workspaceId: ${SUPPORT_FLOOR}`, 'routingProfiles: [Support]']),
      );
      assert.deepEqual(r.targets, []);
      assert.equal(r.blocked.length, 1);
    });

    it('apply (runOnce) retries the resolution within its deadline: the run ends converged, with the target included', async () => {
      await world({ faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'InternalServiceException', times: 5 }] } });
      const state = await files.load(connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16]', 'routingProfiles: [Supervisors]', 'prune: true']));
      const run = w!.run([], { start: false });
      let resolutions = 0;
      const result = await runOnce({
        reconciler: run.reconciler,
        targets: state.targets,
        resolve: () => {
          resolutions++;
          return resolveDesired(state, lookups(w!));
        },
        maxPrune: 100,
        timeoutMs: 15_000,
        observeRetryMs: 1,
        signal: new AbortController().signal,
        deadline: run.abort,
      });
      assert.equal(resolutions, 2, 'the first resolution failed (3 attempts), the second succeeded');
      assert.deepEqual(result.resolution?.failures, []);
      assert.equal(states(run.reconciler).get(supervisorsKey)?.status, 'converged');
      assert.deepEqual(liveSupervisors(), [agent(16), routingProfile(4)].sort());
    });
  });

  describe('a document that fails to resolve cannot hide an ownership conflict', () => {
    // 'owner' claims Supervisors exclusively by id; 'other' names the same workspace by name and
    // wants agent20. Resolved, that is an ownership conflict: nothing is applied. When 'other'
    // cannot be resolved, the conflict cannot be seen, and 'owner' alone would prune agent20.
    const owner = connectDoc('owner', [`workspaceId: ${SUPERVISORS}`, `resourceArns: [${agent(16)}, ${routingProfile(4)}]`, 'prune: true']);
    const other = connectDoc('other', ['workspaceName: Supervisors', 'users: [agent20]']);

    it('resolved: the conflict is reported and Supervisors is excluded', async () => {
      await world();
      const r = await resolve(owner, other);
      assert.deepEqual(r.conflicts.map((c) => c.key), [supervisorsKey]);
      assert.deepEqual(r.targets, []);
    });

    it('a transient ListUsers failure of the by-name document (its workspace already known): the target is blocked, agent20 stays', async () => {
      await world({ faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'InternalServiceException', times: 3 }] } });
      const r = await resolve(owner, other);
      assert.deepEqual(r.targets.map((t) => t.key), [], 'Supervisors is not enforced this pass');
      assert.deepEqual(r.blocked, [supervisorsKey]);
      await reconcile(r.targets);
      assert.deepEqual(w!.sandbox.calls.filter(isRemoval), []);
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
    });

    it('a transient ListWorkspaces failure (which workspace it names is unknown): prune targets of that instance are blocked, agent20 stays', async () => {
      await world({ faults: { scriptedErrors: [{ operation: 'ListWorkspaces', code: 'InternalServiceException', times: 3 }] } });
      const additive = connectDoc('additive', [`workspaceId: ${SUPPORT_FLOOR}`, `resourceArns: [${agent(3)}]`]);
      const r = await resolve(owner, other, additive);
      assert.ok(!r.targets.some((t) => t.key === supervisorsKey), 'the prune target of that instance is not enforced this pass');
      assert.ok(r.blocked.includes(supervisorsKey));
      assert.ok(r.targets.some((t) => t.key.endsWith(SUPPORT_FLOOR)), 'an additive target of the instance proceeds: it cannot prune');
      assert.deepEqual(r.failures.map((f) => f.keys), [[supervisorsKey]], 'the failure names the target it leaves out');
      await reconcile(r.targets);
      assert.deepEqual(w!.sandbox.calls.filter(isRemoval), []);
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
    });

    it('a terminal ListUsers failure (AccessDenied): the target is not applied, agent20 stays, the failure is reported', async () => {
      await world({ faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'AccessDeniedException' }] } });
      const r = await resolve(owner, other);
      assert.equal(r.failures.length, 1);
      assert.equal(r.failures[0]!.error.kind, 'terminal');
      assert.ok(!r.targets.some((t) => t.key === supervisorsKey));
      assert.ok(r.failures[0]!.keys.includes(supervisorsKey), 'the failure names the target it leaves out');
      await reconcile(r.targets);
      assert.deepEqual(w!.sandbox.calls.filter(isRemoval), []);
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
    });

    it('WorkSpaces: a transient DescribeWorkspaces failure of a selector document: the prune WorkSpace it may select is not pruned', async () => {
      await world({ faults: { scriptedErrors: [{ operation: 'DescribeWorkspaces', code: 'InternalServerException', times: 3 }] } });
      const r = await resolve(
        workspacesDoc('owner', [`workspaceIds: [${cc(1)}]`, 'applicationIds: [wsa-chrome0001]', 'prune: true']),
        workspacesDoc('fleet', ['workspaces:', '  - directoryId: d-9067c0ffee', 'applications: [Zoom Workplace]']),
      );
      assert.ok(!r.targets.some((t) => t.key === wsKey(cc(1))));
      await reconcile(r.targets);
      assert.deepEqual(w!.sandbox.calls.filter(isRemoval), []);
      assert.deepEqual(liveApps(cc(1)), ['wsa-zoom000001']);
    });

    it('a workspaceName that names nothing (NameNotFound) reaches no target: prune targets of the instance proceed', async () => {
      await world();
      const r = await resolve(owner, connectDoc('typo', ['workspaceName: Night desk', 'users: [agent20]']));
      assert.equal(r.failures[0]?.error.code, 'NameNotFound');
      assert.deepEqual(r.failures[0]!.keys, []);
      assert.deepEqual(r.targets.map((t) => t.key), [supervisorsKey]);
    });

    it('an ambiguous workspaceName (NameAmbiguous) reaches every workspace of that name: a prune target among them is left out, others proceed', async () => {
      const seed = demoSeed();
      const ws = seed.accounts[0]!.regions['us-east-1']!.connect!.instances![0]!.workspaces!;
      ws.find((x) => x.id === SUPERVISORS)!.name = 'Desk';
      ws.find((x) => x.id === BILLING_DESK)!.name = 'Desk';
      await world({ seed });
      const r = await resolve(owner, connectDoc('other', ['workspaceName: Desk', 'users: [agent20]']), connectDoc('support', [`workspaceId: ${SUPPORT_FLOOR}`, `resourceArns: [${agent(1)}]`, 'prune: true']));
      assert.equal(r.failures[0]?.error.code, 'NameAmbiguous');
      assert.deepEqual(r.failures[0]!.keys.sort(), [`connect/${REGION}/4c1b2f0e-1111-2222-3333-444455556666/${BILLING_DESK}`, supervisorsKey].sort(), 'both workspaces of that name');
      assert.deepEqual(r.blocked, [supervisorsKey]);
      assert.deepEqual(r.targets.map((t) => t.key), [`connect/${REGION}/4c1b2f0e-1111-2222-3333-444455556666/${SUPPORT_FLOOR}`]);
      await reconcile(r.targets);
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
    });

    it('an additive target beside a document that failed terminally still proceeds (only what could hide a prune conflict is held back)', async () => {
      await world({ faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'AccessDeniedException' }] } });
      const r = await resolve(
        connectDoc('additive', [`workspaceId: ${SUPPORT_FLOOR}`, `resourceArns: [${agent(3)}]`]),
        connectDoc('other', ['workspaceName: Support floor', 'users: [agent04]']),
      );
      assert.deepEqual(r.targets.map((t) => t.key), [`connect/${REGION}/4c1b2f0e-1111-2222-3333-444455556666/${SUPPORT_FLOOR}`]);
    });
  });

  describe('a prune target whose desired set is empty is refused unless allowEmpty', () => {
    it('a userSelector that matches nobody: nothing removed; with allowEmpty: true the removals are made', async () => {
      await world();
      const doc = (extra: string[]) => connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'userSelector:', '  tags: {team: nobody}', 'prune: true', ...extra]);
      const r = await resolve(doc([]));
      assert.deepEqual(r.failures, []);
      // On a prune target a selector that selects nobody is reported (likely a typo) and holds the removals.
      assert.deepEqual(r.targets[0]?.unresolved?.map((u) => `${u.item} ${u.code}`), ['userSelector SelectsNothing']);
      assert.deepEqual(desiredOf(r.targets[0]!), []);
      const st = (await reconcile(r.targets)).get(supervisorsKey)!;
      assert.deepEqual(mutations(), []);
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
      assert.equal(st.status, 'failed');
      assert.deepEqual({ reason: st.held?.reason, count: st.held?.count }, { reason: 'names-unresolved', count: 2 });

      const allowed = await resolve(doc(['allowEmpty: true']));
      const st2 = (await reconcile(allowed.targets)).get(supervisorsKey)!;
      assert.equal(st2.status, 'converged');
      assert.deepEqual(liveSupervisors(), []);
    });

    it('a mistyped tag value beside listed users: the selector selects nobody, so the users it was meant for are not pruned', async () => {
      await world();
      // Supervisors holds agent20 and the Supervisors profile; the selector was meant to keep agent20's team.
      const r = await resolve(connectDoc('supervisors', [`workspaceId: ${SUPERVISORS}`, 'routingProfiles: [Supervisors]', 'userSelector:', '  tags: {team: supervisorz}', 'prune: true']));
      assert.ok(desiredOf(r.targets[0]!).length > 0, 'the desired set is not empty: the empty-set refusal would not catch it');
      const st = (await reconcile(r.targets)).get(supervisorsKey)!;
      assert.deepEqual(mutations().filter((c) => c.operation === 'DisassociateWorkspace'), [], 'nothing removed');
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
      assert.equal(st.held?.reason, 'names-unresolved');
    });

    it('a WorkSpace that leaves a selection is no longer managed, and never cleaned up', async () => {
      await world();
      const doc = (users: string) => workspacesDoc('selected', ['workspaces:', '  - directoryId: d-9067a1b2c3', `    userNames: [${users}]`, 'applicationIds: [wsa-slack00001]', 'prune: true']);
      const first = await resolve(doc('eng1, eng2'));
      await reconcile(first.targets);
      assert.ok(liveApps('ws-eng0000001').includes('wsa-slack00001'));
      const mark = w!.sandbox.calls.length;
      // eng1 leaves the selection: its WorkSpace is no target any more, and keeps what it has.
      const second = await resolve(doc('eng2'));
      assert.deepEqual(second.targets.map((t) => t.key), ['workspaces/us-east-1/ws-eng0000002']);
      const before = liveApps('ws-eng0000001');
      await reconcile(second.targets);
      assert.deepEqual(liveApps('ws-eng0000001'), before, 'nothing removed from the WorkSpace that left');
      assert.deepEqual(mutations(mark).filter((c) => c.input.WorkspaceId === 'ws-eng0000001'), []);
    });

    it('a WorkSpaces selector that matches nothing makes no target at all: no WorkSpace is touched', async () => {
      await world();
      const r = await resolve(workspacesDoc('nothing', ['workspaces:', '  - directoryId: d-9067c0ffee', '    tags: {dept: nobody}', 'applicationIds: []', 'prune: true', 'allowEmpty: true']));
      assert.deepEqual(r.targets, []);
      await reconcile(r.targets);
      assert.deepEqual(mutations(), []);
    });
  });

  describe('two documents resolving to the same target with prune: true: an ownership conflict, the target excluded', () => {
    it('Connect: one document by workspaceId, one by workspaceName', async () => {
      await world();
      const r = await resolve(
        connectDoc('owner', [`workspaceId: ${SUPERVISORS}`, 'users: [agent16]', 'prune: true']),
        connectDoc('other', ['workspaceName: Supervisors', 'users: [agent17]']),
        connectDoc('elsewhere', ['workspaceName: Billing desk', 'users: [agent11]']),
      );
      assert.equal(r.conflicts.length, 1);
      const c = r.conflicts[0]!;
      assert.equal(c.key, supervisorsKey);
      assert.deepEqual(c.documents.map((d) => d.name).sort(), ['other', 'owner']);
      assert.match(c.message, /ownership conflict/);
      assert.deepEqual(r.targets.map((t) => t.key), [`connect/${REGION}/4c1b2f0e-1111-2222-3333-444455556666/${BILLING_DESK}`]);
      await reconcile(r.targets);
      assert.deepEqual(mutations().filter((m) => m.input.WorkspaceId === SUPERVISORS), [], 'nothing applied to the contested workspace');
      assert.deepEqual(liveSupervisors(), SUPERVISORS_BEFORE);
      assert.equal(mutations().length, 1, 'the other target proceeds');
    });

    it('WorkSpaces: one document by id, one by directory selector; the contested WorkSpace is untouched, the others proceed', async () => {
      await world();
      const r = await resolve(
        workspacesDoc('owner', [`workspaceIds: [${cc(1)}]`, 'applications: [Slack]', 'prune: true']),
        workspacesDoc('fleet', ['workspaces:', '  - directoryId: d-9067c0ffee', 'applicationIds: [wsa-chrome0001]']),
      );
      assert.deepEqual(r.conflicts.map((c) => c.key), [wsKey(cc(1))]);
      assert.deepEqual(r.targets.map((t) => t.key), [2, 3, 4].map((n) => wsKey(cc(n))));
      await reconcile(r.targets);
      assert.deepEqual(mutations().filter((m) => m.input.WorkspaceId === cc(1)), []);
      assert.deepEqual(liveApps(cc(1)), ['wsa-zoom000001']);
      for (const n of [2, 3, 4]) assert.ok(liveApps(cc(n)).includes('wsa-chrome0001'), cc(n));
    });
  });
});
