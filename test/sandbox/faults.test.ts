import assert from 'node:assert/strict';
import { AssociateWorkspaceCommand, ListUsersCommand, ThrottlingException } from '@aws-sdk/client-connect';
import { DescribeWorkspacesCommand, WorkSpacesServiceException } from '@aws-sdk/client-workspaces';
import { seededRandom, startSandbox, type FaultOptions, type Sandbox } from '../../src/sandbox/index.js';
import { BILLING_DESK, clients, INSTANCE, rejection, userArn } from './helpers.js';

/** A random source that returns the given draws, then 0.99 (no fault) forever. */
const draws = (...values: number[]) => () => values.shift() ?? 0.99;

describe('sandbox: fault injection seen through the SDK', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });

  const recovered: { reason: string; faults: FaultOptions; random: number[]; fault: string; status: number }[] = [
    { reason: 'an injected throttle is retried as throttling and the call succeeds', faults: { throttleRate: 0.5 }, random: [0.1], fault: 'throttle', status: 429 },
    { reason: 'an injected HTTP 500 is retried as transient and the call succeeds', faults: { errorRate: 0.5 }, random: [0.1], fault: 'error', status: 500 },
    { reason: 'an injected connection reset is retried (ECONNRESET) and the call succeeds', faults: { resetRate: 0.5 }, random: [0.1], fault: 'reset', status: 0 },
  ];
  for (const tc of recovered) {
    for (const service of ['connect', 'workspaces'] as const) {
      it(`${service}: ${tc.reason}`, async () => {
        sb = await startSandbox({ quotas: false, faults: tc.faults, random: draws(...tc.random) });
        const c = clients(sb, { attempts: 3 });
        const out = service === 'connect'
          ? await c.connect.send(new ListUsersCommand({ InstanceId: INSTANCE }))
          : await c.workspaces.send(new DescribeWorkspacesCommand({}));
        assert.equal(out.$metadata.attempts, 2);
        assert.deepEqual(sb.calls.map((x) => [x.fault, x.status]), [[tc.fault, service === 'workspaces' && tc.status === 429 ? 400 : tc.status], [undefined, 200]]);
      });
    }
  }

  it('connect: throttling on every attempt ends in ThrottlingException after 3 attempts', async () => {
    sb = await startSandbox({ quotas: false, faults: { throttleRate: 1 } });
    const e = await rejection(clients(sb, { attempts: 3 }).connect.send(new ListUsersCommand({ InstanceId: INSTANCE })));
    assert.ok(e instanceof ThrottlingException);
    assert.equal(e.$metadata.attempts, 3);
    assert.ok(sb.calls.every((x) => x.throttled && x.status === 429));
  });

  it('workspaces: throttling on every attempt ends in a ThrottlingException-named error after 3 attempts', async () => {
    sb = await startSandbox({ quotas: false, faults: { throttleRate: 1 } });
    const e = await rejection(clients(sb, { attempts: 3 }).workspaces.send(new DescribeWorkspacesCommand({})));
    assert.ok(e instanceof WorkSpacesServiceException);
    assert.equal(e.name, 'ThrottlingException');
    assert.equal(e.message, 'Rate exceeded');
    assert.equal(e.$metadata.attempts, 3);
    assert.equal(e.$metadata.httpStatusCode, 400);
  });

  it('`operations` limits probabilistic faults to the named operations', async () => {
    sb = await startSandbox({ quotas: false, faults: { errorRate: 1, operations: ['AssociateWorkspace'] } });
    const c = clients(sb).connect;
    await c.send(new ListUsersCommand({ InstanceId: INSTANCE }));
    const e = await rejection(c.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: BILLING_DESK, ResourceArns: [userArn(3)] })));
    assert.equal(e.name, 'InternalServiceException');
    assert.deepEqual(sb.connectAssociations('us-east-1', INSTANCE, BILLING_DESK), [], 'a failed call changes nothing');
  });

  it('latency delays every answer by at least latencyMs', async () => {
    sb = await startSandbox({ quotas: false, faults: { latencyMs: 40 } });
    const start = performance.now();
    await clients(sb).connect.send(new ListUsersCommand({ InstanceId: INSTANCE }));
    assert.ok(performance.now() - start >= 38);
  });

  it('scripted FailedList codes override per item and count down `times`', async () => {
    sb = await startSandbox({ quotas: false, faults: { failedList: [{ operation: 'AssociateWorkspace', resourceArn: userArn(3), code: '429', times: 2 }, { resourceArn: userArn(4), code: '500' }] } });
    const c = clients(sb).connect;
    const codes: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const out = await c.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: BILLING_DESK, ResourceArns: [userArn(3), userArn(4)] }));
      codes.push([...(out.SuccessfulList ?? []).map(() => 'ok'), ...(out.FailedList ?? []).map((f) => f.ErrorCode ?? '')]);
    }
    assert.deepEqual(codes, [['429', '500'], ['429', '500'], ['ok', '500']]);
    assert.deepEqual(sb.connectAssociations('us-east-1', INSTANCE, BILLING_DESK), [userArn(3)]);
    assert.equal(sb.faults.failedList[0].times, 0);
  });

  it('scripted errors count down `times`', async () => {
    sb = await startSandbox({ quotas: false, faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'AccessDeniedException', times: 1 }] } });
    const c = clients(sb).connect;
    assert.equal((await rejection(c.send(new ListUsersCommand({ InstanceId: INSTANCE })))).name, 'AccessDeniedException');
    await c.send(new ListUsersCommand({ InstanceId: INSTANCE }));
  });

  it('seededRandom makes the fault sequence repeatable', async () => {
    const pattern = async () => {
      const s = await startSandbox({ quotas: false, faults: { errorRate: 0.5 }, random: seededRandom(42) });
      const c = clients(s).connect;
      for (let i = 0; i < 12; i++) await c.send(new ListUsersCommand({ InstanceId: INSTANCE })).catch(() => undefined);
      const out = s.calls.map((x) => x.status).join(',');
      await s.close();
      return out;
    };
    const a = await pattern();
    assert.equal(a, await pattern());
    assert.ok(a.includes('500') && a.includes('200'), a);
  });

  it('invalid fault options fail fast naming the field', async () => {
    await assert.rejects(startSandbox({ faults: { throttleRate: 2 } }), /faults\.throttleRate/);
    sb = await startSandbox({ quotas: false });
    assert.throws(() => sb?.setFaults({ failedList: [{ resourceArn: 'x', code: '4040' }] }), /failedList\[0\]\.code/);
  });
});

