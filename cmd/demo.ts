#!/usr/bin/env node
/**
 * `npm run demo`: the tool end to end without an AWS account. Starts the sandbox in this
 * process with the demo world that examples/ refers to, then runs the real CLI against it as a
 * user would (validate, plan, apply, the final state, plan again) and exits 0 only if the second
 * plan has nothing left to do.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { spawn } from 'node:child_process';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../src/sandbox/index.js';
import type { Sandbox } from '../src/sandbox/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist', 'cmd', 'workspace-reconciler.js');
const rel = (p: string) => relative(process.cwd(), join(root, p)) || '.';
// The desired-state folders of examples/, written by names and selectors (examples/deploy holds
// deployment files, not desired state); examples/accounts reaches a second account through its role.
const desired = [rel('examples/connect'), rel('examples/workspaces'), rel('examples/accounts')];

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

function run(sandbox: Sandbox, args: string[]): Promise<number> {
  process.stdout.write(`\n${bold(`$ workspace-reconciler ${args.join(' ')}`)}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: 'inherit',
      env: { ...process.env, ...sandbox.env },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function showState(sandbox: Sandbox): void {
  process.stdout.write(`\n${bold('What the sandbox has now:')}\n`);
  const connect: [string, string, string, string][] = [
    ['Support floor', 'us-east-1', '4c1b2f0e-1111-2222-3333-444455556666', '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff'],
    ['Billing desk', 'us-east-1', '4c1b2f0e-1111-2222-3333-444455556666', '3e8a7b6c-aaaa-bbbb-cccc-111122223333'],
    ['Supervisors', 'us-east-1', '4c1b2f0e-1111-2222-3333-444455556666', '5f4e3d2c-aaaa-bbbb-cccc-444455556666'],
    ['London support', 'eu-west-2', 'b2c3d4e5-1111-2222-3333-444455556666', 'c3d4e5f6-aaaa-bbbb-cccc-ddddeeeeffff'],
  ];
  for (const [name, region, instance, ws] of connect) {
    const arns = sandbox.connectAssociations(region, instance, ws);
    const short = arns.map((a) => `${a.includes('/agent/') ? 'user' : 'routing-profile'} …${a.slice(-4)}`);
    process.stdout.write(`  Connect ${name.padEnd(15)} ${String(arns.length).padStart(2)} associated  ${short.join(' ')}\n`);
  }
  const workspaces = ['ws-eng0000001', 'ws-eng0000002', 'ws-eng0000003', 'ws-cc00000001', 'ws-cc00000002', 'ws-cc00000003', 'ws-cc00000004'];
  for (const ws of workspaces) {
    const apps = sandbox.workspaceAssociations('us-east-1', ws).filter((a) => a.state !== 'REMOVED');
    process.stdout.write(`  WorkSpace ${ws}  ${apps.map((a) => `${a.applicationId}:${a.state}`).join('  ')}\n`);
  }
  for (const ws of ['ws-euc0000001', 'ws-euc0000002']) {
    const apps = sandbox.workspaceAssociations('us-east-1', ws, '210987654321').filter((a) => a.state !== 'REMOVED');
    process.stdout.write(`  WorkSpace ${ws}  ${apps.map((a) => `${a.applicationId}:${a.state}`).join('  ')}  (account 210987654321)\n`);
  }
}

async function main(): Promise<number> {
  // Deployments advance every 300 ms here (AWS takes minutes) so the demo runs in seconds.
  const sandbox = await startSandbox({ stepDelayMs: 300 });
  process.stdout.write(`${bold('Sandbox')} (a local emulator of Amazon Connect and Amazon WorkSpaces) at ${sandbox.endpoint}\n`);
  process.stdout.write(`The demo world: 2 Connect instances, 9 WorkSpaces in 2 accounts, some associations already in place.\n`);
  try {
    const steps: { args: string[]; expect: number[] }[] = [
      { args: ['validate', ...desired], expect: [0] },
      { args: ['plan', ...desired], expect: [0] },
      { args: ['apply', ...desired, '--poll-interval', '300ms'], expect: [0] },
    ];
    for (const s of steps) {
      const code = await run(sandbox, s.args);
      if (!s.expect.includes(code)) {
        process.stderr.write(`\ndemo: '${s.args[0]}' exited ${code}; expected ${s.expect.join(' or ')}\n`);
        return 1;
      }
    }
    showState(sandbox);
    const again = await run(sandbox, ['plan', ...desired, '--detailed-exitcode']);
    if (again !== 0) {
      process.stderr.write(`\ndemo: the second plan still has changes (exit ${again}); expected none\n`);
      return 1;
    }
    process.stdout.write(`\n${bold('Converged:')} a second plan has nothing to do. ${sandbox.calls.length} calls reached the sandbox.\n`);
    process.stdout.write(`Next: 'npx workspace-reconciler sandbox' to keep one running, and see README.md.\n`);
    return 0;
  } finally {
    await sandbox.close();
  }
}

process.exitCode = await main();
