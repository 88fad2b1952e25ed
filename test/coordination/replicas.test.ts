/**
 * Several replicas as an operator runs them: real processes of the built binary (`npm run build`
 * first), sharing a lease table on dynalite, against the sandbox. Four regions give four shards;
 * leases are short (3 s, renew deadline 2 s, retry 250 ms) and every wait is a bounded wait
 * for a condition, so a loaded machine makes the tests slower, not flaky. No assertion is about
 * speed (that is `npm run bench -- failover`).
 */
import assert from 'node:assert/strict';
import { ConnectClient, DisassociateWorkspaceCommand } from '@aws-sdk/client-connect';
import { fleetIds } from '../../src/sandbox/index.js';
import { isMutating, waitFor } from '../cli/helpers.js';
import { waitForAsync } from '../daemon/harness.js';
import { assertNoOverlap, callsWithLogs, REGIONS, scrape, SHARDS, startReplicaWorld, writerOf, type Replica, type ReplicaWorld } from './replicas.js';

const WAIT = { timeoutMs: 90_000, intervalMs: 50 };

describe('coordination: replicas of `run` (processes, dynalite, sandbox)', function () {
  this.timeout(240_000);
  let w: ReplicaWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  /** Every shard held, by the replicas given, each holding at least one. */
  async function spread(world: ReplicaWorld, names: string[]): Promise<Map<string, string[]>> {
    let owners = new Map<string, string[]>();
    await waitForAsync(
      `the shards spread over ${names.join(', ')}`,
      async () => {
        owners = await world.owners();
        const held = [...owners.entries()].filter(([o]) => names.includes(o));
        return held.flatMap(([, s]) => s).length === SHARDS.length && names.every((n) => (owners.get(n) ?? []).length > 0);
      },
      WAIT,
    );
    return owners;
  }
  const acquiredBy = (r: Replica, shard: string) => r.ownership().filter((e) => e.shard === shard && e.event === 'acquired');

  it('three replicas split four shards without overlap, converge the fleet and are all ready', async () => {
    const world = (w = await startReplicaWorld());
    const rs = [await world.start('r1'), await world.start('r2'), await world.start('r3')];
    const owners = await spread(world, ['r1', 'r2', 'r3']);
    await waitFor('the fleet converged', () => world.converged(), WAIT);
    assert.deepEqual([...owners.values()].map((s) => s.length).sort(), [1, 1, 2], JSON.stringify([...owners]));
    const calls = await callsWithLogs(world);
    const { writes } = assertNoOverlap(calls, rs);
    assert.ok(writes >= REGIONS.length * 2, `replicas made the writes (${writes})`);
    for (const r of rs) {
      await waitForAsync(`${r.name} /readyz 200`, async () => (await fetch(`${r.url}/readyz`)).status === 200, WAIT);
      const mine = owners.get(r.name) ?? [];
      await waitForAsync(`${r.name} reports its shards`, async () => (await scrape(r.url, 'workspace_reconciler_shards_owned')) === mine.length, WAIT);
      assert.equal(await scrape(r.url, 'leader_election_master_status', { name: 'workspace-reconciler' }), 1);
      // Each replica wrote only in the regions of shards it acquired at some point.
      const regions = new Set(calls.filter((c) => isMutating(c) && writerOf(c) === r.name).map((c) => `default/${c.region}`));
      for (const s of regions) assert.ok(acquiredBy(r, s).length > 0, `${r.name} wrote in ${s}`);
    }
  });

  it('SIGKILL: the dead replica\'s shards are taken over once its lease expires, and its drift is repaired', async () => {
    const world = (w = await startReplicaWorld());
    const rs = [await world.start('r1'), await world.start('r2'), await world.start('r3')];
    const owners = await spread(world, ['r1', 'r2', 'r3']);
    await waitFor('the fleet converged', () => world.converged(), WAIT);
    const victim = rs.find((r) => (owners.get(r.name) ?? []).length > 0) as Replica;
    const orphaned = owners.get(victim.name) ?? [];
    victim.cli.child.kill('SIGKILL');
    await victim.cli.done;
    // Drift made by hand in the dead replica's regions: only a new owner can repair it.
    const client = new ConnectClient({ region: 'us-east-1', endpoint: world.sandbox.endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } });
    try {
      for (const shard of orphaned) {
        const region = shard.split('/')[1];
        client.config.region = async () => region;
        await client.send(new DisassociateWorkspaceCommand({ InstanceId: fleetIds.instanceId, WorkspaceId: fleetIds.connectWorkspaceId(0), ResourceArns: [fleetIds.userArn(0, region)] }));
      }
    } finally {
      client.destroy();
    }
    const survivors = rs.filter((r) => r !== victim);
    await spread(world, survivors.map((r) => r.name));
    await waitFor('the drift repaired', () => world.converged(), WAIT);
    const calls = await callsWithLogs(world);
    for (const shard of orphaned) {
      const takers = survivors.flatMap((r) => acquiredBy(r, shard).map((e) => e.how));
      assert.ok(takers.includes('expired'), `${shard} was taken over as expired (${takers.join()})`);
    }
    assertNoOverlap(calls, rs);
  });

  it('SIGSTOP past the deadline: the paused replica makes no mutating call after its leases are taken, not even an SDK retry', async () => {
    // a is paused the moment the sandbox answers one of its writes with a 500: when it wakes,
    // the SDK retries that call at once, long after a's lease was taken. Only the fence,
    // asked before every attempt, stops that retry.
    let a: Replica | undefined;
    let armed = false;
    let stopped = false;
    let stoppedAt = Infinity;
    const world = (w = await startReplicaWorld({
      onCall: (c) => {
        if (!armed || stopped || writerOf(c) !== 'a' || !isMutating(c) || c.status !== 500) return;
        stopped = true;
        stoppedAt = Date.now();
        a?.cli.child.kill('SIGSTOP');
        world.sandbox.setFaults({ errorRate: 0 });
      },
    }));
    // Slow writes: the replica is still writing when it is paused.
    a = await world.start('a', ['--workspaces-rate', '1', '--workspaces-burst', '1', '--connect-rate', '1', '--connect-burst', '1']);
    const pausedOne = a;
    await waitForAsync('a to hold every shard', async () => (await world.owners()).get('a')?.length === SHARDS.length, WAIT);
    await waitFor('a to start writing', () => world.sandbox.calls.some((c) => isMutating(c) && writerOf(c) === 'a'), WAIT);
    armed = true;
    world.sandbox.setFaults({ errorRate: 1, operations: ['AssociateWorkspace', 'AssociateWorkspaceApplication', 'DeployWorkspaceApplications'] });
    await waitFor('a paused on a 500', () => stopped, WAIT);
    const b = await world.start('b');
    await waitForAsync('b to take every shard', async () => (await world.owners()).get('b')?.length === SHARDS.length, WAIT);
    const mark = world.sandbox.calls.length; // from here on, a holds nothing
    await waitFor('the fleet converged by b', () => world.converged(), WAIT);
    const continued = Date.now();
    pausedOne.cli.child.kill('SIGCONT');
    await waitFor('a to log the loss of every shard', () => new Set(pausedOne.logged('shard lost').map((l) => l.shard)).size === SHARDS.length, WAIT);
    const calls = await callsWithLogs(world);
    // Once awake, a may be handed shards again (two replicas, four shards): only that lets it write.
    // A request whose sending had begun before the pause (it passed the fence with its lease
    // valid) may finish arriving only when a resumes: no client-side check can stop that, see
    // the README. Every request that began after the pause is a's to refuse.
    const back = pausedOne.ownership().find((e) => e.event === 'acquired' && e.time >= continued)?.time ?? Infinity;
    const late = calls.slice(mark).filter((c) => isMutating(c) && writerOf(c) === 'a' && c.time > stoppedAt && c.time < back);
    assert.deepEqual(late.map((c) => `${c.region} ${c.operation}`), [], 'a wrote after its leases were taken');
    assertNoOverlap(calls, [pausedOne, b]);
    // b's first take of each shard (a loaded machine may make it lose and retake some later).
    const first = SHARDS.map((s) => acquiredBy(b, s)[0]?.how);
    assert.deepEqual(first, SHARDS.map(() => 'expired'), JSON.stringify(b.ownership()));
  });

  it('SIGTERM: the replica releases its leases and exits 0; the other takes them at once (free, not expired)', async () => {
    const world = (w = await startReplicaWorld());
    const r1 = await world.start('r1');
    const r2 = await world.start('r2');
    await spread(world, ['r1', 'r2']);
    await waitFor('the fleet converged', () => world.converged(), WAIT);
    // A loaded machine can make a replica miss a deadline and lose its shards for a moment.
    await waitFor('r1 to hold a shard', () => r1.holds().length > 0, WAIT);
    const held = r1.holds();
    const terminated = Date.now();
    r1.cli.child.kill('SIGTERM');
    const exit = await r1.cli.done;
    assert.equal(exit.code, 0, exit.stderr);
    // What it held it gave back (unless a loaded machine made it miss a deadline in between).
    const released = r1.logged('shard released').map((l) => String(l.shard)).sort();
    assert.ok(released.length > 0 && released.every((s) => held.includes(s)), `released ${released.join()} of ${held.join()}`);
    await waitForAsync('r2 to hold every shard', async () => (await world.owners()).get('r2')?.length === SHARDS.length, WAIT);
    assertNoOverlap(await callsWithLogs(world), [r1, r2]);
    for (const shard of released) assert.equal(acquiredBy(r2, shard).find((e) => e.time >= terminated)?.how, 'free', `${shard} was taken as released`);
  });
});
