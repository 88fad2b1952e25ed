/**
 * The desired state in examples/ must stay valid and mean what its comments say: the demo and
 * the README rely on it. It is examples/connect and examples/workspaces, written by names and
 * selectors; examples/deploy holds other YAML (Kubernetes, GitHub Actions) that is not desired
 * state, so the loader is pointed at the two directories. Resolved against the demo world, the
 * examples want exactly what their by-id twin (test/fixtures/demo-by-id) wants.
 */
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectKey, loadDesiredState, workspaceKey, type DesiredState, type Target } from '../../src/config/index.js';
import { resolveDesired, type ResolveResult } from '../../src/resolve/index.js';
import { startHarness, type Harness } from '../providers/fixtures.js';
import { lookups } from '../resolve/helpers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLES = join(ROOT, 'examples');
const BY_ID = join(ROOT, 'test', 'fixtures', 'demo-by-id');
const US_INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
const agent = (nn: string) =>
  `arn:aws:connect:us-east-1:123456789012:instance/${US_INSTANCE}/agent/0f1e2d3c-0000-1111-2222-3333444455${nn}`;

async function load(dir: string): Promise<DesiredState> {
  const result = await loadDesiredState([join(dir, 'connect'), join(dir, 'workspaces')]);
  assert.deepEqual([...result.errors, ...result.warnings], [], `${dir} loads with no errors and no warnings`);
  assert.ok(result.state);
  return result.state;
}

/** A target as plain data: key, prune and its desired items, sorted. */
const shape = (t: Target) => ({ key: t.key, prune: t.prune, desired: [...t.desired.keys()].sort() });

describe('config: examples/', () => {
  let state: DesiredState;
  before(async () => {
    state = await load(EXAMPLES);
  });

  it('has 6 documents in 5 files, every one written by names and selectors', () => {
    assert.equal(state.documentCount, 6);
    assert.deepEqual(
      state.files.map((f) => f.slice(EXAMPLES.length + 1)),
      ['connect/london.yaml', 'connect/supervisors.yaml', 'connect/support.yaml', 'workspaces/call-center.yaml', 'workspaces/engineering.yaml'].map((f) => join(f)),
    );
    assert.equal(state.needsResolution, true);
    assert.deepEqual(state.targets, [], 'no target is named by id: resolution makes them all');
    for (const i of state.intents) {
      if (i.type === 'connect') {
        assert.equal(i.workspace.by, 'name', `${i.document.name}: the workspace by name`);
        assert.deepEqual(i.resourceArns, [], `${i.document.name}: no ARN`);
      } else {
        assert.deepEqual([i.workspaceIds, i.applicationIds], [[], []], `${i.document.name}: no WorkSpace or application id`);
        assert.ok(i.selectors.length > 0 && i.applications.length > 0, i.document.name);
      }
    }
  });

  describe('resolved against the demo world (real SDK, sandbox)', function () {
    this.timeout(20_000);
    let h: Harness | undefined;
    let resolved: ResolveResult;
    before(async () => {
      h = await startHarness();
      resolved = await resolveDesired(state, lookups(h));
    });
    after(async () => h?.close());

    it('resolves every name, with no failure, conflict or unresolved item', () => {
      assert.deepEqual([resolved.failures, resolved.blocked, resolved.conflicts], [[], [], []]);
      assert.deepEqual(resolved.targets.flatMap((t) => t.unresolved ?? []), []);
      assert.equal(resolved.targets.filter((t) => t.type === 'connect').length, 4);
      assert.equal(resolved.targets.filter((t) => t.type === 'workspaces').length, 7);
    });

    it('wants exactly what the same desired state written by ids wants (test/fixtures/demo-by-id)', async () => {
      const byId = await load(BY_ID);
      assert.equal(byId.needsResolution, false);
      assert.deepEqual(resolved.targets.map(shape), byId.targets.map(shape));
    });

    const expectations = [
      {
        reason: 'Support floor: agent01..agent10 (tagged team: support) and the Basic and Support profiles, additive',
        key: connectKey('default', 'us-east-1', US_INSTANCE, '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff'),
        size: 12,
        prune: false,
        has: [agent('01'), agent('10')],
        lacks: [agent('19'), agent('16')],
      },
      {
        reason: 'Billing desk: the users whose routing profile is Billing (agent11..agent15) and the profile',
        key: connectKey('default', 'us-east-1', US_INSTANCE, '3e8a7b6c-aaaa-bbbb-cccc-111122223333'),
        size: 6,
        prune: false,
        has: [agent('11'), agent('15'), `arn:aws:connect:us-east-1:123456789012:instance/${US_INSTANCE}/routing-profile/7a6b5c4d-0000-1111-2222-333344445502`],
        lacks: [agent('10')],
      },
      {
        reason: 'Supervisors: agent16..agent18 and the Supervisors profile, pruned (agent20 goes)',
        key: connectKey('default', 'us-east-1', US_INSTANCE, '5f4e3d2c-aaaa-bbbb-cccc-444455556666'),
        size: 4,
        prune: true,
        has: [agent('16'), `arn:aws:connect:us-east-1:123456789012:instance/${US_INSTANCE}/routing-profile/7a6b5c4d-0000-1111-2222-333344445504`],
        lacks: [agent('20')],
      },
      {
        reason: 'London support in eu-west-2: 5 users and 1 routing profile',
        key: connectKey('default', 'eu-west-2', 'b2c3d4e5-1111-2222-3333-444455556666', 'c3d4e5f6-aaaa-bbbb-cccc-ddddeeeeffff'),
        size: 6,
        prune: false,
        has: ['arn:aws:connect:eu-west-2:123456789012:instance/b2c3d4e5-1111-2222-3333-444455556666/agent/1a2b3c4d-0000-1111-2222-333344445505'],
        lacks: [],
      },
      {
        reason: 'an engineering WorkSpace (tagged dept: eng): VS Code, Chrome, Slack, additive',
        key: workspaceKey('default', 'us-east-1', 'ws-eng0000002'),
        size: 3,
        prune: false,
        has: ['wsa-vscode0001', 'wsa-chrome0001', 'wsa-slack00001'],
        lacks: [],
      },
      {
        reason: 'a call-center WorkSpace (its directory): Chrome and Office only, pruned (Zoom goes)',
        key: workspaceKey('default', 'us-east-1', 'ws-cc00000001'),
        size: 2,
        prune: true,
        has: ['wsa-chrome0001', 'wsa-office0001'],
        lacks: ['wsa-zoom000001'],
      },
    ];
    for (const tc of expectations) {
      it(tc.reason, () => {
        const target = resolved.targets.find((t) => t.key === tc.key);
        assert.ok(target, `target ${tc.key}`);
        assert.equal(target.desired.size, tc.size);
        assert.equal(target.prune, tc.prune);
        for (const item of tc.has) assert.ok(target.desired.has(item), `has ${item}`);
        for (const item of tc.lacks) assert.ok(!target.desired.has(item), `lacks ${item}`);
      });
    }
  });
});
