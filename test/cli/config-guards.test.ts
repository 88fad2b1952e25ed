/** The loader's refusals seen from the CLI (non-ASCII ids), and apply's --lock-dir. */
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLock, lockKeyForPaths } from '../../src/ops/lock.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { assertNoStackTrace, cliEnv, EXAMPLES, FAST, removeDir, ROOT, runCli, tempDir } from './helpers.js';

describe('cli: config guards', () => {
  let sb: Sandbox | undefined;
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
    await removeDir(dir);
  });

  it('an ARN with a zero-width space: validate exits 1 naming the character; apply makes no AWS call', async () => {
    sb = await startSandbox({ stepDelayMs: 20, quotas: false });
    const file = join(dir as string, 'bad.yaml');
    const arn = 'arn:aws:connect:us-east-1:123456789012:instance/4c1b2f0e-1111-2222-3333-444455556666/agent/0f1e2d3c-0000-1111-2222-333344445501';
    const zw = arn.replace('/agent/', '/agent/\u200b');
    const text = [
      'apiVersion: workspace-reconciler/v1',
      'kind: ConnectWorkspaceAssociations',
      'metadata:',
      '  name: bad',
      'spec:',
      '  region: us-east-1',
      '  instanceId: 4c1b2f0e-1111-2222-3333-444455556666',
      '  workspaceId: 9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff',
      '  resourceArns:',
      `    - ${zw}`,
      '  prune: true',
      '',
    ].join('\n');
    await writeFile(file, text);
    const col = 7 + arn.indexOf('/agent/') + '/agent/'.length;
    const env = cliEnv(dir as string, sb);
    const v = await runCli(['validate', file], { env });
    assert.equal(v.code, 1, v.stdout + v.stderr);
    assert.ok(`${v.stdout}${v.stderr}`.includes(`${file}:10:${col}: spec.resourceArns[0]: the item contains U+200B ZERO WIDTH SPACE at character ${col - 6}`), v.stdout + v.stderr);
    assertNoStackTrace(v.stderr);

    const a = await runCli(['apply', file, ...FAST], { env });
    assert.equal(a.code, 1, a.stdout + a.stderr);
    assert.match(a.stderr, /U\+200B ZERO WIDTH SPACE/);
    assert.deepEqual(sb.calls, [], 'not one AWS call');
  });

  it('apply --lock-dir: the lock file is taken there, and a lock held there stops apply', async () => {
    sb = await startSandbox({ stepDelayMs: 20, quotas: false });
    const lockDir = join(dir as string, 'locks');
    await mkdir(lockDir);
    const env = cliEnv(dir as string, sb);
    const held = await acquireLock({ key: await lockKeyForPaths(EXAMPLES.map((p) => join(ROOT, p))), dir: lockDir, paths: ['test'] });
    try {
      const refused = await runCli(['apply', ...EXAMPLES, ...FAST, '--lock-dir', lockDir], { env });
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.ok(refused.stderr.includes(`lock file ${held.path}`), refused.stderr);
      assert.deepEqual(sb.calls, [], 'the lock is taken before any AWS call');
    } finally {
      await held.release();
    }
    // Without the held lock the same apply runs, and leaves no lock file behind in either place.
    const ok = await runCli(['apply', ...EXAMPLES, ...FAST, '--lock-dir', lockDir], { env });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.deepEqual((await readdir(lockDir)).filter((f) => f.endsWith('.lock')), []);
  });
});
