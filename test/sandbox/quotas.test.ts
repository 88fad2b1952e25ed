import assert from 'node:assert/strict';
import { ListRoutingProfilesCommand, ListUsersCommand, ListWorkspacesCommand, ThrottlingException } from '@aws-sdk/client-connect';
import { DescribeWorkspacesCommand } from '@aws-sdk/client-workspaces';
import { startSandbox, type QuotaOptions, type Sandbox } from '../../src/sandbox/index.js';
import { clients, FakeClock, INSTANCE, LONDON_INSTANCE, rejection } from './helpers.js';

describe('sandbox: per-operation token-bucket quotas', () => {
  let sb: Sandbox;
  let clock: FakeClock;
  const start = async (quotas?: QuotaOptions | false) => {
    clock = new FakeClock();
    sb = await startSandbox({ now: clock.now, quotas });
  };
  afterEach(() => sb.close());

  // ListWorkspaces has the Connect default quota (ListUsers has its own 10/s).
  const listWorkspaces = (attempts = 1, instance = INSTANCE, region?: string) => clients(sb, { attempts, region }).connect.send(new ListWorkspacesCommand({ InstanceId: instance }));
  const burst = async (n: number, call: () => Promise<unknown>) => {
    const results: string[] = [];
    for (let i = 0; i < n; i++) results.push(await call().then(() => 'ok', (e: Error) => e.name));
    return results;
  };

  const cases = [
    { reason: 'Connect default: burst 5, then ThrottlingException', quotas: undefined, n: 6, expect: ['ok', 'ok', 'ok', 'ok', 'ok', 'ThrottlingException'] },
    { reason: 'scale 2 doubles the burst', quotas: { scale: 2 }, n: 11, expect: [...Array(10).fill('ok'), 'ThrottlingException'] },
    { reason: 'a per-operation override', quotas: { connect: { rate: 2, burst: 5, operations: { ListWorkspaces: { rate: 10, burst: 2 } } } }, n: 3, expect: ['ok', 'ok', 'ThrottlingException'] },
    { reason: 'quotas off never throttle', quotas: false as const, n: 40, expect: Array(40).fill('ok') },
  ];
  for (const tc of cases) {
    it(tc.reason, async () => {
      await start(tc.quotas);
      assert.deepEqual(await burst(tc.n, () => listWorkspaces()), tc.expect);
    });
  }

  it('refills at 2 requests per second from the injected clock', async () => {
    await start();
    await burst(5, () => listWorkspaces());
    clock.advance(499);
    assert.equal((await rejection(listWorkspaces())).name, 'ThrottlingException');
    clock.advance(1);
    await listWorkspaces();
  });

  it('the SDK recognizes quota throttling: it retries (attempts 3) and ends with ThrottlingException', async () => {
    await start();
    await burst(5, () => listWorkspaces());
    sb.resetCalls();
    const e = await rejection(listWorkspaces(3));
    assert.ok(e instanceof ThrottlingException);
    assert.equal(e.$metadata.attempts, 3);
    assert.equal(e.$metadata.httpStatusCode, 429);
    assert.deepEqual(sb.calls.map((c) => [c.throttled, c.status]), [[true, 429], [true, 429], [true, 429]]);
  });

  it('buckets are per operation and per region', async () => {
    await start();
    await burst(5, () => listWorkspaces());
    await clients(sb).connect.send(new ListRoutingProfilesCommand({ InstanceId: INSTANCE }));
    await listWorkspaces(1, LONDON_INSTANCE, 'eu-west-2');
  });

  it('the quota is checked before anything else: an invalid request past the quota is throttled, not 404', async () => {
    await start();
    await burst(5, () => listWorkspaces(1, 'no-such-instance').catch(() => undefined));
    assert.equal((await rejection(listWorkspaces(1, 'no-such-instance'))).name, 'ThrottlingException');
  });

  it('WorkSpaces default: burst 10, then 400 ThrottlingException', async () => {
    await start();
    const ws = clients(sb).workspaces;
    const results = await burst(11, () => ws.send(new DescribeWorkspacesCommand({})));
    assert.deepEqual(results, [...Array(10).fill('ok'), 'ThrottlingException']);
    assert.equal(sb.calls.at(-1)?.status, 400);
  });

  it('setQuotas switches quotas off at runtime', async () => {
    await start();
    await burst(5, () => listWorkspaces());
    sb.setQuotas(false);
    await listWorkspaces();
  });

  it('invalid quota options fail fast naming the option', async () => {
    await start(false);
    await assert.rejects(startSandbox({ quotas: { connect: { rate: 0, burst: 5 } } }), /quotas\.connect\.rate/);
    await assert.rejects(startSandbox({ quotas: { scale: -1 } }), /quotas\.scale/);
    await assert.rejects(startSandbox({ port: 70000 }), /`port`/);
  });
});

