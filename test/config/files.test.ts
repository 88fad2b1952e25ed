/** The real filesystem: directories, explicit files, missing paths, size limits, binary files. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_MAX_FILE_BYTES,
  InputPathError,
  loadDesiredState,
  LoadOptionsError,
  type LoadOptions,
} from '../../src/config/index.js';
import { CONNECT, edit, WORKSPACES } from './fixtures.js';

describe('config: loading files and directories', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wr-config-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function put(rel: string, content: string | Buffer): Promise<string> {
    const path = join(dir, rel);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
    return path;
  }

  it('a directory contributes *.yaml and *.yml below it, recursively, sorted by path', async () => {
    await put('b.yaml', WORKSPACES);
    await put('a.yml', CONNECT);
    await put('sub/c.yaml', edit(WORKSPACES, ['engineering-desktops', 'more'], ['[ws-eng0000001, ws-eng0000002]', '[ws-eng0000003]']));
    await put('notes.txt', 'not yaml at all: [');
    await put('sub/README.md', '# not yaml');
    await put('.github/workflows/ci.yml', 'on: push\n');
    await put('sub/.hidden.yaml', 'junk: true\n');
    const result = await loadDesiredState([dir]);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.state?.files, [join(dir, 'a.yml'), join(dir, 'b.yaml'), join(dir, 'sub/c.yaml')]);
    assert.equal(result.state?.documentCount, 3);
    assert.equal(result.state?.targets.length, 4);
  });

  it('digests: the sha256 of the exact bytes of each file of the desired state (a BOM included), also when invalid', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CONNECT)]);
    const a = await put('a.yaml', bytes);
    const b = await put('b.yaml', WORKSPACES);
    const sha = (x: string | Buffer) => createHash('sha256').update(x).digest('hex');
    const ok = await loadDesiredState([dir]);
    assert.deepEqual(ok.errors, []);
    assert.deepEqual(ok.digests, [{ file: a, sha256: sha(bytes) }, { file: b, sha256: sha(WORKSPACES) }]);
    await put('b.yaml', edit(WORKSPACES, ['prune: false', 'prunne: false']));
    const bad = await loadDesiredState([dir]);
    assert.ok(bad.errors.length > 0 && bad.state === undefined);
    assert.deepEqual(bad.digests?.map((d) => d.file), [a, b]);
    assert.notEqual(bad.digests?.[1].sha256, sha(WORKSPACES));
  });

  it('an explicit file is read whatever its extension, and problems name it as given', async () => {
    const file = await put('desired.txt', edit(CONNECT, ['prune: false', 'prunne: false']));
    const result = await loadDesiredState([file]);
    assert.deepEqual(
      result.errors.map((p) => [p.file, p.line, p.col]),
      [[file, 12, 3]],
    );
  });

  it('a file reached twice (listed, and inside a listed directory) is read once', async () => {
    const file = await put('a.yaml', CONNECT);
    const result = await loadDesiredState([file, dir]);
    assert.deepEqual(result.errors, [], 'no duplicate-name error');
    assert.deepEqual(result.state?.files, [file]);
  });

  it('a symbolic link loop between directories is read once, not forever', async () => {
    await put('d/a.yaml', CONNECT);
    await symlink(dir, join(dir, 'd', 'loop'));
    const result = await loadDesiredState([dir]);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.state?.files, [join(dir, 'd/a.yaml')]);
  });

  it('an empty directory is an empty desired state', async () => {
    const result = await loadDesiredState([dir]);
    assert.deepEqual(result.state, { targets: [], intents: [], accounts: [], needsResolution: false, documentCount: 0, files: [] });
  });

  const missing = [
    { reason: 'a missing file', path: (d: string) => join(d, 'nope.yaml'), says: 'no such file or directory' },
    { reason: 'a path through a file', path: (d: string) => join(d, 'a.yaml', 'x.yaml'), says: 'a parent is not a directory' },
  ];
  for (const tc of missing) {
    it(`${tc.reason} throws InputPathError with a one-line message`, async () => {
      await put('a.yaml', CONNECT);
      const path = tc.path(dir);
      await assert.rejects(loadDesiredState([join(dir, 'a.yaml'), path]), (err: unknown) => {
        assert.ok(err instanceof InputPathError);
        assert.equal(err.message, `cannot read '${path}': ${tc.says}`);
        assert.equal(err.path, path);
        return true;
      });
    });
  }

  it('the default size limit is 10 MiB; a larger file is refused without being read', async () => {
    assert.equal(DEFAULT_MAX_FILE_BYTES, 10 * 1024 * 1024);
    const file = await put('huge.yaml', '');
    // Sparse: 10 MiB + 1 byte of NULs on disk costs nothing, and reading it would say "binary",
    // so the size message proves the size was checked first.
    await truncate(file, DEFAULT_MAX_FILE_BYTES + 1);
    const result = await loadDesiredState([file]);
    assert.deepEqual(
      result.errors.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`),
      [`${file}:1:1: file is 10 MiB; files over 10 MiB are refused`],
    );
  });

  const refused: { reason: string; content: string | Buffer; options?: LoadOptions; says: string }[] = [
    { reason: 'a file over a small maxFileBytes', content: CONNECT /* 541 bytes; b.yaml is smaller */, options: { maxFileBytes: 400 }, says: 'files over 400 bytes are refused' },
    { reason: 'a binary file', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), says: 'binary file (it contains NUL bytes), not YAML' },
    { reason: 'a file that is not UTF-8', content: Buffer.from('kind: caf\xe9\n', 'latin1'), says: 'not a UTF-8 text file' },
  ];
  for (const tc of refused) {
    it(`${tc.reason} is an error at 1:1, and the other files are still checked`, async () => {
      const bad = await put('a.yaml', tc.content);
      await put('b.yaml', edit(WORKSPACES, ['prune: false', 'prune: 1']));
      const result = await loadDesiredState([dir], tc.options);
      assert.deepEqual(
        result.errors.map((p) => [p.file, p.line, p.col]),
        [
          [bad, 1, 1],
          [join(dir, 'b.yaml'), 11, 10],
        ],
      );
      assert.ok(result.errors[0].message.includes(tc.says), result.errors[0].message);
    });
  }

  const badOptions: { reason: string; options: LoadOptions; says: string }[] = [
    { reason: 'defaultRegion that is not a region', options: { defaultRegion: 'US East' }, says: '`defaultRegion`' },
    { reason: 'maxFileBytes of 0', options: { maxFileBytes: 0 }, says: '`maxFileBytes` to be an integer >= 1, got 0' },
  ];
  for (const tc of badOptions) {
    it(`rejects ${tc.reason} with the option's name`, async () => {
      await assert.rejects(loadDesiredState([dir], tc.options), (err: unknown) => {
        assert.ok(err instanceof LoadOptionsError);
        assert.ok(err.message.includes(tc.says), err.message);
        return true;
      });
    });
  }

  // How fast is the benchmark's business (npm run bench -- plan); a loaded CI machine must not fail this.
  it('loads a 20,000-ARN file completely', async () => {
    const instance = '4c1b2f0e-1111-2222-3333-444455556666';
    const lines = [
      'apiVersion: workspace-reconciler/v1',
      'kind: ConnectWorkspaceAssociations',
      'metadata: {name: big}',
      'spec:',
      `  instanceId: ${instance}`,
      '  workspaceId: w',
      '  region: us-east-1',
      '  prune: true',
      '  resourceArns:',
    ];
    for (let i = 0; i < 20_000; i++) {
      lines.push(`  - arn:aws:connect:us-east-1:123456789012:instance/${instance}/agent/u${String(i).padStart(5, '0')}`);
    }
    const file = await put('big.yaml', lines.join('\n') + '\n');
    const result = await loadDesiredState([file]);
    assert.deepEqual(result.errors, []);
    assert.equal(result.state?.targets[0].desired.size, 20_000);
  });
});
