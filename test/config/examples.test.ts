/**
 * The desired state in examples/ must stay valid: the demo and the README rely on it. It is
 * examples/connect and examples/workspaces; examples/deploy holds other YAML (Kubernetes, GitHub
 * Actions) that is not desired state, so the loader is pointed at the two directories.
 */
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectKey, loadDesiredState, workspaceKey, type DesiredState } from '../../src/config/index.js';

const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples');
const US_INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
const agent = (nn: string) =>
  `arn:aws:connect:us-east-1:123456789012:instance/${US_INSTANCE}/agent/0f1e2d3c-0000-1111-2222-3333444455${nn}`;

describe('config: examples/', () => {
  let state: DesiredState;

  before(async () => {
    const result = await loadDesiredState([join(EXAMPLES, 'connect'), join(EXAMPLES, 'workspaces')]);
    assert.deepEqual([...result.errors, ...result.warnings], [], 'the examples load with no errors and no warnings');
    assert.ok(result.state);
    state = result.state;
  });

  it('has 4 Connect targets and 7 WorkSpace targets from 6 documents', () => {
    assert.equal(state.targets.filter((t) => t.type === 'connect').length, 4);
    assert.equal(state.targets.filter((t) => t.type === 'workspaces').length, 7);
    assert.equal(state.documentCount, 6);
    assert.deepEqual(
      state.files.map((f) => f.slice(EXAMPLES.length + 1)),
      ['connect/london.yaml', 'connect/supervisors.yaml', 'connect/support.yaml', 'workspaces/call-center.yaml', 'workspaces/engineering.yaml'].map(
        (f) => join(f),
      ),
    );
  });

  const expectations = [
    {
      reason: 'Support floor: agent01..agent10 and two routing profiles, additive',
      key: connectKey('default', 'us-east-1', US_INSTANCE, '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff'),
      size: 12,
      prune: false,
      has: [agent('01'), agent('10')],
      lacks: [agent('19')],
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
      reason: 'an engineering WorkSpace: VS Code, Chrome, Slack, additive',
      key: workspaceKey('default', 'us-east-1', 'ws-eng0000002'),
      size: 3,
      prune: false,
      has: ['wsa-vscode0001', 'wsa-chrome0001', 'wsa-slack00001'],
      lacks: [],
    },
    {
      reason: 'a call-center WorkSpace: Chrome and Office only, pruned (Zoom goes)',
      key: workspaceKey('default', 'us-east-1', 'ws-cc00000001'),
      size: 2,
      prune: true,
      has: ['wsa-chrome0001', 'wsa-office0001'],
      lacks: ['wsa-zoom000001'],
    },
  ];
  for (const tc of expectations) {
    it(tc.reason, () => {
      const target = state.targets.find((t) => t.key === tc.key);
      assert.ok(target, `target ${tc.key}`);
      assert.equal(target.desired.size, tc.size);
      assert.equal(target.prune, tc.prune);
      for (const item of tc.has) assert.ok(target.desired.has(item), `has ${item}`);
      for (const item of tc.lacks) assert.ok(!target.desired.has(item), `lacks ${item}`);
    });
  }
});
