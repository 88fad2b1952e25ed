/**
 * Seed loading: YAML text or a Seed object → validated World. A wrong seed fails with every problem and
 * its path; it never silently creates an empty world.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { Checker } from './check.js';
import { SeedError } from './errors.js';
import { checkFaults } from './fault-check.js';
import type { FaultOptions } from './faults.js';
import { checkQuotas, type QuotaOptions } from './quotas.js';
import { ASSOCIATION_ERROR_CODES, type AssociationErrorCode } from './faults.js';
import * as N from './names.js';
import { buildInstance } from './seed-connect.js';
import type { Seed } from './seed-types.js';
import { ASSOCIATION_STATES, IN_FLIGHT, WorkSpacesRegion, type AssociationState } from './workspaces-state.js';
import { World, type RegionState, type Role } from './world.js';
import type { StsOptions } from './sts.js';

/** Parses YAML text (duplicate keys and alias bombs refused) into a plain object; no validation yet. */
export function parseYaml(text: string, source: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new SeedError(source, doc.errors.map((e) => e.message));
  return doc.toJS({ maxAliasCount: 100 });
}

export async function readSeedFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new SeedError(path, [`cannot read: ${(err as Error).message}`]);
  }
  return parseYaml(text, path);
}

/** Validates a seed and builds the world and its initial faults. */
export function buildWorld(seed: unknown, source: string, now: number): { world: World; faults: FaultOptions; quotas?: QuotaOptions; sts?: StsOptions } {
  const c = new Checker();
  const world = new World();
  const root = c.object('seed', seed, ['accounts', 'faults', 'quotas', 'sts'], ['accounts']);
  const accounts = c.list('accounts', root?.accounts);
  if (root !== undefined && root.accounts !== undefined && accounts.length === 0) c.fail('accounts', 'at least one account is required');
  const seen = new Set<string>();
  accounts.forEach((a, i) => {
    const p = `accounts[${i}]`;
    const o = c.object(p, a, ['id', 'accessKeyIds', 'roles', 'regions'], ['id', 'regions']);
    if (o === undefined) return;
    const id = c.string(`${p}.id`, o.id, { pattern: N.ACCOUNT_ID });
    if (id !== undefined && seen.has(id)) c.fail(`${p}.id`, `duplicate account ${id}`);
    if (id !== undefined) seen.add(id);
    const keys = o.accessKeyIds === undefined ? [] : (c.strings(`${p}.accessKeyIds`, o.accessKeyIds, { min: 1 }) ?? []);
    const regions = new Map<string, RegionState>();
    const ro = c.object(`${p}.regions`, o.regions, Object.keys((o.regions as object | null) ?? {}));
    for (const [name, r] of Object.entries(ro ?? {})) {
      const rp = `${p}.regions.${name}`;
      if (c.string(rp, name, { pattern: N.REGION }) === undefined) continue;
      regions.set(name, buildRegion(c, rp, r, name, id ?? '000000000000', now));
    }
    const roles = buildRoles(c, `${p}.roles`, o.roles);
    if (id !== undefined) world.addAccount({ id, accessKeyIds: keys, regions, roles });
  });
  // Trust names accounts of this world: a typo would make a role nobody can assume.
  world.accounts.forEach((a, i) => {
    [...(a.roles?.values() ?? [])].forEach((r, j) => {
      for (const t of r.trust) if (!seen.has(t)) c.fail(`accounts[${i}].roles[${j}].trust`, `account ${t} is not an account of this seed`);
    });
  });
  let sts: StsOptions | undefined;
  if (root?.sts !== undefined) {
    const so = c.object('sts', root.sts, ['sessionSeconds']);
    const seconds = so?.sessionSeconds === undefined ? undefined : c.number('sts.sessionSeconds', so.sessionSeconds, { min: 1, max: 43200, integer: true });
    sts = seconds !== undefined ? { sessionSeconds: seconds } : {};
  }
  const faults = root?.faults === undefined ? {} : checkFaults(c, 'faults', root.faults);
  const quotas = root?.quotas === undefined ? undefined : checkQuotas(c, 'quotas', root.quotas);
  if (c.problems.length > 0) throw new SeedError(source, c.problems);
  return { world, faults, ...(quotas ? { quotas } : {}), ...(sts ? { sts } : {}) };
}

