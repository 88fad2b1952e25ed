/**
 * The daemon's resolve wiring, in process against the sandbox (test/daemon/harness.ts): a
 * transient look-up failure enforces nothing on the target (no removal) until a later reload
 * resolves it; a mistyped name holds the target's removals on every pass, and is logged once.
 */
import assert from 'node:assert/strict';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { agentArn, profileArn } from '../cli/demo-world.js';
import { waitFor } from '../cli/helpers.js';
import { hastyClock, startWorld, type DaemonWorld, type WorldOptions } from '../daemon/harness.js';
import { connectDoc } from './helpers.js';

const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
const SUPERVISORS = '5f4e3d2c-aaaa-bbbb-cccc-444455556666';
const supervisorsKey = `connect/us-east-1/${INSTANCE}/${SUPERVISORS}`;

describe('daemon: names and selectors resolved on every reload', function () {
  this.timeout(20_000);
  let w: DaemonWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });
  /** A daemon whose desired state is this one document (examples/ removed). */
  async function daemonWith(doc: string, o: WorldOptions = {}): Promise<DaemonWorld> {
    w = await startWorld({
      ...o,
      prepare: async (dir) => {
        for (const part of ['connect', 'workspaces']) for (const f of await readdir(join(dir, part))) await rm(join(dir, part, f));
        await writeFile(join(dir, 'connect', 'names.yaml'), doc);
      },
    });
    return w;
  }
  const live = () => w!.sandbox.connectAssociations('us-east-1', INSTANCE, SUPERVISORS);
  const removals = () => w!.sandbox.calls.filter((c) => /^Disassociate/.test(c.operation));
  const settledNow = () => waitFor('the reconciler to settle', () => w!.daemon.reconciler.isSettled());
  const stateOf = () => [...w!.daemon.reconciler.targetStates()].find((s) => s.target.key === supervisorsKey);

  it('a transient ListUsers failure at start: the target is not enforced (nothing removed); the next reload resolves and enforces it', async () => {
    const doc = connectDoc('supervisors', ['workspaceName: Supervisors', 'users: [agent16]', 'routingProfiles: [Supervisors]', 'prune: true']);
    await daemonWith(doc, { sandbox: { faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'InternalServiceException', times: 3 }] } } });
    await settledNow();
    assert.equal(stateOf(), undefined, 'Supervisors is not a target of this pass');
    assert.equal(w!.logged('name resolution failed; those targets wait for the next try').length, 1);
    assert.deepEqual(removals(), []);
    assert.deepEqual(live(), [agentArn(20), profileArn(4)].sort());

    assert.equal(await w!.daemon.reload('test: retry'), 'applied');
    await waitFor('Supervisors converged', () => stateOf()?.status === 'converged');
    assert.deepEqual(live(), [agentArn(16), profileArn(4)].sort(), 'agent20 pruned once the names resolved');
  });

  it('after a transient look-up failure the daemon tries again by itself (5 s on its clock), with no edit or reload asked', async () => {
    const doc = connectDoc('supervisors', ['workspaceName: Supervisors', 'users: [agent16]', 'routingProfiles: [Supervisors]', 'prune: true']);
    // The retry comes 5 s later on the daemon's clock; this one runs those delays 25× sooner.
    await daemonWith(doc, { daemon: { clock: hastyClock(25) }, sandbox: { faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'InternalServiceException', times: 3 }] } } });
    await waitFor('Supervisors converged', () => stateOf()?.status === 'converged', { timeoutMs: 10_000 });
    assert.equal(w!.logged('desired state applied').at(-1)?.reason, 'retry name resolution');
    assert.deepEqual(live(), [agentArn(16), profileArn(4)].sort());
  });

  it('a mistyped username in a prune document: its removals are held on every pass (reload and resync), the name logged once', async () => {
    const doc = connectDoc('supervisors', ['workspaceName: Supervisors', 'users: [agent16, agnet20]', 'routingProfiles: [Supervisors]', 'prune: true']);
    await daemonWith(doc);
    await settledNow();
    assert.equal(stateOf()?.held?.reason, 'names-unresolved');
    assert.deepEqual(live(), [agentArn(16), agentArn(20), profileArn(4)].sort());
    await w!.daemon.resync('test: resync');
    await settledNow();
    assert.equal(await w!.daemon.reload('test: reload'), 'unchanged');
    await settledNow();
    assert.deepEqual(removals(), []);
    assert.deepEqual(live(), [agentArn(16), agentArn(20), profileArn(4)].sort());
    assert.equal(stateOf()?.held?.reason, 'names-unresolved');
    const logged = w!.logs.filter((l) => l.item === 'user agnet20');
    assert.equal(logged.length, 1, 'logged when it appears, not on every pass');
    assert.match(logged[0]!.msg, /did you mean 'agent20'\?/);
    assert.equal(await w!.metric('workspace_reconciler_removals_held', { kind: 'connect', reason: 'names-unresolved' }), 1);
  });

  it('/metrics shows what each document selected: its targets and its items', async () => {
    const doc = connectDoc('billing', ['workspaceName: Billing desk', 'userSelector:', '  tags: {team: billing}']);
    await daemonWith(doc);
    await settledNow();
    const labels = { kind: 'ConnectWorkspaceAssociations', document: 'billing' };
    assert.equal(await w!.metric('workspace_reconciler_document_selected', { ...labels, what: 'targets' }), 1);
    assert.equal(await w!.metric('workspace_reconciler_document_selected', { ...labels, what: 'items' }), 5, 'agent11..agent15');
  });
});
