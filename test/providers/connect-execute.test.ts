/**
 * ConnectProvider.execute against the sandbox with real SDK clients: AssociateWorkspace /
 * DisassociateWorkspace read item by item, and whole-call errors classified.
 */
import assert from 'node:assert/strict';
import { ConnectProvider } from '../../src/providers/connect/index.js';
import { AwsCallError, RetryableError, TerminalError, ThrottledError } from '../../src/providers/errors.js';
import type { Action, ItemFailure } from '../../src/providers/types.js';
import type { FaultOptions, SandboxOptions } from '../../src/sandbox/index.js';
import {
  INSTANCE, REGION, RecordingGate, SUPPORT_FLOOR, agent, connectTarget, londonAgent, routingProfile, startHarness,
  withoutRegion, workSpaceTarget, type Harness,
} from './fixtures.js';

const support = connectTarget(SUPPORT_FLOOR);
const associate = (items: string[]): Action => ({ type: 'associate', target: support, items });
const disassociate = (items: string[]): Action => ({ type: 'disassociate', target: support, items });
const operationOf = (a: Action) => (a.type === 'associate' ? 'AssociateWorkspace' : 'DisassociateWorkspace');
/** Support floor starts with agent01, agent02, agent19. */
const SEEDED = [agent(1), agent(2), agent(19)];

interface ItemCase {
  reason: string;
  action: Action;
  faults?: FaultOptions;
  wantDone: string[];
  wantFailed: Pick<ItemFailure, 'item' | 'code' | 'terminal'>[];
  /** Support floor's associations afterwards. */
  wantAssociated: string[];
}

const itemCases: ItemCase[] = [
  {
    reason: 'associate: new users and a routing profile are done and associated',
    action: associate([agent(3), agent(4), routingProfile(1)]),
    wantDone: [agent(3), agent(4), routingProfile(1)],
    wantFailed: [],
    wantAssociated: [...SEEDED, agent(3), agent(4), routingProfile(1)],
  },
  {
    reason: 'disassociate: associated users are done and gone',
    action: disassociate([agent(1), agent(19)]),
    wantDone: [agent(1), agent(19)],
    wantFailed: [],
    wantAssociated: [agent(2)],
  },
  {
    reason: 'associate: FailedList 409 (already associated) counts as done',
    action: associate([agent(1)]),
    wantDone: [agent(1)],
    wantFailed: [],
    wantAssociated: SEEDED,
  },
  {
    reason: 'disassociate: FailedList 404 (not associated) counts as done',
    action: disassociate([agent(5)]),
    wantDone: [agent(5)],
    wantFailed: [],
    wantAssociated: SEEDED,
  },
  {
    reason: 'associate: FailedList 404 (no such user) is terminal for that ARN',
    action: associate([agent(99)]),
    wantDone: [],
    wantFailed: [{ item: agent(99), code: '404', terminal: true }],
    wantAssociated: SEEDED,
  },
  {
    reason: "associate: FailedList 400 (another instance's user) is terminal for that ARN",
    action: associate([londonAgent(1)]),
    wantDone: [],
    wantFailed: [{ item: londonAgent(1), code: '400', terminal: true }],
    wantAssociated: SEEDED,
  },
  ...(['403', '429', '500', '503'] as const).map((code): ItemCase => ({
    reason: `associate: FailedList ${code} is ${code === '403' ? 'terminal' : 'retryable'} for that ARN only`,
    action: associate([agent(6), agent(7)]),
    faults: { failedList: [{ operation: 'AssociateWorkspace', resourceArn: agent(7), code }] },
    wantDone: [agent(6)],
    wantFailed: [{ item: agent(7), code, terminal: code === '403' }],
    wantAssociated: [...SEEDED, agent(6)],
  })),
  {
    reason: 'disassociate: FailedList 429 is retryable and leaves the association',
    action: disassociate([agent(2)]),
    faults: { failedList: [{ operation: 'DisassociateWorkspace', resourceArn: agent(2), code: '429' }] },
    wantDone: [],
    wantFailed: [{ item: agent(2), code: '429', terminal: false }],
    wantAssociated: SEEDED,
  },
  {
    reason: 'a mixed batch is read item by item: success, 409, 404 and 429 in one answer',
    action: associate([agent(3), agent(1), agent(99), agent(4)]),
    faults: { failedList: [{ resourceArn: agent(4), code: '429' }] },
    wantDone: [agent(3), agent(1)],
    wantFailed: [
      { item: agent(99), code: '404', terminal: true },
      { item: agent(4), code: '429', terminal: false },
    ],
    wantAssociated: [...SEEDED, agent(3)],
  },
];

