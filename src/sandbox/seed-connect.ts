/**
 * Seeding one Connect instance: routing profiles, hierarchy groups, users (which refer to both) and
 * workspaces with their associations (which refer to users and routing profiles). Problems are
 * collected with their paths, like the rest of the seed.
 */
import type { Checker } from './check.js';
import { ConnectInstance, type ConnectResource, type ConnectWorkspace, type HierarchyGroup } from './connect-state.js';
import * as N from './names.js';

/** Connect agent hierarchies have at most five levels. */
const MAX_HIERARCHY_LEVELS = 5;
const ID = { min: 1, max: 256, pattern: /^[^/]+$/ };

export function buildInstance(c: Checker, p: string, v: unknown, region: string, accountId: string, now: number): ConnectInstance | undefined {
  const o = c.object(p, v, ['id', 'alias', 'users', 'routingProfiles', 'hierarchyGroups', 'workspaces'], ['id']);
  const id = c.string(`${p}.id`, o?.id, { min: 1, max: 100, pattern: /^[^/]+$/ });
  if (o === undefined || id === undefined) return undefined;
  const inst = new ConnectInstance(id, c.optString(`${p}.alias`, o.alias, { min: 1 }) ?? id, region, accountId);
  routingProfiles(c, p, o.routingProfiles, inst, now);
  hierarchyGroups(c, `${p}.hierarchyGroups`, o.hierarchyGroups, inst);
  users(c, p, o.users, inst, now);
  workspaces(c, p, o.workspaces, inst, now);
  inst.reindex();
  return inst;
}

/** A user or routing-profile id: unique across both, since an association may name either by id. */
function resourceId(c: Checker, path: string, v: unknown, inst: ConnectInstance): string | undefined {
  const rid = c.string(path, v, ID);
  if (rid === undefined) return undefined;
  if (inst.users.has(rid) || inst.routingProfiles.has(rid)) return c.fail(path, `duplicate resource id ${rid}`);
  return rid;
}

function routingProfiles(c: Checker, p: string, v: unknown, inst: ConnectInstance, now: number): void {
  c.list(`${p}.routingProfiles`, v).forEach((r, i) => {
    const rp = `${p}.routingProfiles[${i}]`;
    const ro = c.object(rp, r, ['id', 'name'], ['id', 'name']);
    const rid = resourceId(c, `${rp}.id`, ro?.id, inst);
    const name = c.string(`${rp}.name`, ro?.name, { min: 1, max: 127 });
    if (rid === undefined || name === undefined) return;
    inst.routingProfiles.set(rid, { type: 'ROUTING_PROFILE', id: rid, arn: inst.routingProfileArn(rid), name, lastModified: now });
  });
}

/** Parents may be listed after their children; a parent must exist and the chain must end (no cycle). */
function hierarchyGroups(c: Checker, p: string, v: unknown, inst: ConnectInstance): void {
  const parents = new Map<string, { parentId?: string; where: string }>();
  c.list(p, v).forEach((g, i) => {
    const gp = `${p}[${i}]`;
    const go = c.object(gp, g, ['id', 'name', 'parentId'], ['id', 'name']);
    const gid = c.string(`${gp}.id`, go?.id, ID);
    const name = c.string(`${gp}.name`, go?.name, { min: 1, max: 256 });
    const parentId = c.optString(`${gp}.parentId`, go?.parentId, ID);
    if (go === undefined || gid === undefined || name === undefined) return;
    if (inst.hierarchyGroups.has(gid)) return c.fail(`${gp}.id`, `duplicate hierarchy group ${gid}`);
    inst.hierarchyGroups.set(gid, { id: gid, name, arn: inst.hierarchyGroupArn(gid), parentId, path: [] });
    parents.set(gid, { parentId, where: gp });
  });
  for (const [gid, { parentId, where }] of parents) {
    if (parentId !== undefined && !inst.hierarchyGroups.has(parentId)) {
      c.fail(`${where}.parentId`, `${parentId} is not a hierarchy group of instance ${inst.id}`);
      continue;
    }
    // Follow the parents up from gid; stop at the root, at a loop, or at an ancestor whose parent is missing.
    const chain: string[] = [gid];
    let at = parentId;
    while (at !== undefined && !chain.includes(at) && inst.hierarchyGroups.has(at)) {
      chain.unshift(at);
      at = inst.hierarchyGroups.get(at)?.parentId;
    }
    if (at !== undefined && chain.includes(at)) c.fail(`${where}.parentId`, `the parent chain loops: ${[...chain].reverse().join(' → ')} → ${at}`);
    else if (at !== undefined) continue; // an ancestor's missing parent is reported at that ancestor
    else if (chain.length > MAX_HIERARCHY_LEVELS) c.fail(`${where}.parentId`, `more than ${MAX_HIERARCHY_LEVELS} levels: ${chain.join(' → ')}`);
    else (inst.hierarchyGroups.get(gid) as HierarchyGroup).path = chain;
  }
}

