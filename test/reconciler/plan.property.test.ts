/**
 * Properties of the planner (src/reconciler/plan.ts) over arbitrary desired targets, observed
 * states and exclusions, checked with fast-check under a fixed seed so CI is deterministic.
 *
 * The properties, for every target of a plan(desired, observed, excluded) call (D = desired,
 * O = observed, X = excluded items of that target):
 *   (a) nothing desired is ever disassociated;
 *   (b) a target without prune disassociates nothing;
 *   (c) applying the plan to the observed state yields the desired state:
 *       Connect, exactly: A = (O ∪ associate) \ disassociate satisfies
 *         prune:    A \ X == D \ X      no prune: A ⊇ D \ X and A ⊇ O
 *         and A ∩ X == O ∩ X (excluded items are left as they are);
 *       WorkSpaces, through a model of the API's effect (see `applyWorkSpacePlan`): after
 *         associate, then disassociate, then the deploy (if any), every desired, non-excluded
 *         application is COMPLETED, unless the plan explicitly accounts for it:
 *           - it is in `wait` (in flight: the plan polls it), or
 *           - it is in `failed` (ERROR with a terminal ValidationError.* reason: reported), or
 *           - it was being uninstalled by someone else (PENDING_UNINSTALL: the deploy finishes the
 *             uninstall and a later pass associates again — footnote ¹ of the decision table), or
 *           - the deploy is held (the WorkSpace is excluded, or in-flight pairs block it and the
 *             plan waits on them) and the item is left PENDING_INSTALL / PENDING_UNINSTALL /
 *             ERROR-to-retry for a later pass;
 *         and with prune every non-desired, non-excluded application is REMOVED after the same
 *         steps, unless it is in `wait`, or the deploy is held and it is PENDING_UNINSTALL;
 *         excluded applications are never changed by an associate or disassociate;
 *   (d) excluded items never appear in associate / disassociate / retry / failed, a WorkSpace
 *       whose id is excluded is never deployed, a deploy always has a non-excluded reason, and an
 *       excluded item appears in `wait` only as an in-flight pair that blocks the deploy;
 *   (e) Connect batches hold 1..25 ARNs; no item is listed twice, in one list or across
 *       associate and disassociate; plus consistency: associate only what is not associated,
 *       disassociate only what is, `deploy.force` iff something is retried, and no deploy while
 *       any pair of the WorkSpace is in flight.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connectKey, workspaceKey } from '../../src/config/types.js';
import type { ConnectTarget, SourceLocation, Target, WorkSpaceTarget } from '../../src/config/types.js';
import { CONNECT_BATCH_SIZE, isInFlight, plan } from '../../src/reconciler/plan.js';
import type { AssociationState, ConnectPlan, ObservedApplication, ObservedState, WorkSpacePlan } from '../../src/reconciler/types.js';
import { ASSOCIATION_STATES } from '../../src/reconciler/types.js';

const RUNS = { seed: 42, numRuns: 200 };
const here: SourceLocation = { file: 'desired.yaml', line: 1, col: 1 };
const REGION = 'us-east-1';
const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
/** More ARNs than one batch holds, so batching is exercised. */
const ARN_POOL = 70;
const APP_POOL = 12;

const arn = (i: number) => `arn:aws:connect:${REGION}:123456789012:instance/${INSTANCE}/${i % 3 === 0 ? 'routing-profile' : 'agent'}/r-${String(i).padStart(4, '0')}`;
const app = (i: number) => `wsa-app${String(i).padStart(7, '0')}`;

const REASONS = [undefined, 'DeploymentError.WorkspaceUnreachable', 'DeploymentError.InternalServerError', 'ValidationError.InsufficientDiskSpace', 'ValidationError.UnsupportedOperatingSystem', 'SomethingElse'];

/** A subset of 0..n-1 (as indices): small ones, and dense ones (about half the pool, so more than a batch). */
const subset = (n: number): fc.Arbitrary<number[]> =>
  fc.oneof(
    fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }),
    fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((mask) => mask.flatMap((b, i) => (b ? [i] : []))),
  );

interface ConnectCase {
  target: ConnectTarget;
  /** undefined: no observation entry (nothing associated). */
  observed: Set<string> | undefined;
  excluded: Set<string>;
}

interface WorkSpaceCase {
  target: WorkSpaceTarget;
  observed: Map<string, ObservedApplication> | undefined;
  excluded: Set<string>;
}

