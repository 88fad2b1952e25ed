/**
 * The daemon with shards (in process, against the sandbox): it reconciles only the targets of
 * the shards it holds; a shard gained is reconciled at once, a shard lost is left alone. The
 * ownership here is a plain set the test moves by hand (the lease side has its own tests).
 */
import assert from 'node:assert/strict';
import { DisassociateWorkspaceCommand } from '@aws-sdk/client-connect';
import type { ShardChange, ShardOwnership } from '../../src/coordination/shard.js';
import { agentArn, assertConverged, INSTANCE, LONDON_INSTANCE, WORKSPACE } from '../cli/demo-world.js';
import { isMutating, waitFor } from '../cli/helpers.js';
import { startWorld, type DaemonWorld } from '../daemon/harness.js';

const US = 'default/us-east-1';
const LONDON = 'default/eu-west-2';

class HandOwnership implements ShardOwnership {
  shards: string[] = [];
  private readonly held = new Set<string>();
  private readonly listeners: ((c: ShardChange) => void)[] = [];
  constructor(initial: string[]) {
    for (const s of initial) this.held.add(s);
  }
  setShards(shards: readonly string[]): void {
    this.shards = [...shards];
  }
  owns(shard: string): boolean {
    return this.held.has(shard);
  }
  subscribe(listener: (c: ShardChange) => void): void {
    this.listeners.push(listener);
  }
  gain(shard: string): void {
    this.held.add(shard);
    for (const l of this.listeners) l({ gained: [shard], lost: [] });
  }
  lose(shard: string): void {
    this.held.delete(shard);
    for (const l of this.listeners) l({ gained: [], lost: [shard] });
  }
}

describe('daemon: shards', () => {
  let w: DaemonWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });
  const writesIn = (world: DaemonWorld, region: string, from = 0) => world.sandbox.calls.slice(from).filter((c) => c.region === region && isMutating(c));

  it('reconciles the targets of the shards it holds, a gained shard at once, a lost one no more', async () => {
    const shards = new HandOwnership([LONDON]);
    w = await startWorld({ daemon: { ownership: shards } });
    const world = w;
    await waitFor('the daemon to settle', () => world.daemon.reconciler.isSettled() && world.daemon.readiness().ready);
    assert.deepEqual(shards.shards, [LONDON, US], 'the daemon tells the shards of the whole desired state');
    assert.ok(writesIn(world, 'eu-west-2').length > 0, 'London reconciled');
    assert.deepEqual(writesIn(world, 'us-east-1'), [], 'us-east-1 is not ours: not a single write');
    assert.match(world.daemon.readiness().reason, /^enforcing 1 of 11 targets/);

    shards.gain(US);
    await waitFor('everything converged', () => {
      try {
        assertConverged(world.sandbox);
        return world.daemon.reconciler.isSettled();
      } catch {
        return false;
      }
    });
    assert.match(world.daemon.readiness().reason, /^enforcing 11 of 11 targets/);

    shards.lose(LONDON);
    const mark = world.sandbox.calls.length;
    // Drift in both regions; a full resync sees only what this replica holds.
    const londonAgent = `arn:aws:connect:eu-west-2:123456789012:instance/${LONDON_INSTANCE}/agent/1a2b3c4d-0000-1111-2222-333344445501`;
    await world.clients.connect('eu-west-2').send(new DisassociateWorkspaceCommand({ InstanceId: LONDON_INSTANCE, WorkspaceId: WORKSPACE.london, ResourceArns: [londonAgent] }));
    await world.clients.connect('us-east-1').send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: WORKSPACE.supportFloor, ResourceArns: [agentArn(3)] }));
    await world.daemon.resync('test');
    await waitFor('agent03 back on the Support floor', () => world.sandbox.connectAssociations('us-east-1', INSTANCE, WORKSPACE.supportFloor).includes(agentArn(3)));
    await waitFor('the daemon to settle', () => world.daemon.reconciler.isSettled());
    assert.ok(!world.sandbox.connectAssociations('eu-west-2', LONDON_INSTANCE, WORKSPACE.london).includes(londonAgent), 'London is no longer ours: its drift stays');
    assert.deepEqual(writesIn(world, 'eu-west-2', mark).map((c) => c.operation), ['DisassociateWorkspace'], "only the test's own change in London");
  });
});