describe('sandbox: the account-wide Connect quota', () => {
  let sb: Sandbox;
  afterEach(() => sb.close());

  it('is shared by every operation: per-operation buckets with room left still throttle once the account bucket is empty', async () => {
    const clock = new FakeClock();
    sb = await startSandbox({ now: clock.now, quotas: { connect: { rate: 2, burst: 5, account: { rate: 1, burst: 3 } } } });
    const c = clients(sb).connect;
    const results: string[] = [];
    for (const send of [
      () => c.send(new ListUsersCommand({ InstanceId: INSTANCE })),
      () => c.send(new ListRoutingProfilesCommand({ InstanceId: INSTANCE })),
      () => c.send(new ListUsersCommand({ InstanceId: INSTANCE })),
      () => c.send(new ListRoutingProfilesCommand({ InstanceId: INSTANCE })),
    ]) results.push(await send().then(() => 'ok', (e: Error) => e.name));
    assert.deepEqual(results, ['ok', 'ok', 'ok', 'ThrottlingException'], 'each operation used 2 of its 5, the account 3 of 3');
    clock.advance(1000);
    assert.equal(await c.send(new ListRoutingProfilesCommand({ InstanceId: INSTANCE })).then(() => 'ok', (e: Error) => e.name), 'ok', 'one second refills one account token');
    assert.equal(await c.send(new ListUsersCommand({ InstanceId: INSTANCE })).then(() => 'ok', (e: Error) => e.name), 'ThrottlingException');
  });

  it('a call throttled by one bucket takes nothing from the other', async () => {
    const clock = new FakeClock();
    sb = await startSandbox({ now: clock.now, quotas: { connect: { rate: 2, burst: 1, account: { rate: 1, burst: 2 } } } });
    const c = clients(sb).connect;
    const list = () => c.send(new ListUsersCommand({ InstanceId: INSTANCE })).then(() => 'ok', (e: Error) => e.name);
    const profiles = () => c.send(new ListRoutingProfilesCommand({ InstanceId: INSTANCE })).then(() => 'ok', (e: Error) => e.name);
    // ListUsers: 1 token; the second is throttled by its own bucket and must not spend an account token.
    assert.deepEqual([await list(), await list(), await profiles()], ['ok', 'ThrottlingException', 'ok']);
  });

  it('is per account and region, like the per-operation buckets', async () => {
    const clock = new FakeClock();
    sb = await startSandbox({ now: clock.now, quotas: { connect: { rate: 2, burst: 5, account: { rate: 1, burst: 1 } } } });
    const ok = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name);
    assert.equal(await ok(clients(sb).connect.send(new ListUsersCommand({ InstanceId: INSTANCE }))), 'ok');
    assert.equal(await ok(clients(sb, { region: 'eu-west-2' }).connect.send(new ListUsersCommand({ InstanceId: LONDON_INSTANCE }))), 'ok');
    assert.equal(await ok(clients(sb).connect.send(new ListUsersCommand({ InstanceId: INSTANCE }))), 'ThrottlingException');
  });

  it('an invalid account quota fails fast naming it', async () => {
    await assert.rejects(startSandbox({ quotas: { connect: { rate: 2, burst: 5, account: { rate: 0, burst: 1 } } } }), /quotas\.connect\.account\.rate/);
    sb = await startSandbox({});
  });
});

describe('sandbox: quotas from the seed', () => {
  let sb: Sandbox | undefined;
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
  });
  const seed = (quotas: unknown) => ({
    accounts: [{ id: '111122223333', regions: { 'us-east-1': { connect: { instances: [{ id: 'inst-1' }] } } } }],
    quotas,
  });

  it('a seed sets the quotas, an account-wide bucket included; the options scale them', async () => {
    const clock = new FakeClock();
    sb = await startSandbox({ now: clock.now, seed: seed({ connect: { rate: 1, burst: 2, account: { rate: 1, burst: 3 } } }) as never });
    const c = clients(sb).connect;
    const ok = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.name);
    assert.deepEqual([await ok(c.send(new ListWorkspacesCommand({ InstanceId: 'inst-1' }))), await ok(c.send(new ListWorkspacesCommand({ InstanceId: 'inst-1' }))), await ok(c.send(new ListWorkspacesCommand({ InstanceId: 'inst-1' })))], ['ok', 'ok', 'ThrottlingException']);
    await sb.close();
    sb = await startSandbox({ now: clock.now, seed: seed({ connect: { rate: 1, burst: 2 } }) as never, quotas: { scale: 2 } });
    const d = clients(sb).connect;
    const results: string[] = [];
    for (let i = 0; i < 5; i++) results.push(await ok(d.send(new ListWorkspacesCommand({ InstanceId: 'inst-1' }))));
    assert.deepEqual(results, ['ok', 'ok', 'ok', 'ok', 'ThrottlingException'], 'burst 2 × scale 2');
  });

  it('a wrong quota in the seed is refused with its path', async () => {
    await assert.rejects(startSandbox({ seed: seed({ connect: { rate: 0, burst: 1 } }) as never }), /quotas\.connect\.rate/);
    await assert.rejects(startSandbox({ seed: seed({ connect: { rate: 1, burst: 1, acount: {} } }) as never }), /acount/);
  });
});
