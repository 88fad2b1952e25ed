/**
 * Helpers of the resolve tests: desired-state YAML written to a temp dir and loaded by the real
 * loader, the real look-ups (ConnectLookupAws, WorkSpacesLookupAws) over real SDK clients against
 * the sandbox, and the demo seed as an object to vary.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadDesiredState, type DesiredState, type Target } from '../../src/config/index.js';
import { ConnectLookupAws } from '../../src/providers/connect/lookup.js';
import type { CallGate } from '../../src/providers/types.js';
import { WorkSpacesLookupAws } from '../../src/providers/workspaces/lookup.js';
import type { ResolveOptions } from '../../src/resolve/index.js';
import { demoSeedPath, type CallRecord, type Seed } from '../../src/sandbox/index.js';
import { INSTANCE } from '../providers/fixtures.js';
import type { Harness } from '../providers/fixtures.js';

export { INSTANCE, REGION, SUPPORT_FLOOR, BILLING_DESK, SUPERVISORS, agent, routingProfile } from '../providers/fixtures.js';

/** The demo world's hierarchy groups (demo-seed.yaml): Tier 1 is a child of Contact floor. */
export const CONTACT_FLOOR = '6c5d4e3f-0000-1111-2222-333344445501';
export const TIER_1 = '6c5d4e3f-0000-1111-2222-333344445502';

/** A ConnectWorkspaceAssociations document; `spec` is indented spec lines (region and instance included). */
export function connectDoc(name: string, spec: string[], o: { instanceId?: string } = {}): string {
  return [
    'apiVersion: workspace-reconciler/v1',
    'kind: ConnectWorkspaceAssociations',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  region: us-east-1',
    `  instanceId: ${o.instanceId ?? INSTANCE}`,
    ...spec.map((l) => `  ${l}`),
    '',
  ].join('\n');
}

/** A WorkSpaceApplications document in us-east-1. */
export function workspacesDoc(name: string, spec: string[]): string {
  return ['apiVersion: workspace-reconciler/v1', 'kind: WorkSpaceApplications', 'metadata:', `  name: ${name}`, 'spec:', '  region: us-east-1', ...spec.map((l) => `  ${l}`), ''].join('\n');
}

/** A temp dir for desired-state files; `load` writes the documents into one file and loads it. */
export class Files {
  private dir?: string;
  async path(name: string): Promise<string> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'resolve-test-'));
    return join(this.dir, name);
  }
  async write(name: string, ...docs: string[]): Promise<string> {
    const file = await this.path(name);
    await writeFile(file, docs.join('---\n'));
    return file;
  }
  async load(...docs: string[]): Promise<DesiredState> {
    return loadFiles([await this.write('desired.yaml', ...docs)]);
  }
  async remove(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

export async function loadFiles(paths: string[]): Promise<DesiredState> {
  const r = await loadDesiredState(paths, { defaultRegion: 'us-east-1' });
  assert.deepEqual(r.errors, [], 'the desired state loads');
  return r.state!;
}

/** The real look-ups over the harness's SDK clients. */
export function lookups(h: Harness, gate?: CallGate): ResolveOptions {
  return { connect: new ConnectLookupAws({ clients: h.clients, ...(gate ? { gate } : {}) }), workspaces: new WorkSpacesLookupAws({ clients: h.clients, ...(gate ? { gate } : {}) }) };
}

/** The demo world (demo-seed.yaml) as a seed object, a fresh copy each time, to vary. */
export function demoSeed(): Seed {
  return parse(readFileSync(demoSeedPath(), 'utf8')) as Seed;
}

export const ops = (calls: readonly CallRecord[]) => calls.map((c) => c.operation);

/** The target with this key, or a failed assertion listing the keys there are. */
export function targetOf(targets: readonly Target[], key: string): Target {
  const t = targets.find((x) => x.key === key);
  return t ?? assert.fail(`no target ${key}; targets: ${targets.map((x) => x.key).join(', ')}`);
}

export const desiredOf = (t: Target) => [...t.desired.keys()].sort();
export const labelsOf = (t: Target) => Object.fromEntries([...(t.labels ?? new Map<string, string>())].sort(([a], [b]) => (a < b ? -1 : 1)));