const connectCase = (index: number): fc.Arbitrary<ConnectCase> =>
  fc
    .record({
      desired: subset(ARN_POOL),
      observed: fc.option(subset(ARN_POOL), { nil: undefined }),
      excluded: fc.oneof({ weight: 2, arbitrary: fc.constant([] as number[]) }, { weight: 1, arbitrary: subset(ARN_POOL) }),
      prune: fc.boolean(),
    })
    .map(({ desired, observed, excluded, prune }) => {
      const workspaceId = `cw-${index}`;
      return {
        target: {
          type: 'connect' as const,
          account: 'default',
          key: connectKey('default', REGION, INSTANCE, workspaceId),
          region: REGION,
          instanceId: INSTANCE,
          workspaceId,
          desired: new Map(desired.map((i) => [arn(i), here])),
          prune,
          documents: [],
        },
        observed: observed === undefined ? undefined : new Set(observed.map(arn)),
        excluded: new Set(excluded.map(arn)),
      };
    });

const observedApp = (id: string): fc.Arbitrary<ObservedApplication> =>
  fc.record({ state: fc.constantFrom(...ASSOCIATION_STATES), reason: fc.constantFrom(...REASONS) }).map(({ state, reason }) => {
    const a: ObservedApplication = { applicationId: id, state };
    if (reason !== undefined) Object.assign(a, { reasonCode: reason, reasonMessage: `because ${reason}` });
    return a;
  });

const workSpaceCase = (index: number): fc.Arbitrary<WorkSpaceCase> => {
  const workspaceId = `ws-prop${String(index).padStart(5, '0')}`;
  return fc
    .record({
      desired: subset(APP_POOL),
      observed: fc.option(
        subset(APP_POOL).chain((ids) => fc.tuple(...ids.map((i) => observedApp(app(i))))),
        { nil: undefined },
      ),
      excluded: fc.oneof({ weight: 2, arbitrary: fc.constant([] as number[]) }, { weight: 1, arbitrary: subset(APP_POOL) }),
      excludeWorkSpace: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      prune: fc.boolean(),
    })
    .map(({ desired, observed, excluded, excludeWorkSpace, prune }) => {
      const ex = new Set(excluded.map(app));
      if (excludeWorkSpace) ex.add(workspaceId);
      return {
        target: {
          type: 'workspaces' as const,
          account: 'default',
          key: workspaceKey('default', REGION, workspaceId),
          region: REGION,
          workspaceId,
          desired: new Map(desired.map((i) => [app(i), here])),
          prune,
          documents: [],
        },
        observed: observed === undefined ? undefined : new Map(observed.map((a) => [a.applicationId, a])),
        excluded: ex,
      };
    });
};

/** 0..3 Connect and 0..3 WorkSpaces targets, planned together. */
const world = fc
  .record({ nc: fc.integer({ min: 0, max: 3 }), nw: fc.integer({ min: 0, max: 3 }) })
  .chain(({ nc, nw }) =>
    fc.record({
      connect: fc.tuple(...Array.from({ length: nc }, (_, i) => connectCase(i))),
      workspaces: fc.tuple(...Array.from({ length: nw }, (_, i) => workSpaceCase(i))),
    }),
  );

function planWorld(w: { connect: ConnectCase[]; workspaces: WorkSpaceCase[] }) {
  const observed: ObservedState = new Map();
  const excluded = new Map<string, Set<string>>();
  const targets: Target[] = [];
  for (const c of w.connect) {
    targets.push(c.target);
    if (c.observed) observed.set(c.target.key, { type: 'connect', key: c.target.key, associated: c.observed });
    excluded.set(c.target.key, c.excluded);
  }
  for (const c of w.workspaces) {
    targets.push(c.target);
    if (c.observed) observed.set(c.target.key, { type: 'workspaces', key: c.target.key, applications: c.observed });
    excluded.set(c.target.key, c.excluded);
  }
  const p = plan(targets, observed, (key) => excluded.get(key));
  assert.equal(p.targets.length, targets.length);
  return p;
}

function assertUnique(items: readonly string[], what: string): void {
  assert.equal(new Set(items).size, items.length, `${what} lists an item twice: ${items.join(', ')}`);
}

