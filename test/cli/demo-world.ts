/**
 * The demo world (src/sandbox/demo-seed.yaml) as examples/ leaves it after a converged apply,
 * written out by hand from the brief rather than derived from the YAML, so a loader or planner bug
 * cannot make the expectation agree with itself.
 */
import assert from 'node:assert/strict';
import type { Sandbox } from '../../src/sandbox/index.js';

const two = (n: number) => String(n).padStart(2, '0');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
export const LONDON_INSTANCE = 'b2c3d4e5-1111-2222-3333-444455556666';
const usEast = `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}`;
const london = `arn:aws:connect:eu-west-2:123456789012:instance/${LONDON_INSTANCE}`;
export const agentArn = (n: number) => `${usEast}/agent/0f1e2d3c-0000-1111-2222-3333444455${two(n)}`;
export const profileArn = (n: number) => `${usEast}/routing-profile/7a6b5c4d-0000-1111-2222-3333444455${two(n)}`;
const londonAgent = (n: number) => `${london}/agent/1a2b3c4d-0000-1111-2222-3333444455${two(n)}`;

export const WORKSPACE = {
  supportFloor: '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff',
  billingDesk: '3e8a7b6c-aaaa-bbbb-cccc-111122223333',
  supervisors: '5f4e3d2c-aaaa-bbbb-cccc-444455556666',
  london: 'c3d4e5f6-aaaa-bbbb-cccc-ddddeeeeffff',
};

/** Connect workspaces: [region, instance, workspace, the exact associated ARNs]. */
export const CONNECT_CONVERGED: [string, string, string, string[]][] = [
  // Additive: agent19 (associated by hand) stays.
  ['us-east-1', INSTANCE, WORKSPACE.supportFloor, [...range(1, 10), 19].map(agentArn).concat(profileArn(1), profileArn(3))],
  ['us-east-1', INSTANCE, WORKSPACE.billingDesk, range(11, 15).map(agentArn).concat(profileArn(2))],
  // prune: true: agent20 is gone.
  ['us-east-1', INSTANCE, WORKSPACE.supervisors, range(16, 18).map(agentArn).concat(profileArn(4))],
  ['eu-west-2', LONDON_INSTANCE, WORKSPACE.london, range(1, 5).map(londonAgent).concat(`${london}/routing-profile/8b7c6d5e-0000-1111-2222-333344445501`)],
];

const ENGINEERING_APPS = ['wsa-chrome0001', 'wsa-slack00001', 'wsa-vscode0001'];
// prune: true: zoom (on ws-cc00000001 before) is gone.
const CALL_CENTER_APPS = ['wsa-chrome0001', 'wsa-office0001'];
/** WorkSpaces: [id, the exact applications, all COMPLETED]. */
export const WORKSPACES_CONVERGED: [string, string[]][] = [
  ...range(1, 3).map((n): [string, string[]] => [`ws-eng000000${n}`, ENGINEERING_APPS]),
  ...range(1, 4).map((n): [string, string[]] => [`ws-cc0000000${n}`, CALL_CENTER_APPS]),
];

/** Asserts the sandbox holds exactly the converged demo world for the given parts of examples/. */
export function assertConverged(sb: Sandbox, parts: { connect?: boolean; workspaces?: boolean } = { connect: true, workspaces: true }): void {
  if (parts.connect) {
    for (const [region, instance, ws, arns] of CONNECT_CONVERGED) {
      assert.deepEqual(sb.connectAssociations(region, instance, ws), [...arns].sort(), `Connect workspace ${ws}`);
    }
  }
  if (parts.workspaces) {
    for (const [ws, apps] of WORKSPACES_CONVERGED) {
      const live = sb.workspaceAssociations('us-east-1', ws).filter((a) => a.state !== 'REMOVED');
      assert.deepEqual(live.map((a) => `${a.applicationId}:${a.state}`), apps.map((a) => `${a}:COMPLETED`), `WorkSpace ${ws}`);
    }
  }
}