interface CallCase {
  reason: string;
  action: Action;
  sandbox?: SandboxOptions;
  kind: typeof TerminalError | typeof RetryableError | typeof ThrottledError;
  code: string;
  attempts: number;
}

const callCases: CallCase[] = [
  {
    reason: 'an unknown instance is a terminal ResourceNotFoundException',
    action: { type: 'associate', target: connectTarget(SUPPORT_FLOOR, REGION, '00000000-dead-beef-0000-000000000000'), items: [agent(3)] },
    kind: TerminalError,
    code: 'ResourceNotFoundException',
    attempts: 1,
  },
  {
    reason: 'an unknown workspace is a terminal ResourceNotFoundException',
    action: { type: 'disassociate', target: connectTarget('no-such-workspace'), items: [agent(1)] },
    kind: TerminalError,
    code: 'ResourceNotFoundException',
    attempts: 1,
  },
  {
    reason: 'a throttled call is handed back after 1 attempt (ReconcilerRetryStrategy refuses the SDK retry)',
    action: associate([agent(3)]),
    sandbox: { faults: { throttleRate: 1, operations: ['AssociateWorkspace'] } },
    kind: ThrottledError,
    code: 'ThrottlingException',
    attempts: 1,
  },
  {
    reason: 'a call failing with 500 on every attempt is retryable after the SDK used its 3 attempts',
    action: disassociate([agent(1)]),
    sandbox: { faults: { errorRate: 1, operations: ['DisassociateWorkspace'] } },
    kind: RetryableError,
    code: 'InternalServiceException',
    attempts: 3,
  },
  {
    reason: 'AccessDenied is terminal and not retried',
    action: associate([agent(3)]),
    sandbox: { faults: { scriptedErrors: [{ operation: 'AssociateWorkspace', code: 'AccessDeniedException' }] } },
    kind: TerminalError,
    code: 'AccessDeniedException',
    attempts: 1,
  },
];

