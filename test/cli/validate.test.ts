/** `validate`: offline checks, FILE:LINE:COL problems, the JSON shape, exit 0 / 1. */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertNoStackTrace, cliEnv, literal, parseJson, removeDir, runCli, tempDir } from './helpers.js';

const DEPLOY_FILES = [
  'examples/deploy/github-actions/reconcile.yml',
  'examples/deploy/kubernetes/cronjob.yaml',
  'examples/deploy/kubernetes/deployment-ha.yaml',
  'examples/deploy/kubernetes/deployment.yaml',
  'examples/deploy/kubernetes/prometheusrule.yaml',
  'examples/deploy/prometheus/alerts.yaml',
];

const header = (name: string) => `apiVersion: workspace-reconciler/v1\nkind: WorkSpaceApplications\nmetadata:\n  name: ${name}\n`;
/** Line 9, column 3: the typo. */
const TYPO = `${header('typo')}spec:\n  region: us-east-1\n  workspaceIds: [ws-eng0000001]\n  applicationIds: [wsa-slack00001]\n  prunne: true\n`;
/** Line 7, column 33: the bad id. */
const BAD_ID = `${header('bad-id')}spec:\n  region: us-east-1\n  workspaceIds: [ws-eng0000001, WS-BAD]\n  applicationIds: [wsa-slack00001]\n`;
/** A YAML syntax error. */
const SYNTAX = 'apiVersion: workspace-reconciler/v1\nkind: [unclosed\n';

describe('cli: validate', () => {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });
  const env = () => cliEnv(dir as string);
  async function files(contents: Record<string, string>): Promise<string> {
    const d = join(dir as string, 'desired');
    await mkdir(d, { recursive: true });
    for (const [name, text] of Object.entries(contents)) await writeFile(join(d, name), text);
    return d;
  }

  it('an empty directory is refused (exit 1) as plan/apply/run would refuse it, unless --allow-empty', async () => {
    const d = await files({});
    const r = await runCli(['validate', d], { env: env() });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `invalid: no documents found in ${d}; an empty desired state is refused unless --allow-empty\n`);
    const ok = await runCli(['validate', d, '--allow-empty'], { env: env() });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'valid: 0 documents in 0 files: 0 Connect workspaces, 0 WorkSpaces by id\n');
    const json = await runCli(['validate', d, '--output', 'json'], { env: env() });
    assert.equal(json.code, 1);
    assert.deepEqual([parseJson(json.stdout).valid, parseJson(json.stdout).empty], [false, true]);
  });

  it('--output json prints one JSON document even when the command fails before a result (a missing path)', async () => {
    const r = await runCli(['validate', join(dir as string, 'nope.yaml'), '--output', 'json'], { env: env() });
    assert.equal(r.code, 1);
    const out = parseJson(r.stdout);
    assert.equal(out.error.exitCode, 1);
    assert.match(out.error.message, /^cannot read '.*nope\.yaml': no such file or directory$/);
  });

  it('accepts examples/ (exit 0) and reports the deployment files as skipped, on stderr', async () => {
    const r = await runCli(['validate', 'examples'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `valid: 8 documents in 6 files: 0 Connect workspaces, 2 WorkSpaces by id; 7 documents with names or selectors, resolved against AWS by plan and apply; 1 Account (euc-prod 210987654321) (${DEPLOY_FILES.length} warnings)\n`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, DEPLOY_FILES.length, r.stderr);
    for (const [i, f] of DEPLOY_FILES.entries()) assert.match(lines[i], new RegExp(`^${literal(f)}:1:1: warning: skipped: not a workspace-reconciler file`));
  });

  it('--output json: one JSON document on stdout with valid, errors, warnings, documents and targets', async () => {
    const r = await runCli(['validate', 'examples', '--output', 'json'], { env: env() });
    assert.equal(r.code, 0, r.stderr);
    const out = parseJson(r.stdout);
    assert.equal(out.valid, true);
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.warnings.map((w: { file: string; severity: string }) => `${w.file} ${w.severity}`), DEPLOY_FILES.map((f) => `${f} warning`));
    assert.equal(out.documents, 8);
    assert.deepEqual(out.targets, { connect: 0, workspaces: 2 }, 'every example but the other account\'s WorkSpaces names its targets by name or selector');
    assert.equal(out.toResolve, 7);
    assert.deepEqual(out.accounts, [{ name: 'euc-prod', id: '210987654321', roleArn: 'arn:aws:iam::210987654321:role/workspace-reconciler' }]);
    // Results on stdout, nothing else anywhere: the warnings are in the JSON, not repeated on stderr.
    assert.equal(r.stderr, '');
  });

  it("refuses an unknown field (exit 1) at the typo's FILE:LINE:COL", async () => {
    const d = await files({ 'typo.yaml': TYPO });
    const r = await runCli(['validate', d], { env: env() });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^${literal(join(d, 'typo.yaml'))}:9:3: .*unknown field 'prunne'`, 'm'));
    assertNoStackTrace(r.stderr);
  });

  it('reports every problem of several bad files in one run', async () => {
    const d = await files({ 'typo.yaml': TYPO, 'bad-id.yaml': BAD_ID, 'syntax.yaml': SYNTAX, 'good.yaml': `${header('good')}spec:\n  region: us-east-1\n  workspaceIds: [ws-eng0000001]\n  applicationIds: [wsa-slack00001]\n` });
    const r = await runCli(['validate', d], { env: env() });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^${literal(join(d, 'typo.yaml'))}:9:3: .*unknown field 'prunne'`, 'm'));
    assert.match(r.stderr, new RegExp(`^${literal(join(d, 'bad-id.yaml'))}:7:33: .*'WS-BAD' is not a WorkSpace id`, 'm'));
    assert.match(r.stderr, new RegExp(`^${literal(join(d, 'syntax.yaml'))}:\\d+:\\d+: YAML syntax error`, 'm'));
    assert.match(r.stderr, /^invalid: 3 errors, 0 warnings$/m);
    assertNoStackTrace(r.stderr);

    const j = await runCli(['validate', d, '--output', 'json'], { env: env() });
    assert.equal(j.code, 1);
    const out = parseJson(j.stdout);
    assert.equal(out.valid, false);
    assert.deepEqual(
      out.errors.map((e: { file: string; line: number; col: number; severity: string }) => `${e.file}:${e.line}:${e.col} ${e.severity}`),
      [`${join(d, 'bad-id.yaml')}:7:33 error`, `${join(d, 'syntax.yaml')}:${out.errors[1].line}:${out.errors[1].col} error`, `${join(d, 'typo.yaml')}:9:3 error`],
    );
  });

  const unreadable = [
    { reason: 'a path that does not exist', path: 'no-such-dir', args: [] as string[] },
    { reason: 'a path that does not exist, with --output json', path: 'no-such-file.yaml', args: ['--output', 'json'] },
  ];
  for (const tc of unreadable) {
    it(`exit 1 with one line 'error: cannot read …' for ${tc.reason}`, async () => {
      const missing = join(dir as string, tc.path);
      const r = await runCli(['validate', missing, ...tc.args], { env: env() });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, `error: cannot read '${missing}': no such file or directory\n`);
      // With --output json, stdout still carries exactly one JSON document: the error.
      if (tc.args.includes('json')) assert.equal(parseJson(r.stdout).error.exitCode, 1);
      else assert.equal(r.stdout, '');
    });
  }
});
