/** `schema` prints the shipped JSON Schema, byte for byte, and exits 0; help lists it. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEnv, removeDir, ROOT, runCli, tempDir } from './helpers.js';

describe('cli: schema', () => {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('prints schema/desired-state.schema.json to stdout, exit 0, nothing on stderr', async () => {
    const r = await runCli(['schema'], { env: cliEnv(dir as string) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, await readFile(join(ROOT, 'schema', 'desired-state.schema.json'), 'utf8'));
    const schema = JSON.parse(r.stdout) as { $schema: string; $id: string };
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(schema.$id, 'https://workspace-reconciler.dev/schema/v1/desired-state.schema.json');
  });

  it('the program lists it, and it takes no path', async () => {
    const help = await runCli(['--help'], { env: cliEnv(dir as string) });
    assert.match(help.stdout, /^\s+schema\s+print the JSON Schema/m);
    const r = await runCli(['schema', 'examples'], { env: cliEnv(dir as string) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: too many arguments for 'schema'/);
  });
});
