/** Files met while walking a directory that are plainly not desired state are skipped, loudly. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDesiredState } from '../../src/config/index.js';
import { isForeignYaml } from '../../src/config/foreign.js';
import { WORKSPACES } from './fixtures.js';

const K8S = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Service\nmetadata: {name: y}\n';
const WORKFLOW = 'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n';

describe('config: foreign YAML files in directories', () => {
  const cases: { reason: string; text: string; foreign: boolean }[] = [
    { reason: 'Kubernetes manifests are foreign', text: K8S, foreign: true },
    { reason: 'a CI workflow (no apiVersion, no kind) is foreign', text: WORKFLOW, foreign: true },
    { reason: 'our own document is not', text: WORKSPACES, foreign: false },
    { reason: 'a typo in apiVersion alone is not (kind still claims it)', text: WORKSPACES.replace('workspace-reconciler/v1', 'workspace-reconcilr/v1'), foreign: false },
    { reason: 'a typo in kind alone is not (apiVersion still claims it)', text: WORKSPACES.replace('WorkSpaceApplications', 'WorkspaceApplication'), foreign: false },
    { reason: 'a future apiVersion of ours is not', text: WORKSPACES.replace('workspace-reconciler/v1', 'workspace-reconciler/v2'), foreign: false },
    { reason: 'a foreign document beside one of ours is not', text: `${K8S}---\n${WORKSPACES}`, foreign: false },
    { reason: 'a YAML syntax error is not (it must be reported)', text: 'apiVersion: v1\nkind: [unclosed\n', foreign: false },
    { reason: 'a top-level list is not (it must be reported)', text: '- a\n- b\n', foreign: false },
    { reason: 'an empty file is not (the empty-file warning covers it)', text: '# only a comment\n', foreign: false },
    { reason: 'an alias bomb is judged without expanding it', text: 'a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\nkind: Thing\n', foreign: true },
  ];
  for (const tc of cases) {
    it(tc.reason, () => assert.equal(isForeignYaml(tc.text), tc.foreign));
  }

  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wr-foreign-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('a walked directory skips foreign files with a warning at 1:1 and keeps our documents', async () => {
    await mkdir(join(dir, 'deploy'), { recursive: true });
    await writeFile(join(dir, 'deploy', 'k8s.yaml'), K8S);
    await writeFile(join(dir, 'apps.yaml'), WORKSPACES);
    const r = await loadDesiredState([dir], { defaultRegion: 'us-east-1' });
    assert.deepEqual(r.errors, []);
    assert.equal(r.state?.documentCount, 1);
    assert.equal(r.warnings.length, 1);
    assert.equal(r.warnings[0].file, join(dir, 'deploy', 'k8s.yaml'));
    assert.equal(r.warnings[0].line, 1);
    assert.equal(r.warnings[0].col, 1);
    assert.match(r.warnings[0].message, /not a workspace-reconciler file/);
  });

  it('a foreign file named on the command line is checked in full and fails', async () => {
    const file = join(dir, 'k8s.yaml');
    await writeFile(file, K8S);
    const r = await loadDesiredState([file], { defaultRegion: 'us-east-1' });
    assert.ok(r.errors.length > 0);
    assert.ok(r.errors.some((e) => /apiVersion: must be 'workspace-reconciler\/v1'/.test(e.message)));
  });
});
