/**
 * ConnectProvider.observe against the sandbox with real SDK clients: one paginated
 * SearchWorkspaceAssociations scan per instance, every page through the gate.
 */
import assert from 'node:assert/strict';
import { ConnectProvider } from '../../src/providers/connect/index.js';
import { AwsCallError, RetryableError, TerminalError, ThrottledError } from '../../src/providers/errors.js';
import type { ObserveOutcome } from '../../src/providers/types.js';
import type { ConnectTarget } from '../../src/config/types.js';
import { buildFleetSeed, fleetIds, type SandboxOptions } from '../../src/sandbox/index.js';
import {
  BILLING_DESK, INSTANCE, LONDON_INSTANCE, LONDON_REGION, LONDON_WORKSPACE, REGION, RecordingGate, SUPERVISORS, SUPPORT_FLOOR,
  agent, connectTarget, routingProfile, startHarness, withoutRegion, type Harness,
} from './fixtures.js';

const SEARCH = 'SearchWorkspaceAssociations';
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const FLEET_REGION = 'us-east-1';
const fleetTarget = (i: number) => connectTarget(fleetIds.connectWorkspaceId(i), FLEET_REGION, fleetIds.instanceId);

interface ScanCase {
  reason: string;
  sandbox?: SandboxOptions;
  pageSize?: number;
  targets: ConnectTarget[];
  /** Associated ARNs by target key. */
  want: Record<string, string[]>;
  /** SearchWorkspaceAssociations calls: ceil(associations of the instance / page size), at least 1. */
  wantCalls: number;
  wantMaxResults: number;
}

const scanCases: ScanCase[] = [
  {
    reason: 'one scan at the API maximum (500) serves every workspace of the instance, with or without associations',
    targets: [connectTarget(SUPPORT_FLOOR), connectTarget(BILLING_DESK), connectTarget(SUPERVISORS)],
    want: {
      [connectTarget(SUPPORT_FLOOR).key]: [agent(1), agent(2), agent(19)],
      [connectTarget(BILLING_DESK).key]: [],
      [connectTarget(SUPERVISORS).key]: [agent(20), routingProfile(4)],
    },
    wantCalls: 1,
    wantMaxResults: 500,
  },
  {
    reason: 'pages through 5 associations 2 at a time: ceil(5/2) = 3 calls for the whole instance',
    pageSize: 2,
    targets: [connectTarget(SUPPORT_FLOOR), connectTarget(SUPERVISORS)],
    want: {
      [connectTarget(SUPPORT_FLOOR).key]: [agent(1), agent(2), agent(19)],
      [connectTarget(SUPERVISORS).key]: [agent(20), routingProfile(4)],
    },
    wantCalls: 3,
    wantMaxResults: 2,
  },
  {
    reason: 'an instance without associations takes one call and observes an empty set',
    targets: [connectTarget(LONDON_WORKSPACE, LONDON_REGION, LONDON_INSTANCE)],
    want: { [connectTarget(LONDON_WORKSPACE, LONDON_REGION, LONDON_INSTANCE).key]: [] },
    wantCalls: 1,
    wantMaxResults: 500,
  },
  {
    reason: 'pages through 1,200 associations of 3 workspaces at 500 per page: 3 calls, nothing lost at page edges',
    sandbox: { seed: buildFleetSeed({ connectWorkspaces: 3, arnsPerWorkspace: 400, workspaces: 0 }) },
    targets: [fleetTarget(0), fleetTarget(1), fleetTarget(2)],
    want: Object.fromEntries([0, 1, 2].map((w) => [fleetTarget(w).key, range(0, 400).map((u) => fleetIds.userArn(u))])),
    wantCalls: 3,
    wantMaxResults: 500,
  },
];