/** `roles:` of an account: IAM roles STS AssumeRole can assume. */
function buildRoles(c: Checker, p: string, v: unknown): Map<string, Role> {
  const roles = new Map<string, Role>();
  if (v === undefined) return roles;
  c.list(p, v).forEach((r, i) => {
    const rp = `${p}[${i}]`;
    const o = c.object(rp, r, ['name', 'trust', 'externalId'], ['name', 'trust']);
    if (o === undefined) return;
    const name = c.string(`${rp}.name`, o.name, { pattern: /^[\w+=,.@-]{1,64}$/ });
    const trust = c.strings(`${rp}.trust`, o.trust, { pattern: N.ACCOUNT_ID });
    const externalId = o.externalId === undefined ? undefined : c.string(`${rp}.externalId`, o.externalId, { pattern: /^[\w+=,.@:/-]{2,1224}$/ });
    if (name === undefined || trust === undefined) return;
    if (roles.has(name)) c.fail(`${rp}.name`, `duplicate role ${name}`);
    roles.set(name, { name, trust, ...(externalId !== undefined ? { externalId } : {}) });
  });
  return roles;
}

function buildRegion(c: Checker, p: string, v: unknown, region: string, accountId: string, now: number): RegionState {
  const state: RegionState = { connect: new Map(), workspaces: new WorkSpacesRegion() };
  const o = c.object(p, v, ['connect', 'workspaces']);
  if (o === undefined) return state;
  if (o.connect !== undefined) {
    const co = c.object(`${p}.connect`, o.connect, ['instances'], ['instances']);
    c.list(`${p}.connect.instances`, co?.instances).forEach((inst, i) => {
      const built = buildInstance(c, `${p}.connect.instances[${i}]`, inst, region, accountId, now);
      if (built === undefined) return;
      if (state.connect.has(built.id)) c.fail(`${p}.connect.instances[${i}].id`, `duplicate instance ${built.id}`);
      state.connect.set(built.id, built);
    });
  }
  if (o.workspaces !== undefined) buildWorkSpaces(c, `${p}.workspaces`, o.workspaces, state.workspaces, now);
  return state;
}

