import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readGitRevision, type GitRevision } from '../../src/ops/gitrev.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const SHA256 = '0123456789abcdef'.repeat(4);

/** Writes files (creating their directories) under `base`. */
async function files(base: string, content: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(content)) {
    await mkdir(dirname(join(base, path)), { recursive: true });
    await writeFile(join(base, path), text);
  }
}

interface Case {
  reason: string;
  /** Builds the fixture under `dir` and returns the path to ask about. */
  build: (dir: string) => Promise<string>;
  want: (dir: string) => GitRevision | undefined;
}

const cases: Case[] = [
  {
    reason: 'HEAD on a branch with a loose ref',
    build: async (d) => {
      await files(d, { 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/.git/refs/heads/main': `${A}\n` });
      return join(d, 'repo');
    },
    want: (d) => ({ commit: A, ref: 'refs/heads/main', root: join(d, 'repo') }),
  },
  {
    reason: 'HEAD on a branch found only in packed-refs (header and peel lines skipped)',
    build: async (d) => {
      await files(d, {
        'repo/.git/HEAD': 'ref: refs/heads/main\n',
        'repo/.git/packed-refs': [
          '# pack-refs with: peeled fully-peeled sorted ',
          `${C} refs/tags/v1`,
          `^${B}`,
          `${A} refs/heads/main`,
          '',
        ].join('\n'),
      });
      return join(d, 'repo');
    },
    want: (d) => ({ commit: A, ref: 'refs/heads/main', root: join(d, 'repo') }),
  },
  {
    reason: 'a loose ref wins over a stale packed one, as in git',
    build: async (d) => {
      await files(d, {
        'repo/.git/HEAD': 'ref: refs/heads/main\n',
        'repo/.git/refs/heads/main': `${B}\n`,
        'repo/.git/packed-refs': `${A} refs/heads/main\n`,
      });
      return join(d, 'repo');
    },
    want: (d) => ({ commit: B, ref: 'refs/heads/main', root: join(d, 'repo') }),
  },
  {
    reason: 'detached HEAD gives the commit and no ref',
    build: async (d) => {
      await files(d, { 'repo/.git/HEAD': `${C}\n` });
      return join(d, 'repo');
    },
    want: (d) => ({ commit: C, root: join(d, 'repo') }),
  },
  {
    reason: 'SHA-256 repositories have 64-digit hashes',
    build: async (d) => {
      await files(d, { 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/.git/refs/heads/main': `${SHA256}\n` });
      return join(d, 'repo');
    },
    want: (d) => ({ commit: SHA256, ref: 'refs/heads/main', root: join(d, 'repo') }),
  },
  {
    reason: 'a file deep inside the work tree walks up to the repository',
    build: async (d) => {
      await files(d, {
        'repo/.git/HEAD': 'ref: refs/heads/main\n',
        'repo/.git/refs/heads/main': `${A}\n`,
        'repo/desired-state/connect/support.yaml': 'kind: x\n',
      });
      return join(d, 'repo/desired-state/connect/support.yaml');
    },
    want: (d) => ({ commit: A, ref: 'refs/heads/main', root: join(d, 'repo') }),
  },
  {
    reason: 'a worktree: relative gitdir file, HEAD per worktree, refs from commondir',
    build: async (d) => {
      await files(d, {
        'main/.git/HEAD': 'ref: refs/heads/main\n',
        'main/.git/refs/heads/main': `${A}\n`,
        'main/.git/packed-refs': `${B} refs/heads/feature\n`,
        'main/.git/worktrees/wt/HEAD': 'ref: refs/heads/feature\n',
        'main/.git/worktrees/wt/commondir': '../..\n',
        'wt/.git': 'gitdir: ../main/.git/worktrees/wt\n',
        'wt/desired/a.yaml': '',
      });
      return join(d, 'wt/desired/a.yaml');
    },
    want: (d) => ({ commit: B, ref: 'refs/heads/feature', root: join(d, 'wt') }),
  },
  {
    reason: 'a git-sync style worktree: detached HEAD reached through the published symlink',
    build: async (d) => {
      await files(d, {
        'root/.git/HEAD': 'ref: refs/heads/master\n',
        [`root/.git/worktrees/${C}/HEAD`]: `${C}\n`,
        [`root/.git/worktrees/${C}/commondir`]: '../..\n',
        [`root/.worktrees/${C}/.git`]: `gitdir: ${join(d, 'root/.git/worktrees', C)}\n`,
        [`root/.worktrees/${C}/desired-state/a.yaml`]: '',
      });
      await symlink(join(d, 'root/.worktrees', C), join(d, 'root/repo'));
      return join(d, 'root/repo/desired-state');
    },
    want: (d) => ({ commit: C, root: join(d, 'root/.worktrees', C) }),
  },
  {
    reason: 'a submodule: absolute gitdir path into the parent repository',
    build: async (d) => {
      await files(d, {
        'parent/.git/modules/sub/HEAD': 'ref: refs/heads/main\n',
        'parent/.git/modules/sub/refs/heads/main': `${C}\n`,
        'parent/sub/.git': `gitdir: ${join(d, 'parent/.git/modules/sub')}\n`,
      });
      return join(d, 'parent/sub');
    },
    want: (d) => ({ commit: C, ref: 'refs/heads/main', root: join(d, 'parent/sub') }),
  },
  {
    reason: 'a chain of symbolic refs is followed',
    build: async (d) => {
      await files(d, {
        'repo/.git/HEAD': 'ref: refs/heads/alias\n',
        'repo/.git/refs/heads/alias': 'ref: refs/heads/main\n',
        'repo/.git/refs/heads/main': `${A}\n`,
      });
      return join(d, 'repo');
    },
    want: (d) => ({ commit: A, ref: 'refs/heads/alias', root: join(d, 'repo') }),
  },
  {
    reason: 'a directory outside any repository gives undefined',
    build: async (d) => {
      await files(d, { 'plain/a.yaml': '' });
      return join(d, 'plain');
    },
    want: () => undefined,
  },
  {
    reason: 'a path that does not exist gives undefined',
    build: async (d) => join(d, 'nowhere/at/all.yaml'),
    want: () => undefined,
  },
  {
    reason: 'an unborn branch (fresh git init, no commit) gives undefined, not a commit-less revision',
    build: async (d) => {
      await files(d, { 'repo/.git/HEAD': 'ref: refs/heads/main\n', 'repo/.git/refs/heads/.keep': '' });
      return join(d, 'repo');
    },
    want: () => undefined,
  },
  {
    reason: 'a malformed .git file gives undefined',
    build: async (d) => {
      await files(d, { 'repo/.git': 'this is not a gitfile\n' });
      return join(d, 'repo');
    },
    want: () => undefined,
  },
  {
    reason: 'a HEAD naming a path outside refs/ is refused',
    build: async (d) => {
      await files(d, { 'repo/.git/HEAD': 'ref: refs/../../secret\n', 'repo/secret': `${A}\n` });
      return join(d, 'repo');
    },
    want: () => undefined,
  },
];

function gitAvailable(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('ops/gitrev readGitRevision', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'gitrev-')));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const tc of cases) {
    it(tc.reason, async () => {
      const path = await tc.build(dir);
      assert.deepEqual(await readGitRevision(path), tc.want(dir));
    });
  }

  const hasGit = gitAvailable();
  it(
    hasGit
      ? 'agrees with the git binary on a real repository (branch, packed refs, worktree)'
      : 'git is not installed: the real-repository check falls back to a hand-built packed repository',
    async () => {
      if (!hasGit) {
        await files(dir, { 'r/.git/HEAD': 'ref: refs/heads/main\n', 'r/.git/packed-refs': `${A} refs/heads/main\n` });
        assert.deepEqual(await readGitRevision(join(dir, 'r')), { commit: A, ref: 'refs/heads/main', root: join(dir, 'r') });
        return;
      }
      const repo = join(dir, 'real');
      const git = (...args: string[]) =>
        execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
          encoding: 'utf8',
          env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
        }).trim();
      await files(repo, { 'desired/a.yaml': 'a: 1\n' });
      git('init', '-q', '-b', 'main');
      git('add', '.');
      git('commit', '-q', '-m', 'first');
      const first = git('rev-parse', 'HEAD');
      assert.deepEqual(await readGitRevision(join(repo, 'desired/a.yaml')), { commit: first, ref: 'refs/heads/main', root: repo });

      await writeFile(join(repo, 'desired/a.yaml'), 'a: 2\n');
      git('commit', '-q', '-am', 'second');
      git('pack-refs', '--all');
      const second = git('rev-parse', 'HEAD');
      assert.notEqual(second, first);
      assert.deepEqual(await readGitRevision(repo), { commit: second, ref: 'refs/heads/main', root: repo });

      const wt = join(dir, 'wt');
      git('worktree', 'add', '-q', '--detach', wt, first);
      assert.deepEqual(await readGitRevision(join(wt, 'desired')), { commit: first, root: wt });
    },
  );
});