function checkConnect(c: ConnectCase, tp: ConnectPlan): void {
  const D = new Set(c.target.desired.keys());
  const O = c.observed ?? new Set<string>();
  const X = c.excluded;
  const add = tp.associate.flat();
  const remove = tp.disassociate.flat();
  // (e) batches and duplicates
  for (const b of [...tp.associate, ...tp.disassociate]) assert.ok(b.length >= 1 && b.length <= CONNECT_BATCH_SIZE, `batch of ${b.length}`);
  assertUnique([...add, ...remove], 'Connect associate + disassociate');
  for (const a of add) assert.ok(!O.has(a), `associates ${a}, already associated`);
  for (const a of remove) assert.ok(O.has(a), `disassociates ${a}, not associated`);
  // (a), (b)
  for (const a of remove) assert.ok(!D.has(a), `disassociates desired ${a}`);
  if (!c.target.prune) assert.deepEqual(remove, []);
  // (d)
  for (const a of [...add, ...remove]) assert.ok(!X.has(a), `acts on excluded ${a}`);
  // (c) A = (O ∪ associate) \ disassociate
  const A = new Set([...O, ...add]);
  for (const a of remove) A.delete(a);
  const minus = (s: Set<string>) => [...s].filter((x) => !X.has(x)).sort();
  if (c.target.prune) assert.deepEqual(minus(A), minus(D));
  else {
    for (const d of minus(D)) assert.ok(A.has(d), `desired ${d} not associated after the plan`);
    for (const o of O) assert.ok(A.has(o), `observed ${o} removed without prune`);
  }
  for (const x of X) assert.equal(A.has(x), O.has(x), `excluded ${x} changed`);
}

/**
 * The effect of a WorkSpaces plan on the association states, as the API documents it:
 *   associate (absent / REMOVED)       → PENDING_INSTALL
 *   disassociate PENDING_INSTALL       → REMOVED (never deployed: gone outright)
 *   disassociate COMPLETED / ERROR     → PENDING_UNINSTALL
 *   deploy: PENDING_INSTALL → COMPLETED, PENDING_UNINSTALL → REMOVED, and with Force the
 *           retried ERROR pairs → COMPLETED (the deployment is assumed to succeed).
 * In-flight states are left as they are (the plan waits on them).
 */
function applyWorkSpacePlan(before: Map<string, ObservedApplication>, tp: WorkSpacePlan): Map<string, AssociationState> {
  const s = new Map<string, AssociationState>([...before].map(([id, a]) => [id, a.state]));
  for (const id of tp.associate) {
    const st = s.get(id) ?? 'REMOVED';
    assert.equal(st, 'REMOVED', `associates ${id} in state ${st}`);
    s.set(id, 'PENDING_INSTALL');
  }
  for (const id of tp.disassociate) {
    const st = s.get(id);
    if (st === 'PENDING_INSTALL') s.set(id, 'REMOVED');
    else if (st === 'COMPLETED' || st === 'ERROR') s.set(id, 'PENDING_UNINSTALL');
    else assert.fail(`disassociates ${id} in state ${st}`);
  }
  if (tp.deploy) {
    const retried = new Set(tp.retry.map((r) => r.applicationId));
    for (const [id, st] of s) {
      if (st === 'PENDING_INSTALL') s.set(id, 'COMPLETED');
      else if (st === 'PENDING_UNINSTALL') s.set(id, 'REMOVED');
      else if (st === 'ERROR' && tp.deploy.force && retried.has(id)) s.set(id, 'COMPLETED');
    }
  }
  return s;
}

