import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile, readdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  acquireLock,
  LockCorruptError,
  LockError,
  LockHeldError,
  lockKeyFor,
  lockKeyForPaths,
  type Lock,
} from '../../src/ops/lock.js';

const KEY = '0123456789abcdef';
const T0 = Date.parse('2026-11-21T05:00:00Z');

/** A live process that is not us: the "other apply". */
async function startLiveChild(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  return child;
}

/** The pid of a process that has exited: what a crashed apply leaves behind. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  assert.ok(child.pid !== undefined);
  return child.pid;
}

function record(pid: number, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ pid, startedAt: '2026-11-21T04:00:00.000Z', hostname: hostname(), paths: ['/srv/ds'], token: 'other', ...extra })}\n`;
}

describe('ops/lock', () => {
  let dir: string;
  let live: ChildProcess;
  let dead: number;
  const lockPath = () => join(dir, `workspace-reconciler-${KEY}.lock`);

  before(async () => {
    live = await startLiveChild();
    dead = await deadPid();
  });
  after(() => {
    live.kill();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('acquires, records who holds it, and releases', async () => {
    const lock = await acquireLock({ key: KEY, dir, now: () => T0, paths: ['/srv/ds'] });
    assert.equal(lock.path, lockPath());
    assert.equal(lock.pid, process.pid);
    assert.equal(lock.startedAt.getTime(), T0);
    assert.equal(lock.staleFrom, undefined);
    const onDisk = JSON.parse(await readFile(lockPath(), 'utf8'));
    assert.equal(onDisk.pid, process.pid);
    assert.equal(onDisk.startedAt, '2026-11-21T05:00:00.000Z');
    assert.equal(onDisk.hostname, hostname());
    assert.deepEqual(onDisk.paths, ['/srv/ds']);
    await lock.release();
    assert.deepEqual(await readdir(dir), [], 'lock file and temp files are gone');
    await lock.release(); // idempotent
    const again = await acquireLock({ key: KEY, dir });
    await again.release();
  });

  it('refuses a second acquire in the same process while the first holds it', async () => {
    const first = await acquireLock({ key: KEY, dir, now: () => T0 });
    await assert.rejects(acquireLock({ key: KEY, dir }), (err: unknown) => {
      assert.ok(err instanceof LockHeldError && err instanceof LockError);
      assert.equal(err.pid, process.pid);
      return true;
    });
    await first.release();
  });

  it('different keys do not block each other', async () => {
    const a = await acquireLock({ key: 'aaaa', dir });
    const b = await acquireLock({ key: 'bbbb', dir });
    await Promise.all([a.release(), b.release()]);
  });

  interface ExistingCase {
    reason: string;
    content: () => string;
    want: 'held' | 'stale' | 'corrupt';
    check?: (err: LockError | Lock) => void;
  }
  const existing: ExistingCase[] = [
    {
      reason: 'a lock whose pid is alive is held: LockHeldError with pid, start and path',
      content: () => record(live.pid!),
      want: 'held',
      check: (err) => {
        assert.ok(err instanceof LockHeldError);
        assert.equal(err.pid, live.pid);
        assert.equal(err.startedAt.toISOString(), '2026-11-21T04:00:00.000Z');
        assert.equal(err.path, lockPath());
        assert.equal(
          err.message,
          `another workspace-reconciler apply or run is working on this desired state (pid ${live.pid}, started 2026-11-21T04:00:00Z; lock file ${lockPath()})`,
        );
      },
    },
    {
      reason: 'a lock whose pid is dead is stale and taken over, and says from whom',
      content: () => record(dead),
      want: 'stale',
      check: (lock) => {
        assert.ok(!(lock instanceof Error));
        assert.deepEqual(lock.staleFrom, { pid: dead, startedAt: new Date('2026-11-21T04:00:00.000Z'), hostname: hostname() });
      },
    },
    {
      reason: 'our own pid with a token we do not hold is a recycled pid (container restart): stale',
      content: () => record(process.pid, { token: 'previous-incarnation' }),
      want: 'stale',
    },
    {
      reason: 'a lock from another host cannot be checked, so it counts as held, naming the host',
      content: () => record(dead, { hostname: 'some-other-host.invalid' }),
      want: 'held',
      check: (err) => assert.match((err as Error).message, /pid \d+ on host some-other-host\.invalid, started/),
    },
    { reason: 'an empty lock file is refused as corrupt', content: () => '', want: 'corrupt' },
    { reason: 'a non-JSON lock file is refused as corrupt', content: () => 'locked by bob\n', want: 'corrupt' },
    {
      reason: 'a JSON lock file without a valid pid is refused as corrupt',
      content: () => record(0),
      want: 'corrupt',
      check: (err) => {
        assert.ok(err instanceof LockCorruptError);
        assert.match(err.message, /delete the file/);
      },
    },
  ];
  for (const tc of existing) {
    it(tc.reason, async () => {
      const content = tc.content();
      await writeFile(lockPath(), content);
      if (tc.want === 'stale') {
        const lock = await acquireLock({ key: KEY, dir });
        assert.ok(lock.staleFrom !== undefined);
        assert.equal(JSON.parse(await readFile(lockPath(), 'utf8')).pid, process.pid);
        tc.check?.(lock);
        await lock.release();
        assert.deepEqual(await readdir(dir), []);
        return;
      }
      const err = await acquireLock({ key: KEY, dir }).then(
        () => assert.fail('expected the lock to be refused'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof (tc.want === 'held' ? LockHeldError : LockCorruptError), String(err));
      tc.check?.(err);
      assert.equal(await readFile(lockPath(), 'utf8'), content, 'a refused lock file is left as it was');
      assert.deepEqual(await readdir(dir), [`workspace-reconciler-${KEY}.lock`], 'no temp files left behind');
    });
  }

  it('several concurrent takeovers of one stale lock: exactly one wins', async () => {
    await writeFile(lockPath(), record(dead));
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => acquireLock({ key: KEY, dir })));
    const won = results.filter((r): r is PromiseFulfilledResult<Lock> => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.ok(r.reason instanceof LockHeldError, String(r.reason));
    }
    await won[0].value.release();
    assert.deepEqual(await readdir(dir), []);
  });

  const guards: { reason: string; guard: () => string; check: (err: unknown) => void }[] = [
    {
      reason: 'a stale lock being taken over by a live process: LockHeldError naming that process',
      guard: () => record(live.pid!, { token: 'taker' }),
      check: (err) => {
        assert.ok(err instanceof LockHeldError);
        assert.equal(err.pid, live.pid);
      },
    },
    {
      reason: 'a takeover left by a dead process: a LockError telling the operator what to delete',
      guard: () => record(dead, { token: 'taker' }),
      check: (err) => {
        assert.ok(err instanceof LockError && !(err instanceof LockHeldError));
        assert.match(err.message, new RegExp(`died while taking over .* then delete ${lockPath()}\\.takeover and ${lockPath()}$`));
      },
    },
  ];
  for (const tc of guards) {
    it(tc.reason, async () => {
      const stale = record(dead);
      const guard = tc.guard();
      await writeFile(lockPath(), stale);
      await writeFile(`${lockPath()}.takeover`, guard);
      await assert.rejects(acquireLock({ key: KEY, dir }), (err: unknown) => {
        tc.check(err);
        return true;
      });
      assert.equal(await readFile(lockPath(), 'utf8'), stale);
      assert.equal(await readFile(`${lockPath()}.takeover`, 'utf8'), guard);
    });
  }

  for (const how of ['release', 'releaseSync'] as const) {
    it(`${how} does not delete a lock someone else now owns`, async () => {
      const lock = await acquireLock({ key: KEY, dir });
      const theirs = record(live.pid!, { token: 'theirs' });
      await writeFile(lockPath(), theirs);
      await lock[how]();
      assert.equal(await readFile(lockPath(), 'utf8'), theirs);
    });
  }

  it('releaseSync removes our own lock', async () => {
    const lock = await acquireLock({ key: KEY, dir });
    lock.releaseSync();
    assert.deepEqual(await readdir(dir), []);
  });

  const badOptions: { reason: string; options: Parameters<typeof acquireLock>[0]; message: RegExp }[] = [
    { reason: 'a key with a path separator', options: { key: '../x' }, message: /`key`.*"\.\.\/x"/ },
    { reason: 'an empty key', options: { key: '' }, message: /`key`/ },
    { reason: 'an empty dir', options: { key: KEY, dir: '' }, message: /`dir`/ },
    { reason: 'a clock that returns NaN', options: { key: KEY, now: () => Number.NaN }, message: /`now\(\)`/ },
  ];
  for (const tc of badOptions) {
    it(`rejects ${tc.reason} with the option's name`, async () => {
      await assert.rejects(acquireLock({ ...tc.options, dir: tc.options.dir ?? dir }), (err: unknown) => {
        assert.ok(err instanceof TypeError);
        assert.match(err.message, tc.message);
        return true;
      });
    });
  }

  // Target keys as src/config builds them (Target.key): the lock follows the targets, not the paths.
  const SUPPORT = 'connect/us-east-1/4c1b2f0e-1111-2222-3333-444455556666/9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff';
  const ENG1 = 'workspaces/us-east-1/ws-eng0000001';
  const ENG1_LONDON = 'workspaces/eu-west-2/ws-eng0000001';
  const keys: { reason: string; a: string[]; b: string[]; same: boolean }[] = [
    { reason: 'order does not matter', a: [SUPPORT, ENG1], b: [ENG1, SUPPORT], same: true },
    { reason: 'duplicates do not matter', a: [ENG1, ENG1], b: [ENG1], same: true },
    { reason: 'different targets give different keys', a: [SUPPORT], b: [ENG1], same: false },
    { reason: 'the same WorkSpace id in another region is another target', a: [ENG1], b: [ENG1_LONDON], same: false },
    { reason: 'a subset is a different desired state', a: [SUPPORT, ENG1], b: [SUPPORT], same: false },
    { reason: 'keys are not concatenated ambiguously', a: ['ab', 'c'], b: ['a', 'bc'], same: false },
  ];
  for (const tc of keys) {
    it(`lockKeyFor: ${tc.reason}`, () => {
      const a = lockKeyFor(tc.a);
      assert.match(a, /^[0-9a-f]{16}$/);
      assert.equal(a === lockKeyFor(tc.b), tc.same);
    });
  }

  it('lockKeyFor depends on the target keys only (not on the working directory or how paths are spelled)', () => {
    const want = createHash('sha256').update(`${SUPPORT}\0${ENG1}`).digest('hex').slice(0, 16);
    assert.equal(lockKeyFor([ENG1, SUPPORT, ENG1]), want);
  });
  describe('lockKeyForPaths', () => {
    /** A fake work tree (a `.git` directory is all findWorkTreeRoot needs) with two folders. */
    async function tree(): Promise<string> {
      const root = join(dir, 'repo');
      await mkdir(join(root, '.git'), { recursive: true });
      await mkdir(join(root, 'desired', 'connect'), { recursive: true });
      await mkdir(join(root, 'desired', 'workspaces'), { recursive: true });
      return root;
    }

    it('is one key for every spelling of the same paths (relative, trailing slash, dot, symlink, order, duplicates)', async () => {
      const root = await tree();
      await symlink(join(root, 'desired'), join(dir, 'link'));
      const want = await lockKeyForPaths([join(root, 'desired')]);
      assert.match(want, /^[0-9a-f]{16}$/);
      const spellings = [
        [`${join(root, 'desired')}/`],
        [join(root, 'desired', 'connect', '..')],
        [relative(process.cwd(), join(root, 'desired'))],
        [join(dir, 'link')],
        [join(root, 'desired'), join(dir, 'link', '.')],
      ];
      for (const paths of spellings) assert.equal(await lockKeyForPaths(paths), want, paths.join(' '));
      const two = await lockKeyForPaths([join(root, 'desired', 'connect'), join(root, 'desired', 'workspaces')]);
      assert.equal(await lockKeyForPaths([join(root, 'desired', 'workspaces'), join(root, 'desired', 'connect')]), two);
    });

    it('keys on the work tree and the paths in it, not on the files', async () => {
      const root = await tree();
      const a = await lockKeyForPaths([join(root, 'desired')]);
      await writeFile(join(root, 'desired', 'connect', 'new.yaml'), 'changed: true\n');
      assert.equal(await lockKeyForPaths([join(root, 'desired')]), a, 'editing the checkout keeps the key');
      assert.notEqual(await lockKeyForPaths([join(root, 'desired', 'connect')]), a, 'another path of the tree is another key');
      assert.notEqual(
        await lockKeyForPaths([join(root, 'desired', 'connect'), join(root, 'desired', 'workspaces')]),
        a,
        'a directory and its subdirectories are different keys (documented)',
      );
    });

    it('two different roots give different keys, even for the same relative paths', async () => {
      const root = await tree();
      const other = join(dir, 'other');
      await mkdir(join(other, '.git'), { recursive: true });
      await mkdir(join(other, 'desired'), { recursive: true });
      assert.notEqual(await lockKeyForPaths([join(root, 'desired')]), await lockKeyForPaths([join(other, 'desired')]));
      const plain = join(dir, 'plain');
      await mkdir(plain);
      assert.notEqual(await lockKeyForPaths([plain]), await lockKeyForPaths([join(root, 'desired')]));
      assert.equal(await lockKeyForPaths([`${plain}/`]), await lockKeyForPaths([plain]), 'outside git: real paths');
    });
  });
});