function users(c: Checker, p: string, v: unknown, inst: ConnectInstance, now: number): void {
  const firstProfile = inst.routingProfiles.keys().next().value as string | undefined;
  const usernames = new Set<string>();
  c.list(`${p}.users`, v).forEach((u, i) => {
    const up = `${p}.users[${i}]`;
    const uo = c.object(up, u, ['id', 'username', 'tags', 'routingProfileId', 'hierarchyGroupId'], ['id', 'username']);
    const uid = resourceId(c, `${up}.id`, uo?.id, inst);
    const username = c.string(`${up}.username`, uo?.username, { min: 1, max: 100 });
    const tags = c.tags(`${up}.tags`, uo?.tags, N.CONNECT_TAGS);
    const routingProfileId = c.optString(`${up}.routingProfileId`, uo?.routingProfileId, { min: 1 });
    const hierarchyGroupId = c.optString(`${up}.hierarchyGroupId`, uo?.hierarchyGroupId, { min: 1 });
    if (routingProfileId !== undefined && !inst.routingProfiles.has(routingProfileId)) {
      c.fail(`${up}.routingProfileId`, `${routingProfileId} is not a routing profile of instance ${inst.id}`);
    }
    if (hierarchyGroupId !== undefined && !inst.hierarchyGroups.has(hierarchyGroupId)) {
      c.fail(`${up}.hierarchyGroupId`, `${hierarchyGroupId} is not a hierarchy group of instance ${inst.id}`);
    }
    if (username !== undefined && usernames.has(username)) c.fail(`${up}.username`, `duplicate username ${username} (usernames are unique in an instance)`);
    if (username !== undefined) usernames.add(username);
    if (uid === undefined || username === undefined) return;
    inst.users.set(uid, {
      type: 'USER', id: uid, arn: inst.userArn(uid), name: username, lastModified: now, tags,
      routingProfileId: routingProfileId ?? firstProfile, hierarchyGroupId,
    });
  });
}

function workspaces(c: Checker, p: string, v: unknown, inst: ConnectInstance, now: number): void {
  c.list(`${p}.workspaces`, v).forEach((w, i) => {
    const wp = `${p}.workspaces[${i}]`;
    const wo = c.object(wp, w, ['id', 'name', 'visibility', 'description', 'title', 'associations'], ['id', 'name']);
    const wid = c.string(`${wp}.id`, wo?.id, ID);
    const name = c.string(`${wp}.name`, wo?.name, { min: 1, max: 127, pattern: /\S/ });
    if (wo === undefined || wid === undefined || name === undefined) return;
    if (inst.workspaces.has(wid)) return c.fail(`${wp}.id`, `duplicate workspace ${wid}`);
    const ws: ConnectWorkspace = {
      id: wid,
      arn: inst.workspaceArn(wid),
      name,
      visibility: (c.optString(`${wp}.visibility`, wo.visibility, { oneOf: ['ALL', 'ASSIGNED', 'NONE'] }) ?? 'ASSIGNED') as ConnectWorkspace['visibility'],
      description: c.optString(`${wp}.description`, wo.description, { max: 500 }),
      title: c.optString(`${wp}.title`, wo.title, { max: 127 }),
      lastModified: now,
      associated: new Map(),
    };
    c.list(`${wp}.associations`, wo.associations).forEach((ref, j) => {
      const ap = `${wp}.associations[${j}]`;
      const s = c.string(ap, ref, { min: 1 });
      if (s === undefined) return;
      const r: ConnectResource | undefined = s.startsWith('arn:')
        ? (() => {
            const x = inst.resolveArn(s);
            return typeof x === 'string' ? undefined : x;
          })()
        : (inst.users.get(s) ?? inst.routingProfiles.get(s));
      if (r === undefined) return c.fail(ap, `${s} is not a user or routing profile of instance ${inst.id}`);
      if (ws.associated.has(r.arn)) return c.fail(ap, `duplicate association ${s}`);
      ws.associated.set(r.arn, r);
    });
    inst.workspaces.set(wid, ws);
  });
}
