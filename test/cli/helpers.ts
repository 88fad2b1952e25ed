/**
 * Helpers for the end-to-end tests of the command line: they spawn the BUILT binary
 * (dist/cmd/workspace-reconciler.js, `npm run build` first) as an operator would, asynchronously,
 * because the sandbox the binary talks to runs in this test process and must keep serving.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdir, stat, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type CallRecord, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'dist', 'cmd', 'workspace-reconciler.js');
/** The desired-state folders of examples/, by names and selectors (relative to ROOT, the binary's working directory). */
export const EXAMPLES = ['examples/connect', 'examples/workspaces'];
/**
 * The same desired state written by ids and ARNs only (what examples/ was before names): for
 * tests of behaviour that needs no resolution, or that edit ids in the text.
 */
export const BY_ID = ['test/fixtures/demo-by-id/connect', 'test/fixtures/demo-by-id/workspaces'];
/** Fast polling and rate limits far above what the sandbox needs, so applies take about a second. */
export const FAST = ['--poll-interval', '50ms', '--connect-rate', '50', '--connect-burst', '50', '--workspaces-rate', '50', '--workspaces-burst', '50'];

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CliOptions {
  /** The child's whole environment (see cliEnv). */
  env: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. Default: stdin closed at once. */
  stdin?: string;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Output so far (live). */
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<CliResult>;
}

let built: Promise<void> | undefined;

/** Fails with a clear message when dist/ is missing or older than the sources it is built from. */
async function assertBuilt(): Promise<void> {
  const binTime = await stat(BIN).then(
    (s) => s.mtimeMs,
    () => assert.fail(`${BIN} does not exist: run 'npm run build' before these tests ('npm test' does)`),
  );
  for (const dir of ['cmd', 'src']) {
    for (const f of await readdir(join(ROOT, dir), { recursive: true })) {
      if (!f.endsWith('.ts')) continue;
      const t = (await stat(join(ROOT, dir, f))).mtimeMs;
      if (t > binTime) assert.fail(`dist/ is older than ${dir}/${f}: run 'npm run build' before these tests ('npm test' does)`);
    }
  }
}

/** Starts the binary; `done` resolves when it exits (it never rejects on a non-zero exit). */
export async function startCli(args: string[], o: CliOptions): Promise<RunningCli> {
  built ??= assertBuilt();
  await built;
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: o.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(o.stdin ?? '');
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started }));
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
  };
}

/** Runs the binary to completion. */
export async function runCli(args: string[], o: CliOptions): Promise<CliResult> {
  return (await startCli(args, o)).done;
}

/**
 * The child's environment: this process's, minus every inherited AWS_* variable and with HOME and
 * the AWS config files pointed into `dir`, so a developer's ~/.aws (profile, region, endpoint_url)
 * can never leak in; plus the sandbox's endpoints and dummy credentials; plus TMPDIR = `dir`, so
 * apply's overlap lock files of different tests never collide. `extra` values of undefined delete.
 */
export function cliEnv(dir: string, sandbox?: Sandbox, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    HOME: dir,
    TMPDIR: dir,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...(sandbox?.env ?? {}),
  });
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export async function tempDir(prefix = 'cli-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

/** Read-only operations; every other operation changes the world. */
export function isMutating(c: CallRecord): boolean {
  // STS (AssumeRole, GetCallerIdentity) changes nothing of the world either.
  return c.service !== 'sts' && !/^(Search|Describe|List)/.test(c.operation);
}

export function mutatingCalls(calls: readonly CallRecord[]): string[] {
  return calls.filter(isMutating).map((c) => c.operation);
}

/** Polls `condition` every `intervalMs` until it holds; fails after `timeoutMs`. A condition wait, not a sleep. */
export async function waitFor(what: string, condition: () => boolean, o: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 5));
  }
}

/** Bad input must be reported as a message, never as a stack trace. */
export function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .+/m, `stderr has a stack trace:\n${stderr}`);
  assert.doesNotMatch(stderr, /unexpected failure/, `stderr reports an unexpected failure:\n${stderr}`);
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `text` as a regular expression that matches it literally (paths in expected messages). */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parses stdout as exactly one JSON document (fails with the text otherwise). */
export function parseJson(stdout: string): Record<string, any> {
  try {
    return JSON.parse(stdout) as Record<string, any>;
  } catch (err) {
    return assert.fail(`stdout is not one JSON document (${(err as Error).message}):\n${stdout.slice(0, 2000)}`);
  }
}

export interface PerTest {
  /** This test's temp dir (HOME and TMPDIR of the CLI). */
  readonly dir: string;
  /** This test's sandbox (with `sandbox` options, or after `world()`). */
  readonly sb: Sandbox;
  /** The CLI's environment for this test (see cliEnv). */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** Start (or restart) this test's sandbox: the demo world, quotas off unless asked. */
  world(o?: SandboxOptions): Promise<Sandbox>;
}

/**
 * The fixtures of a CLI test, set up and torn down around every test of the enclosing describe:
 * a fresh temp dir and, with `sandbox` options, a fresh demo-world sandbox.
 */
export function perTest(o: { sandbox?: SandboxOptions } = {}): PerTest {
  let dir: string | undefined;
  let sb: Sandbox | undefined;
  const t: PerTest = {
    get dir() {
      return dir as string;
    },
    get sb() {
      if (!sb) throw new Error('no sandbox in this test: call world() first');
      return sb;
    },
    env: (extra) => cliEnv(dir as string, sb, extra),
    async world(options = {}) {
      await sb?.close();
      sb = await startSandbox({ stepDelayMs: 20, quotas: false, ...options });
      return sb;
    },
  };
  beforeEach(async () => {
    dir = await tempDir();
    if (o.sandbox) await t.world(o.sandbox);
  });
  afterEach(async () => {
    await sb?.close();
    sb = undefined;
    await removeDir(dir);
  });
  return t;
}
