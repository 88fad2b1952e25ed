// The git revision of the desired state, read from the repository files themselves.
//
// The daemon records which commit it applied (DESIGN.md: "records the git revision of the desired
// state it applied"). We read `.git` directly instead of spawning `git` because the runtime image
// ships no git binary, and because git-sync (the usual Kubernetes sidecar) publishes each sync as a
// *worktree* whose `.git` is a file pointing into the shared repository: exactly the layout below.
//
// What is handled:
// - `.git` as a directory, or as a file `gitdir: <path>` (worktrees, submodules); a relative path
//   is resolved against the directory holding that file;
// - `commondir` in a worktree's git directory: shared refs and `packed-refs` live there, while
//   HEAD and the per-worktree refs (refs/bisect, refs/worktree, refs/rewritten) stay per worktree;
// - HEAD as `ref: refs/heads/x` (loose ref first, then `packed-refs`, skipping `#` and `^` lines,
//   following symbolic refs up to git's own depth limit) or as a bare hash (detached).
//
// What returns undefined (never throws): a path outside any repository, a path that does not
// exist, a malformed `.git` file or HEAD, and a branch that does not resolve to a commit (an
// unborn branch of a fresh `git init`, or the reftable ref format of git ≥ 2.45, whose HEAD
// points at `refs/heads/.invalid`). We return undefined rather than a revision without a commit,
// because every consumer wants "which commit" and would otherwise have to check twice.
// I/O errors other than absence (EACCES, EIO) are real problems and propagate.
//
// Not handled, on purpose: bare repositories (no work tree to hold desired state) and
// `core.worktree` overrides (rare, and reading git config is out of proportion here).

import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface GitRevision {
  /** The commit HEAD resolves to: 40 hex digits (SHA-1) or 64 (SHA-256), lowercase. */
  commit: string;
  /** The ref HEAD names, e.g. `refs/heads/main`; undefined when HEAD is detached. */
  ref?: string;
  /** The work tree root (physical path: symlinks resolved, as `git rev-parse --show-toplevel`). */
  root: string;
}

const HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
// git's SYMREF_MAXDEPTH: a chain of symbolic refs longer than this is treated as broken.
const MAX_SYMREF_DEPTH = 5;
// Refs that git keeps per worktree rather than in the common directory.
const PER_WORKTREE_REF = /^refs\/(?:bisect|worktree|rewritten)\//;

/** Reads the revision of the repository holding `path` (a file or a directory). */
export async function readGitRevision(path: string): Promise<GitRevision | undefined> {
  const start = await startDirectory(path);
  if (start === undefined) return undefined;
  const found = await findGitDir(start);
  if (found === undefined) return undefined;
  const commonDir = await readCommonDir(found.gitDir);
  const head = await readText(join(found.gitDir, 'HEAD'));
  if (head === undefined) return undefined;
  const value = head.trim();
  if (HASH.test(value)) return { commit: value, root: found.root };
  const ref = symbolicTarget(value);
  if (ref === undefined) return undefined;
  const commit = await resolveRef(ref, found.gitDir, commonDir, 0);
  return commit === undefined ? undefined : { commit, ref, root: found.root };
}

/**
 * The work tree root (physical path) of the repository holding `path`, like
 * `git rev-parse --show-toplevel`; undefined outside any repository or when `path` does not exist.
 */
export async function findWorkTreeRoot(path: string): Promise<string | undefined> {
  const start = await startDirectory(path);
  return start === undefined ? undefined : (await findGitDir(start))?.root;
}

/** The directory to start walking from: the path itself, or its parent when it is a file. */
async function startDirectory(path: string): Promise<string | undefined> {
  let real: string;
  try {
    // Physical path, like git: a symlink into another repository belongs to that repository.
    real = await realpath(resolve(path));
  } catch (err) {
    if (isAbsent(err)) return undefined;
    throw err;
  }
  const info = await stat(real);
  return info.isDirectory() ? real : dirname(real);
}

async function findGitDir(start: string): Promise<{ gitDir: string; root: string } | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, '.git');
    const info = await statOrUndefined(candidate);
    if (info?.isDirectory()) return { gitDir: candidate, root: dir };
    if (info?.isFile()) {
      // A gitfile: "gitdir: <path>". Anything else is not a repository git would accept.
      const text = await readText(candidate);
      const match = /^gitdir: *(.+?)\s*$/m.exec(text ?? '');
      if (match === null) return undefined;
      const gitDir = isAbsolute(match[1]) ? match[1] : resolve(dir, match[1]);
      return (await statOrUndefined(gitDir))?.isDirectory() ? { gitDir, root: dir } : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A worktree's `commondir` names the shared repository directory, relative to the git dir. */
async function readCommonDir(gitDir: string): Promise<string> {
  const text = (await readText(join(gitDir, 'commondir')))?.trim();
  if (!text) return gitDir;
  return isAbsolute(text) ? text : resolve(gitDir, text);
}

async function resolveRef(
  ref: string,
  gitDir: string,
  commonDir: string,
  depth: number,
): Promise<string | undefined> {
  if (depth > MAX_SYMREF_DEPTH) return undefined;
  const home = PER_WORKTREE_REF.test(ref) ? gitDir : commonDir;
  const loose = (await readText(join(home, ref)))?.trim();
  if (loose !== undefined) {
    if (HASH.test(loose)) return loose;
    const next = symbolicTarget(loose);
    return next === undefined ? undefined : resolveRef(next, gitDir, commonDir, depth + 1);
  }
  return readPackedRef(commonDir, ref);
}

async function readPackedRef(commonDir: string, ref: string): Promise<string | undefined> {
  const text = await readText(join(commonDir, 'packed-refs'));
  if (text === undefined) return undefined;
  for (const line of text.split('\n')) {
    // '#' starts the header ("# pack-refs with: peeled fully-peeled sorted"); '^' lines hold the
    // commit an annotated tag peels to and belong to the line above, not to a ref of their own.
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const space = line.indexOf(' ');
    if (space < 0) continue;
    if (line.slice(space + 1).trimEnd() === ref) {
      const hash = line.slice(0, space);
      return HASH.test(hash) ? hash : undefined;
    }
  }
  return undefined;
}

/** `ref: refs/heads/main` → `refs/heads/main`; refuses names that could escape the git dir. */
function symbolicTarget(value: string): string | undefined {
  const match = /^ref: *(\S+)$/.exec(value);
  if (match === null) return undefined;
  const ref = match[1];
  const safe = ref.startsWith('refs/') && !ref.split('/').some((part) => part === '' || part === '..' || part === '.');
  return safe && !ref.includes('\\') ? ref : undefined;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isAbsent(err) || isErrno(err, 'EISDIR')) return undefined;
    throw err;
  }
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    if (isAbsent(err)) return undefined;
    throw err;
  }
}

function isAbsent(err: unknown): boolean {
  return isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR');
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
