/**
 * Fencing at the wire: the lease check runs before EVERY attempt of a mutating call (the SDK's
 * own retries included), after signing, and a refused attempt is neither sent, nor retried by
 * the SDK, nor taken for an outage. Real SDK clients against the sandbox; the lease side is a
 * real Coordinator on dynalite with an injected clock.
 */
import assert from 'node:assert/strict';
import { Coordinator } from '../../src/coordination/coordinator.js';
import { shardOf } from '../../src/coordination/shard.js';
import { ClientFactory, type Fence } from '../../src/providers/clients.js';
import { ConnectProvider } from '../../src/providers/connect/index.js';
import { LeaseNotHeldError } from '../../src/providers/errors.js';
import { WorkSpacesProvider } from '../../src/providers/workspaces/index.js';
import { ManualClock } from '../../src/reconciler/clock.js';
import { RateLimiter, type CallEvent } from '../../src/reconciler/ratelimit.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { agent, connectTarget, LONDON_REGION, LONDON_WORKSPACE, LONDON_INSTANCE, londonAgent, REGION, SUPPORT_FLOOR, workSpaceTarget } from '../providers/fixtures.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamodb.js';

describe('coordination: the fence before every attempt of a mutating call', () => {
  let sb: Sandbox | undefined;
  let clients: ClientFactory | undefined;
  let db: LocalDynamo | undefined;
  afterEach(async () => {
    clients?.destroy();
    await sb?.close();
    await db?.close();
    [sb, clients, db] = [undefined, undefined, undefined];
  });

  async function world(fence: Fence, sandbox: SandboxOptions = {}): Promise<{ sandbox: Sandbox; clients: ClientFactory }> {
    sb = await startSandbox({ quotas: false, ...sandbox });
    clients = new ClientFactory({
      fence,
      overrides: { endpoint: sb.endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } },
      transientBackoffMs: () => 1,
    });
    return { sandbox: sb, clients };
  }
  const mutating = (s: Sandbox) => s.calls.filter((c) => !/^(Search|Describe|List)/.test(c.operation));

  it('is asked before each SDK retry: a lease lost between two attempts stops the retry', async () => {
    const asked: string[] = [];
    let allow = 1;
    const { sandbox, clients } = await world(
      (call) => {
        asked.push(`${call.service} ${call.region} ${call.operation}`);
        if (allow-- <= 0) throw new LeaseNotHeldError({ ...call, code: 'LeaseNotHeld', awsMessage: 'not sent: lease lost' });
        return () => undefined;
      },
      { faults: { scriptedErrors: [{ operation: 'AssociateWorkspace', code: 'InternalServiceException', times: 1 }] } },
    );
    const provider = new ConnectProvider({ clients });
    await assert.rejects(provider.execute({ type: 'associate', target: connectTarget(SUPPORT_FLOOR), items: [agent(8)] }), LeaseNotHeldError);
    assert.deepEqual(asked, ['connect us-east-1 AssociateWorkspace', 'connect us-east-1 AssociateWorkspace'], 'the first attempt and the SDK retry');
    assert.deepEqual(sandbox.calls.map((c) => [c.operation, c.status]), [['AssociateWorkspace', 500]], 'the retry was never sent');
  });

  it('leaves reads alone and reports a refused call as "fenced", not as an AWS failure', async () => {
    const { sandbox, clients } = await world((call) => {
      throw new LeaseNotHeldError({ ...call, code: 'LeaseNotHeld', awsMessage: 'not sent' });
    });
    const events: CallEvent[] = [];
    const gate = new RateLimiter({ onCall: (e) => events.push(e), limits: { connect: { rate: 100, burst: 10 }, workspaces: { rate: 100, burst: 10 } } });
    try {
      const connect = new ConnectProvider({ clients, gate });
      const workspaces = new WorkSpacesProvider({ clients, gate });
      const observed = await connect.observe([connectTarget(SUPPORT_FLOOR)]);
      assert.equal(observed.get(connectTarget(SUPPORT_FLOOR).key)?.ok, true, 'a scan is not fenced');
      await assert.rejects(connect.execute({ type: 'associate', target: connectTarget(SUPPORT_FLOOR), items: [agent(8)] }), (e: unknown) => e instanceof LeaseNotHeldError && e.kind === 'retryable');
      await assert.rejects(workspaces.execute({ type: 'associate', target: workSpaceTarget('ws-eng0000001'), items: ['wsa-chrome0001'] }), LeaseNotHeldError);
      assert.deepEqual(mutating(sandbox), []);
      assert.deepEqual(events.map((e) => `${e.operation} ${e.outcome}`), ['SearchWorkspaceAssociations success', 'AssociateWorkspace fenced', 'AssociateWorkspaceApplication fenced']);
    } finally {
      gate.close();
    }
  });

  it('with a Coordinator: a held shard is written, past the renew deadline or in another shard nothing is sent', async () => {
    db = await startLocalDynamo();
    const table = await db.table('fence-leases');
    const clock = new ManualClock(0);
    const c = new Coordinator({ table, identity: 'a', clock, leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 });
    c.setShards([shardOf({ region: REGION }), shardOf({ region: LONDON_REGION })]);
    const other = new Coordinator({ table: await db.table('fence-leases'), identity: 'b', clock: new ManualClock(0), leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 200 });
    other.setShards([shardOf({ region: LONDON_REGION })]);
    await other.tick(); // b holds London first
    await c.tick();
    assert.deepEqual(c.owned, [shardOf({ region: REGION })]);
    const { sandbox, clients } = await world((call) => c.enter(shardOf(call), call));
    const provider = new ConnectProvider({ clients });

    const ok = await provider.execute({ type: 'associate', target: connectTarget(SUPPORT_FLOOR), items: [agent(8)] });
    assert.deepEqual(ok.done, [agent(8)]);
    await assert.rejects(provider.execute({ type: 'associate', target: connectTarget(LONDON_WORKSPACE, LONDON_REGION, LONDON_INSTANCE), items: [londonAgent(2)] }), LeaseNotHeldError);
    clock.advance(1000); // no renewal for the whole renew deadline
    await assert.rejects(provider.execute({ type: 'associate', target: connectTarget(SUPPORT_FLOOR), items: [agent(9)] }), LeaseNotHeldError);
    assert.deepEqual(mutating(sandbox).map((x) => `${x.region} ${x.operation}`), ['us-east-1 AssociateWorkspace']);
    await c.stop({ release: false });
    await other.stop({ release: false });
  });
});
