/** What apply records and what it never logs: the desired state's git revision; no secret, no signature. */
import assert from 'node:assert/strict';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FAST, parseJson, runCli, perTest } from './helpers.js';

describe('cli: apply records the revision and keeps secrets out of the logs', () => {
  const t = perTest({ sandbox: {} });

  it('the report and the logs carry the git commit of the repository holding the files (no git binary needed)', async () => {
    // A repository written by hand: HEAD → refs/heads/main → a commit id.
    const repo = join(t.dir, 'repo');
    const commit = 'c0ffee1234567890abcdef1234567890abcdef12';
    await mkdir(join(repo, '.git', 'refs', 'heads'), { recursive: true });
    await writeFile(join(repo, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(join(repo, '.git', 'refs', 'heads', 'main'), `${commit}\n`);
    await cp('examples/workspaces', join(repo, 'desired'), { recursive: true });

    const r = await runCli(['apply', join(repo, 'desired'), ...FAST, '--output', 'json', '--log-level', 'info'], { env: t.env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(parseJson(r.stdout).revision, commit);
    assert.match(r.stderr, new RegExp(`"revision":"${commit}".*"msg":"apply started"`));

    const text = await runCli(['apply', join(repo, 'desired'), ...FAST], { env: t.env() });
    assert.match(text.stdout, new RegExp(`^ {2}desired state at git revision ${commit}$`, 'm'));
  });

  it('outside a repository there is no revision field, and nothing fails', async () => {
    // A copy outside any repository (examples/ itself lives in this project's repository).
    const plain = join(t.dir, 'plain');
    await cp('examples/workspaces', plain, { recursive: true });
    const r = await runCli(['apply', plain, ...FAST, '--output', 'json'], { env: t.env() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal('revision' in parseJson(r.stdout), false);
  });

  it('at --log-level trace, with failures logged, no credential, session token or request signature appears anywhere', async () => {
    const secret = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
    const token = 'FQoGZXIvYXdzEXAMPLE-SESSION-TOKEN-0123456789';
    // Some calls fail so the error paths log too.
    t.sb.setFaults({ errorRate: 0.3, throttleRate: 0.05 });
    const r = await runCli(['apply', 'examples/workspaces', ...FAST, '--log-level', 'trace'], {
      env: t.env({ AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token }),
    });
    const all = r.stdout + r.stderr;
    assert.ok(r.stderr.length > 0, 'trace logging produced output');
    for (const needle of [secret, token, 'Signature=', 'AWS4-HMAC-SHA256', 'x-amz-security-token']) {
      assert.equal(all.includes(needle), false, `'${needle}' appeared in the output`);
    }
  });
});
