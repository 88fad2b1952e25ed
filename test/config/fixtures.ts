/** Named fixtures for the loader tests: valid documents whose line numbers the cases rely on. */
import assert from 'node:assert/strict';
import { loadDesiredStateFromText, type LoadOptions, type Problem } from '../../src/config/index.js';

export const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
export const OTHER_INSTANCE = 'b2c3d4e5-1111-2222-3333-444455556666';
export const SUPPORT_FLOOR = '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff';

export function agentArn(n: number, region = 'us-east-1', instance = INSTANCE): string {
  return `arn:aws:connect:${region}:123456789012:instance/${instance}/agent/0f1e2d3c-0000-1111-2222-3333444455${String(n).padStart(2, '0')}`;
}

export function profileArn(n: number): string {
  return `arn:aws:connect:us-east-1:123456789012:instance/${INSTANCE}/routing-profile/7a6b5c4d-0000-1111-2222-3333444455${String(n).padStart(2, '0')}`;
}

/** A valid Connect document. Line numbers are in the comments; cases edit single lines. */
export const CONNECT = [
  'apiVersion: workspace-reconciler/v1', // 1
  'kind: ConnectWorkspaceAssociations', // 2
  'metadata:', // 3
  '  name: support-floor', // 4
  'spec:', // 5
  '  region: us-east-1', // 6
  `  instanceId: ${INSTANCE}`, // 7
  `  workspaceId: ${SUPPORT_FLOOR}`, // 8
  '  resourceArns:', // 9
  `    - ${agentArn(1)}`, // 10
  `    - ${profileArn(1)}`, // 11
  '  prune: false', // 12
  '',
].join('\n');

/** CONNECT's resourceArns field, lines 9-11, for cases that replace the whole list. */
export const ARNS = `  resourceArns:\n    - ${agentArn(1)}\n    - ${profileArn(1)}\n`;

/** A valid WorkSpaces document. */
export const WORKSPACES = [
  'apiVersion: workspace-reconciler/v1', // 1
  'kind: WorkSpaceApplications', // 2
  'metadata:', // 3
  '  name: engineering-desktops', // 4
  'spec:', // 5
  '  region: us-east-1', // 6
  '  workspaceIds: [ws-eng0000001, ws-eng0000002]', // 7
  '  applicationIds:', // 8
  '    - wsa-vscode0001', // 9
  '    - wsa-chrome0001', // 10
  '  prune: false', // 11
  '',
].join('\n');

/** Replaces text that must be present, so a stale fixture fails loudly instead of testing nothing. */
export function edit(base: string, ...pairs: [string, string][]): string {
  let out = base;
  for (const [from, to] of pairs) {
    if (!out.includes(from)) throw new Error(`fixture does not contain ${JSON.stringify(from)}`);
    out = out.replace(from, to);
  }
  return out;
}

/** An expected problem: [file, line, col, message fragment]. */
export type Expected = [file: string, line: number, col: number, fragment: string];

/** A bad-input case: the complete lists of errors and warnings it must produce. */
export interface ProblemCase {
  reason: string;
  /** file name → text, read in this order; a plain string is file 'a.yaml'. */
  files: string | Record<string, string>;
  options?: LoadOptions;
  errors?: Expected[];
  warnings?: Expected[];
}

function check(kind: string, actual: Problem[], expected: Expected[]): void {
  const show = (p: Problem) => `${p.file}:${p.line}:${p.col}: ${p.message}`;
  // Positions first, as one list, so that an extra or a missing problem fails with a readable diff.
  assert.deepEqual(
    actual.map((p) => `${p.file}:${p.line}:${p.col}`),
    expected.map(([f, l, c]) => `${f}:${l}:${c}`),
    `${kind} positions; got:\n${actual.map(show).join('\n')}`,
  );
  expected.forEach(([, , , fragment], i) => {
    assert.ok(actual[i].message.includes(fragment), `${kind}[${i}] ${JSON.stringify(actual[i].message)} lacks ${JSON.stringify(fragment)}`);
  });
}

/** One `it` per case: the exact file, line and column of every problem, and a message fragment. */
export function runProblemCases(cases: readonly ProblemCase[]): void {
  for (const tc of cases) {
    it(tc.reason, () => {
      const files = typeof tc.files === 'string' ? { 'a.yaml': tc.files } : tc.files;
      const result = loadDesiredStateFromText(
        Object.entries(files).map(([file, text]) => ({ file, text })),
        tc.options,
      );
      check('errors', result.errors, tc.errors ?? []);
      check('warnings', result.warnings, tc.warnings ?? []);
      assert.equal(result.state === undefined, result.errors.length > 0, 'state is present exactly when there are no errors');
      assert.ok(result.errors.every((p) => p.severity === 'error'));
      assert.ok(result.warnings.every((p) => p.severity === 'warning'));
    });
  }
}