function buildWorkSpaces(c: Checker, p: string, v: unknown, region: WorkSpacesRegion, now: number): void {
  const o = c.object(p, v, ['applications', 'workspaces']);
  if (o === undefined) return;
  c.list(`${p}.applications`, o.applications).forEach((a, i) => {
    const ap = `${p}.applications[${i}]`;
    const ao = c.object(ap, a, ['id', 'name', 'description', 'owner', 'licenseType', 'state', 'operatingSystems', 'computeTypes'], ['id', 'name']);
    const id = c.string(`${ap}.id`, ao?.id, { pattern: N.APPLICATION_ID });
    const name = c.string(`${ap}.name`, ao?.name, { min: 1 });
    if (ao === undefined || id === undefined || name === undefined) return;
    if (region.applications.has(id)) return c.fail(`${ap}.id`, `duplicate application ${id}`);
    region.applications.set(id, {
      id,
      name,
      description: c.optString(`${ap}.description`, ao.description, { max: 2048 }) ?? '',
      owner: c.optString(`${ap}.owner`, ao.owner, { pattern: N.OWNER }) ?? 'AMAZON',
      licenseType: (c.optString(`${ap}.licenseType`, ao.licenseType, { oneOf: ['LICENSED', 'UNLICENSED'] }) ?? 'LICENSED') as 'LICENSED',
      state: (c.optString(`${ap}.state`, ao.state, { oneOf: ['PENDING', 'ERROR', 'AVAILABLE', 'UNINSTALL_ONLY'] }) ?? 'AVAILABLE') as 'AVAILABLE',
      operatingSystems: ao.operatingSystems === undefined ? [...N.DEFAULT_APP_OPERATING_SYSTEMS] : (c.strings(`${ap}.operatingSystems`, ao.operatingSystems, { oneOf: N.OPERATING_SYSTEMS }) ?? []),
      computeTypes: ao.computeTypes === undefined ? [] : (c.strings(`${ap}.computeTypes`, ao.computeTypes, { oneOf: N.COMPUTE_TYPES }) ?? []),
      created: now,
    });
  });
  c.list(`${p}.workspaces`, o.workspaces).forEach((w, i) => {
    const wp = `${p}.workspaces[${i}]`;
    const wo = c.object(wp, w, ['id', 'directoryId', 'userName', 'bundleId', 'state', 'operatingSystem', 'computeType', 'tags', 'applications'], ['id']);
    const id = c.string(`${wp}.id`, wo?.id, { pattern: N.WORKSPACE_ID });
    if (wo === undefined || id === undefined) return;
    if (region.workspaces.has(id)) return c.fail(`${wp}.id`, `duplicate WorkSpace ${id}`);
    const n = region.workspaces.size + 1;
    region.workspaces.set(id, {
      id,
      directoryId: c.optString(`${wp}.directoryId`, wo.directoryId, { pattern: N.DIRECTORY_ID, min: 10, max: 65 }) ?? 'd-0000000000',
      userName: c.optString(`${wp}.userName`, wo.userName, { min: 1, max: 63 }) ?? id,
      bundleId: c.optString(`${wp}.bundleId`, wo.bundleId, { pattern: N.BUNDLE_ID }) ?? 'wsb-00000000',
      state: c.optString(`${wp}.state`, wo.state, { oneOf: N.WORKSPACE_STATES }) ?? 'AVAILABLE',
      operatingSystem: c.optString(`${wp}.operatingSystem`, wo.operatingSystem, { oneOf: N.OPERATING_SYSTEMS }) ?? 'WINDOWS_11',
      computeType: c.optString(`${wp}.computeType`, wo.computeType, { oneOf: N.COMPUTE_TYPES }) ?? 'STANDARD',
      runningMode: 'AUTO_STOP',
      computerName: `WSAMZN-${id.slice(3, 11).toUpperCase()}`,
      ipAddress: `10.0.${(n >> 8) & 255}.${n & 255}`,
      tags: c.tags(`${wp}.tags`, wo.tags, N.WORKSPACES_TAGS),
      apps: new Map(),
    });
    c.list(`${wp}.applications`, wo.applications).forEach((a, j) => {
      const ap = `${wp}.applications[${j}]`;
      const ao = c.object(ap, a, ['id', 'state', 'errorCode', 'errorMessage', 'phase'], ['id']);
      const appId = c.string(`${ap}.id`, ao?.id, { pattern: N.APPLICATION_ID });
      if (ao === undefined || appId === undefined) return;
      if (!region.applications.has(appId)) return c.fail(`${ap}.id`, `${appId} is not in this region's application catalog`);
      if (region.workspaces.get(id)?.apps.has(appId)) return c.fail(`${ap}.id`, `duplicate association ${appId}`);
      const state = (c.optString(`${ap}.state`, ao.state, { oneOf: ASSOCIATION_STATES }) ?? 'COMPLETED') as AssociationState;
      const errorCode = c.optString(`${ap}.errorCode`, ao.errorCode, { oneOf: ASSOCIATION_ERROR_CODES }) as AssociationErrorCode | undefined;
      if (state === 'ERROR' && errorCode === undefined) c.fail(`${ap}.errorCode`, 'required when state is ERROR');
      if (state !== 'ERROR' && ao.errorCode !== undefined) c.fail(`${ap}.errorCode`, 'only allowed when state is ERROR');
      const phase = (c.optString(`${ap}.phase`, ao.phase, { oneOf: ['install', 'uninstall'] }) ??
        (state.includes('UNINSTALL') ? 'uninstall' : 'install')) as 'install' | 'uninstall';
      if (ao.phase !== undefined && state !== 'ERROR' && !IN_FLIGHT.has(state)) c.fail(`${ap}.phase`, 'only allowed for ERROR and in-flight states');
      region.put({
        workspaceId: id,
        applicationId: appId,
        state,
        created: now,
        lastUpdated: now,
        since: now,
        phase,
        reason: state === 'ERROR' && errorCode !== undefined ? { code: errorCode, message: c.optString(`${ap}.errorMessage`, ao.errorMessage, { max: 2048 }) ?? `The application deployment failed: ${errorCode}` } : undefined,
      });
    });
  });
  region.reindex();
}