describe('sandbox: bursty faults', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });

  it('burstLength: a drawn fault repeats for that many calls of the operation, without further draws', async () => {
    let drawn = 0;
    const random = () => (drawn++ === 0 ? 0.1 : 0.99);
    sb = await startSandbox({ quotas: false, faults: { errorRate: 0.5, burstLength: 3 }, random });
    const c = clients(sb).connect;
    const results: string[] = [];
    for (let i = 0; i < 5; i++) results.push(await c.send(new ListUsersCommand({ InstanceId: INSTANCE })).then(() => 'ok', (e: Error) => e.name));
    assert.deepEqual(results, ['InternalServiceException', 'InternalServiceException', 'InternalServiceException', 'ok', 'ok']);
    assert.equal(drawn, 3, 'one draw starts the burst; the two calls after it draw nothing');
  });

  it('a burst belongs to its operation: other operations draw for themselves', async () => {
    let drawn = 0;
    const random = () => (drawn++ === 0 ? 0.1 : 0.99);
    sb = await startSandbox({ quotas: false, faults: { errorRate: 0.5, burstLength: 2 }, random });
    const c = clients(sb).connect;
    const ok = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name);
    assert.equal(await ok(c.send(new ListUsersCommand({ InstanceId: INSTANCE }))), 'InternalServiceException');
    assert.equal(await ok(c.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: BILLING_DESK, ResourceArns: [userArn(3)] }))), 'ok');
    assert.equal(await ok(c.send(new ListUsersCommand({ InstanceId: INSTANCE }))), 'InternalServiceException');
  });

  it('a burst of throttles exhausts the SDK attempts of one call (what independent draws at the same rate rarely do)', async () => {
    sb = await startSandbox({ quotas: false, faults: { throttleRate: 0.2, burstLength: 3 }, random: draws(0.1) });
    const e = await rejection(clients(sb, { attempts: 3 }).connect.send(new ListUsersCommand({ InstanceId: INSTANCE })));
    assert.ok(e instanceof ThrottlingException);
    assert.equal(e.$metadata.attempts, 3);
  });

  it('burstLength is validated', async () => {
    await assert.rejects(startSandbox({ faults: { burstLength: 0 } }), /faults\.burstLength/);
    await assert.rejects(startSandbox({ faults: { burstLength: 1.5 } }), /faults\.burstLength/);
  });
});
