/**
 * `run`'s lease options as an operator meets them (the built binary): inconsistent ones and a
 * missing lease table are one-line errors, exit 1, before anything reaches AWS.
 */
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { assertNoStackTrace, cliEnv, removeDir, ROOT, runCli, tempDir } from '../cli/helpers.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamodb.js';

describe('cli: run --lease-table options', function () {
  this.timeout(60_000);
  let dir: string | undefined;
  let sb: Sandbox | undefined;
  let db: LocalDynamo | undefined;
  before(async () => {
    dir = await tempDir('run-lease-options-');
    await cp(join(ROOT, 'examples', 'connect'), join(dir, 'desired'), { recursive: true });
    sb = await startSandbox({ quotas: false });
    db = await startLocalDynamo();
  });
  after(async () => {
    await sb?.close();
    await db?.close();
    await removeDir(dir);
  });
  const run = (args: string[]) => runCli(['run', join(dir as string, 'desired'), '--listen', '127.0.0.1:0', ...args], { env: cliEnv(dir as string, sb, { AWS_ENDPOINT_URL_DYNAMODB: db?.endpoint }) });

  const cases: { reason: string; args: string[]; message: RegExp }[] = [
    { reason: '--lease-region without --lease-table', args: ['--lease-region', 'us-east-1'], message: /--lease-region needs --lease-table/ },
    { reason: '--create-lease-table without --lease-table', args: ['--create-lease-table'], message: /--create-lease-table needs --lease-table/ },
    { reason: 'a renew deadline not shorter than the lease', args: ['--lease-table', 'leases', '--lease-duration', '10s'], message: /--renew-deadline \(10000 ms\) must be shorter than --lease-duration \(10000 ms\)/ },
    { reason: 'a retry period not shorter than the renew deadline', args: ['--lease-table', 'leases', '--retry-period', '10s'], message: /--retry-period \(10000 ms\) must be shorter than --renew-deadline/ },
    { reason: 'a table name DynamoDB would refuse', args: ['--lease-table', 'no'], message: /--lease-table: expected a DynamoDB table name/ },
    { reason: 'an identity with a space', args: ['--lease-table', 'leases', '--lease-identity', 'a b'], message: /--lease-identity: expected/ },
    { reason: 'a missing table without --create-lease-table', args: ['--lease-table', 'no-such-table'], message: /the lease table 'no-such-table' does not exist \(create it, or pass --create-lease-table\)/ },
  ];
  for (const tc of cases) {
    it(`${tc.reason}: exit 1, one line, nothing sent to Connect or WorkSpaces`, async () => {
      const before = sb?.calls.length;
      const r = await run(tc.args);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, tc.message);
      assertNoStackTrace(r.stderr);
      assert.equal(sb?.calls.length, before);
    });
  }
});