function checkWorkSpace(c: WorkSpaceCase, tp: WorkSpacePlan): void {
  const D = new Set(c.target.desired.keys());
  const O = c.observed ?? new Map<string, ObservedApplication>();
  const X = c.excluded;
  const stateOf = (id: string): AssociationState => O.get(id)?.state ?? 'REMOVED';
  const retried = tp.retry.map((r) => r.applicationId);
  const failed = tp.failed.map((f) => f.item);
  const waiting = tp.wait.map((w) => w.applicationId);
  // (e) duplicates
  assertUnique([...tp.associate, ...tp.disassociate], 'associate + disassociate');
  assertUnique(retried, 'retry');
  assertUnique(failed, 'failed');
  assertUnique(waiting, 'wait');
  if (tp.deploy) assert.equal(tp.deploy.force, retried.length > 0, 'Force iff something is retried');
  // A deploy never starts while a deployment is running on the WorkSpace (AWS: ResourceInUse).
  if (tp.deploy) for (const a of O.values()) assert.ok(!isInFlight(a.state), `deploys while ${a.applicationId} is ${a.state}`);
  // (a), (b)
  for (const id of tp.disassociate) assert.ok(!D.has(id), `disassociates desired ${id}`);
  if (!c.target.prune) assert.deepEqual(tp.disassociate, []);
  // (d)
  for (const id of [...tp.associate, ...tp.disassociate, ...retried, ...failed]) assert.ok(!X.has(id), `acts on excluded ${id}`);
  for (const id of waiting) if (X.has(id)) assert.ok(isInFlight(stateOf(id)) && tp.deploy === null, `waits on excluded ${id} (${stateOf(id)})`);
  if (X.has(c.target.workspaceId)) assert.equal(tp.deploy, null, 'deploys an excluded WorkSpace');
  if (tp.deploy) {
    const reason =
      tp.associate.length > 0 ||
      retried.length > 0 ||
      tp.disassociate.some((id) => stateOf(id) !== 'PENDING_INSTALL') ||
      [...O.values()].some(
        (a) => !X.has(a.applicationId) && (D.has(a.applicationId) || c.target.prune) && (a.state === 'PENDING_INSTALL' || a.state === 'PENDING_UNINSTALL'),
      );
    assert.ok(reason, 'a deploy without a non-excluded reason');
  }
  // Reported items are exactly what they say.
  for (const id of retried) assert.ok(D.has(id) && stateOf(id) === 'ERROR' && !O.get(id)?.reasonCode?.startsWith('ValidationError.'), `retries ${id}`);
  // A failed pair is desired, or (prune) one whose removal would only repeat its ValidationError.
  for (const id of failed) assert.ok((D.has(id) || c.target.prune) && stateOf(id) === 'ERROR' && O.get(id)?.reasonCode?.startsWith('ValidationError.'), `fails ${id}`);
  for (const w of tp.wait) assert.ok(isInFlight(w.state) && stateOf(w.applicationId) === w.state, `waits on ${w.applicationId} ${w.state}`);

  // (c) the effect
  const after = applyWorkSpacePlan(O, tp);
  const afterOf = (id: string): AssociationState => after.get(id) ?? 'REMOVED';
  const held = tp.deploy === null && (X.has(c.target.workspaceId) || tp.wait.length > 0);
  for (const id of D) {
    if (X.has(id)) continue;
    const st = afterOf(id);
    const ok =
      st === 'COMPLETED' ||
      waiting.includes(id) ||
      failed.includes(id) ||
      (stateOf(id) === 'PENDING_UNINSTALL' && st === 'REMOVED') ||
      (held && (st === 'PENDING_INSTALL' || st === 'PENDING_UNINSTALL' || (st === 'ERROR' && retried.includes(id))));
    assert.ok(ok, `desired ${id}: ${stateOf(id)} → ${st} after the plan`);
  }
  if (c.target.prune) {
    for (const id of O.keys()) {
      if (D.has(id) || X.has(id)) continue;
      const st = afterOf(id);
      const ok = st === 'REMOVED' || waiting.includes(id) || failed.includes(id) || (held && st === 'PENDING_UNINSTALL');
      assert.ok(ok, `pruned ${id}: ${stateOf(id)} → ${st} after the plan`);
    }
  }
  for (const id of X) if (O.has(id)) assert.ok(!tp.associate.includes(id) && !tp.disassociate.includes(id));
}

describe('plan: properties (fast-check, seed 42)', () => {
  it('(a)–(e) hold for arbitrary Connect and WorkSpaces targets, observations and exclusions', () => {
    fc.assert(
      fc.property(world, (w) => {
        const p = planWorld(w);
        w.connect.forEach((c, i) => checkConnect(c, p.targets[i] as ConnectPlan));
        w.workspaces.forEach((c, i) => checkWorkSpace(c, p.targets[w.connect.length + i] as WorkSpacePlan));
      }),
      RUNS,
    );
  });

  it('(c) for Connect with prune: observed ∪ associate \\ disassociate is exactly the desired set', () => {
    fc.assert(
      fc.property(connectCase(0), (c) => {
        const t = { ...c.target, prune: true };
        const p = plan([t], c.observed ? new Map([[t.key, { type: 'connect' as const, key: t.key, associated: c.observed }]]) : new Map());
        const tp = p.targets[0] as ConnectPlan;
        const A = new Set([...(c.observed ?? []), ...tp.associate.flat()]);
        for (const a of tp.disassociate.flat()) A.delete(a);
        assert.deepEqual([...A].sort(), [...t.desired.keys()].sort());
      }),
      RUNS,
    );
  });

  it('the summary counts what the targets hold', () => {
    fc.assert(
      fc.property(world, (w) => {
        const p = planWorld(w);
        let associate = 0, disassociate = 0;
        for (const tp of p.targets) {
          associate += tp.type === 'connect' ? tp.associate.flat().length : tp.associate.length;
          disassociate += tp.type === 'connect' ? tp.disassociate.flat().length : tp.disassociate.length;
        }
        assert.equal(p.summary.associate, associate);
        assert.equal(p.summary.disassociate, disassociate);
      }),
      RUNS,
    );
  });
});