describe('providers/connect execute', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  for (const tc of itemCases) {
    it(tc.reason, async () => {
      h = await startHarness({ faults: tc.faults });
      const gate = new RecordingGate();
      const result = await new ConnectProvider({ clients: h.clients, gate }).execute(tc.action);
      const op = operationOf(tc.action);
      const [call, ...more] = h.sandbox.calls;
      assert.equal(more.length, 0, 'exactly one call');
      assert.equal(call?.operation, op);
      assert.deepEqual(call?.input.ResourceArns, tc.action.type === 'deploy' ? undefined : tc.action.items);
      assert.deepEqual(gate.calls, [{ service: 'connect', region: REGION, operation: op, targetKey: support.key }]);

      assert.deepEqual(result.done, tc.wantDone);
      assert.deepEqual(
        result.failed.map(({ item, code, terminal }) => ({ item, code, terminal })),
        tc.wantFailed,
      );
      assert.equal(result.requestId, call?.requestId);
      for (const f of result.failed) {
        assert.equal(f.requestId, call?.requestId);
        assert.ok(f.message.length > 0);
      }
      assert.deepEqual(h.sandbox.connectAssociations(REGION, INSTANCE, SUPPORT_FLOOR), [...tc.wantAssociated].sort());
    });
  }

  for (const tc of callCases) {
    it(tc.reason, async () => {
      h = await startHarness(tc.sandbox);
      const err = await new ConnectProvider({ clients: h.clients }).execute(tc.action).then(
        () => assert.fail('expected the call to fail'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof tc.kind, `${String(err)} is a ${tc.kind.name}`);
      assert.ok(err instanceof AwsCallError);
      assert.equal(err.code, tc.code);
      assert.equal(err.operation, operationOf(tc.action));
      assert.equal(err.targetKey, tc.action.target.key);
      assert.equal(err.attempts, tc.attempts);
      assert.equal(h.sandbox.calls.length, tc.attempts, 'the sandbox saw every attempt and no more');
      assert.equal(err.requestId, h.sandbox.calls.at(-1)?.requestId, 'requestId of the last answer');
      assert.ok(err.requestId);
    });
  }

  interface RetriedCase {
    reason: string;
    sandbox: SandboxOptions;
    wantStatuses: number[];
  }
  const retriedCases: RetriedCase[] = [
    {
      reason: 'a 500 once is retried by the SDK and the call succeeds',
      sandbox: { faults: { scriptedErrors: [{ operation: 'AssociateWorkspace', code: 'InternalServiceException', times: 1 }] } },
      wantStatuses: [500, 200],
    },
    {
      reason: 'a connection reset once is retried by the SDK and the call succeeds',
      // One random draw per call: the first is below resetRate (reset), the rest above.
      sandbox: { faults: { resetRate: 0.5, operations: ['AssociateWorkspace'] }, random: drawsOf([0], 0.99) },
      wantStatuses: [0, 200],
    },
  ];
  for (const tc of retriedCases) {
    it(tc.reason, async () => {
      h = await startHarness(tc.sandbox);
      const result = await new ConnectProvider({ clients: h.clients }).execute(associate([agent(8)]));
      assert.deepEqual(result, { done: [agent(8)], failed: [], requestId: h.sandbox.calls.at(-1)?.requestId });
      assert.deepEqual(h.sandbox.calls.map((c) => c.status), tc.wantStatuses);
      assert.ok(h.sandbox.connectAssociations(REGION, INSTANCE, SUPPORT_FLOOR).includes(agent(8)));
    });
  }

  const refused: { reason: string; action: Action }[] = [
    { reason: '26 ARNs (over the API maximum of 25)', action: associate(Array.from({ length: 26 }, (_, i) => `${agent(1)}-${i}`)) },
    { reason: 'no ARNs', action: disassociate([]) },
    { reason: 'a deploy action', action: { type: 'deploy', target: workSpaceTarget('ws-eng0000001'), force: false } },
    { reason: 'a WorkSpaces target', action: { type: 'associate', target: workSpaceTarget('ws-eng0000001'), items: ['wsa-chrome0001'] } },
  ];
  for (const tc of refused) {
    it(`refuses ${tc.reason} with a TypeError before any call`, async () => {
      h = await startHarness();
      await assert.rejects(new ConnectProvider({ clients: h.clients }).execute(tc.action), TypeError);
      assert.equal(h.sandbox.calls.length, 0);
    });
  }

  it('25 ARNs (the API maximum) go out in one call', async () => {
    h = await startHarness();
    const items = Array.from({ length: 25 }, (_, i) => agent(i + 100));
    const result = await new ConnectProvider({ clients: h.clients }).execute(associate(items));
    assert.equal(h.sandbox.calls.length, 1);
    assert.deepEqual(result.failed.map((f) => f.code), items.map(() => '404'));
  });

  it('a target without a region fails terminally with MissingRegion before any call', async () => {
    h = await startHarness();
    const action: Action = { type: 'associate', target: withoutRegion(support), items: [agent(3)] };
    const err = await new ConnectProvider({ clients: h.clients }).execute(action).catch((e: unknown) => e);
    assert.ok(err instanceof TerminalError);
    assert.equal(err.code, 'MissingRegion');
    assert.equal(h.sandbox.calls.length, 0);
  });

  it('a call cancelled by its signal rejects with the abort, not as an AWS failure of the target', async () => {
    h = await startHarness();
    const controller = new AbortController();
    controller.abort();
    const err = await new ConnectProvider({ clients: h.clients }).execute(associate([agent(3)]), controller.signal).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.ok(!(err instanceof AwsCallError), `${String(err)} is not an AwsCallError`);
  });
});

/** A random source that returns `first` in order, then `rest` forever. */
function drawsOf(first: number[], rest: number): () => number {
  let i = 0;
  return () => (i < first.length ? first[i++]! : rest);
}