describe('providers/connect observe', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  for (const tc of scanCases) {
    it(tc.reason, async () => {
      h = await startHarness(tc.sandbox);
      const gate = new RecordingGate();
      const provider = new ConnectProvider({ clients: h.clients, gate, pageSize: tc.pageSize });
      const region = tc.targets[0]!.region!;
      const got = await provider.observe(tc.targets);

      assert.deepEqual(
        Object.fromEntries([...got].map(([k, o]) => [k, o.ok && o.observed.type === 'connect' ? [...o.observed.associated].sort() : o])),
        Object.fromEntries(Object.entries(tc.want).map(([k, v]) => [k, [...v].sort()])),
      );
      for (const [key, o] of got) assert.ok(o.ok && o.observed.key === key, `observation of ${key} carries its key`);
      const calls = h.callsOf(SEARCH);
      assert.equal(calls.length, tc.wantCalls);
      assert.equal(h.sandbox.calls.length, tc.wantCalls, 'no other call was made');
      for (const c of calls) {
        assert.equal(c.input.MaxResults, tc.wantMaxResults);
        assert.equal(c.input.SearchCriteria, undefined, 'the scan is not filtered by workspace');
        assert.equal(c.region, region);
      }
      assert.equal(calls.filter((c) => c.input.NextToken !== undefined).length, tc.wantCalls - 1, 'every page after the first sends a token');
      assert.deepEqual(gate.calls, calls.map(() => ({ service: 'connect', region, operation: SEARCH })), 'every page went through the gate');
    });
  }

  interface FailCase {
    reason: string;
    sandbox?: SandboxOptions;
    targets: ConnectTarget[];
    kind: typeof TerminalError | typeof RetryableError | typeof ThrottledError;
    code: string;
    attempts: number | undefined;
    wantCalls: number;
    /** One scan's error is one object, shared by every target of the scan. */
    shared: boolean;
  }
  const failCases: FailCase[] = [
    {
      reason: 'an unknown instance: every target of the scan gets the same terminal ResourceNotFoundException',
      targets: [connectTarget(SUPPORT_FLOOR, REGION, '00000000-dead-beef-0000-000000000000'), connectTarget(BILLING_DESK, REGION, '00000000-dead-beef-0000-000000000000')],
      kind: TerminalError,
      code: 'ResourceNotFoundException',
      attempts: 1,
      wantCalls: 1,
      shared: true,
    },
    {
      reason: 'a throttled scan is handed back at once (1 attempt): the rate limiter, not the SDK, retries it',
      sandbox: { faults: { throttleRate: 1, operations: [SEARCH] } },
      targets: [connectTarget(SUPPORT_FLOOR), connectTarget(SUPERVISORS)],
      kind: ThrottledError,
      code: 'ThrottlingException',
      attempts: 1,
      wantCalls: 1,
      shared: true,
    },
    {
      reason: 'a scan failing with 500 on every attempt is retryable after the SDK used its 3 attempts',
      sandbox: { faults: { errorRate: 1, operations: [SEARCH] } },
      targets: [connectTarget(SUPPORT_FLOOR)],
      kind: RetryableError,
      code: 'InternalServiceException',
      attempts: 3,
      wantCalls: 3,
      shared: true,
    },
    {
      reason: 'a target without a region fails terminally with MissingRegion and makes no call',
      targets: [withoutRegion(connectTarget(SUPPORT_FLOOR)), withoutRegion(connectTarget(SUPERVISORS))],
      kind: TerminalError,
      code: 'MissingRegion',
      attempts: undefined,
      wantCalls: 0,
      shared: false,
    },
  ];

  for (const tc of failCases) {
    it(tc.reason, async () => {
      h = await startHarness(tc.sandbox);
      const provider = new ConnectProvider({ clients: h.clients });
      const got = await provider.observe(tc.targets);
      assert.deepEqual([...got.keys()], tc.targets.map((t) => t.key));
      const errors = [...got.values()].map((o: ObserveOutcome) => {
        assert.equal(o.ok, false);
        return o.ok ? undefined : o.error;
      });
      for (const e of errors) {
        assert.ok(e instanceof tc.kind, `${e?.name} is a ${tc.kind.name}`);
        assert.ok(e instanceof AwsCallError);
        assert.equal(e.code, tc.code);
        assert.equal(e.service, 'connect');
        assert.equal(e.operation, SEARCH);
        assert.equal(e.attempts, tc.attempts);
        if (tc.wantCalls > 0) assert.equal(e.requestId, h.sandbox.calls.at(-1)?.requestId, 'the requestId of the answer');
      }
      if (tc.shared) assert.ok(errors.every((e) => e === errors[0]));
      else assert.deepEqual(errors.map((e) => e?.targetKey), tc.targets.map((t) => t.key));
      assert.equal(h.sandbox.calls.length, tc.wantCalls);
    });
  }

  it('a scan failing once with 500 is retried by the SDK and observes normally', async () => {
    h = await startHarness({ faults: { scriptedErrors: [{ operation: SEARCH, code: 'InternalServiceException', times: 1 }] } });
    const got = await new ConnectProvider({ clients: h.clients }).observe([connectTarget(SUPERVISORS)]);
    const o = got.get(connectTarget(SUPERVISORS).key);
    assert.ok(o?.ok && o.observed.type === 'connect');
    assert.deepEqual([...o.observed.associated].sort(), [agent(20), routingProfile(4)].sort());
    assert.deepEqual(h.callsOf(SEARCH).map((c) => c.status), [500, 200]);
  });

  it('a page token refused mid-scan (expired) restarts the scan from the first page: the observation is complete', async () => {
    // Before: classified terminal, failing every target of the instance until the next resync.
    h = await startHarness({ faults: { expireTokens: [{ operation: SEARCH, times: 1 }] } });
    const targets = [connectTarget(SUPPORT_FLOOR), connectTarget(SUPERVISORS)];
    const got = await new ConnectProvider({ clients: h.clients, pageSize: 2 }).observe(targets);
    const seen = (t: ConnectTarget) => {
      const o = got.get(t.key)!;
      return o.ok && o.observed.type === 'connect' ? [...o.observed.associated].sort() : o;
    };
    assert.deepEqual(seen(targets[0]!), [agent(1), agent(2), agent(19)].sort());
    assert.deepEqual(seen(targets[1]!), [agent(20), routingProfile(4)].sort());
    const calls = h.sandbox.calls.filter((c) => c.operation === SEARCH);
    // page 1, page 2 refused, then pages 1..3 again.
    assert.deepEqual(calls.map((c) => [c.status, c.input.NextToken === undefined]), [[200, true], [400, false], [200, true], [200, false], [200, false]]);
  });

  it('page tokens that always expire (tokenTtlMs on a clock that jumps): a retryable failure after a bounded number of restarts, never terminal', async () => {
    let now = 1_000_000;
    h = await startHarness({ now: () => (now += 10_000), faults: { tokenTtlMs: 5000 } });
    const t = connectTarget(SUPPORT_FLOOR);
    const got = await new ConnectProvider({ clients: h.clients, pageSize: 2 }).observe([t]);
    const o = got.get(t.key)!;
    assert.equal(o.ok, false);
    if (o.ok) return;
    assert.equal(o.error.kind, 'retryable');
    assert.equal(o.error.code, 'NextTokenRefused');
    assert.equal(h.sandbox.calls.filter((c) => c.operation === SEARCH).length, 8, '4 scans of 2 pages each');
  });

  it('refuses targets of different instances in one call (a programming error) before any call', async () => {
    h = await startHarness();
    const provider = new ConnectProvider({ clients: h.clients });
    await assert.rejects(provider.observe([connectTarget(SUPPORT_FLOOR), connectTarget(LONDON_WORKSPACE, LONDON_REGION, LONDON_INSTANCE)]), TypeError);
    assert.equal(h.sandbox.calls.length, 0);
  });

  it('groups targets by region and instance', () => {
    const provider = new ConnectProvider({ clients: undefined as never });
    assert.equal(provider.groupKey(connectTarget(SUPPORT_FLOOR)), `${REGION}/${INSTANCE}`);
    assert.equal(provider.groupKey(connectTarget(SUPPORT_FLOOR)), provider.groupKey(connectTarget(BILLING_DESK)));
  });

  for (const pageSize of [0, 501, 2.5]) {
    it(`rejects pageSize ${pageSize} naming the option`, () => {
      assert.throws(() => new ConnectProvider({ clients: undefined as never, pageSize }), { name: 'TypeError', message: new RegExp(`pageSize.*${pageSize}`) });
    });
  }
});
