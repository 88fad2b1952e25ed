/**
 * A random world (a sandbox seed, SEED.md) and a random desired state over it (YAML documents),
 * both from one Rng, so a run seed names both exactly.
 *
 * The world: one account and region; 1–2 Connect instances with users, routing profiles and 1–3
 * workspaces each, with existing associations; a catalogue of applications (one of them maybe
 * UNINSTALL_ONLY, so associating it is refused) and 2–4 WorkSpaces (one maybe SUSPENDED, which
 * refuses application changes) with associations in every state the seed allows.
 *
 * The desired state: most Connect workspaces and WorkSpaces become targets (the rest must never
 * be touched), each with prune true or false, a random subset of what exists, sometimes items
 * that do not exist (a 404 / ResourceNotFound: terminal for that item), and sometimes a target
 * whose workspace or WorkSpace does not exist. Associations in the world that the desired state
 * does not list are the hand-added extras: prune removes them, additive targets keep them. A
 * non-prune target is sometimes split over two documents in two files (its desired set is the
 * union).
 */
import { stringify } from 'yaml';
import { connectKey, workspaceKey } from '../../src/config/types.js';
import { ASSOCIATION_ERROR_CODES } from '../../src/sandbox/faults.js';
import type { Seed, SeedAppAssociation, SeedConnectWorkspace, SeedInstance, SeedWorkSpace } from '../../src/sandbox/seed-types.js';
import type { Rng } from './rng.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

export interface ChaosInstance {
  id: string;
  /** ARNs of every user and routing profile of the instance. */
  arns: string[];
  workspaces: { id: string; associated: string[] }[];
}

export interface ChaosWorkSpace {
  id: string;
  state: string;
  apps: SeedAppAssociation[];
}

export interface ChaosWorld {
  seed: Seed;
  instances: ChaosInstance[];
  /** Application ids of the catalogue. */
  catalogue: string[];
  workspaces: ChaosWorkSpace[];
}

/** One target of the desired state, as the checks need it. */
export interface DesiredTarget {
  type: 'connect' | 'workspaces';
  /** The reconciler's target key (connectKey / workspaceKey). */
  key: string;
  instanceId?: string;
  workspaceId: string;
  desired: Set<string>;
  prune: boolean;
  /** False when the workspace / WorkSpace is not in the world. */
  exists: boolean;
}

export interface ChaosDesired {
  targets: DesiredTarget[];
  /** File name → YAML text. */
  files: Record<string, string>;
}

const arnOf = (instanceId: string, type: 'agent' | 'routing-profile', id: string) =>
  `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${instanceId}/${type}/${id}`;

/** Association states a seed may hold, weighted towards the common ones. */
const SEED_STATES: SeedAppAssociation['state'][] = [
  'COMPLETED', 'COMPLETED', 'COMPLETED', 'PENDING_INSTALL', 'PENDING_UNINSTALL', 'ERROR', 'ERROR',
  'PENDING_INSTALL_DEPLOYMENT', 'INSTALLING', 'PENDING_UNINSTALL_DEPLOYMENT', 'UNINSTALLING', 'REMOVED',
];

export function generateWorld(rng: Rng): ChaosWorld {
  const instances: ChaosInstance[] = [];
  const seedInstances: SeedInstance[] = [];
  for (let i = 0, n = rng.int(1, 2); i < n; i++) {
    const id = rng.uuid();
    const users = Array.from({ length: rng.int(3, 10) }, (_, u) => ({ id: rng.uuid(), username: `agent${i}${String(u).padStart(2, '0')}` }));
    const profiles = Array.from({ length: rng.int(1, 3) }, (_, p) => ({ id: rng.uuid(), name: `Profile ${i}.${p}` }));
    const arns = [...users.map((u) => arnOf(id, 'agent', u.id)), ...profiles.map((p) => arnOf(id, 'routing-profile', p.id))];
    const workspaces: ChaosInstance['workspaces'] = [];
    const seedWs: SeedConnectWorkspace[] = [];
    for (let w = 0, m = rng.int(1, 3); w < m; w++) {
      const wsId = rng.uuid();
      const associated = rng.subset(arns, rng.range(0.1, 0.7));
      workspaces.push({ id: wsId, associated });
      seedWs.push({ id: wsId, name: `Workspace ${i}.${w}`, associations: associated });
    }
    instances.push({ id, arns, workspaces });
    seedInstances.push({ id, users, routingProfiles: profiles, workspaces: seedWs });
  }

  const catalogue = Array.from({ length: rng.int(3, 6) }, (_, a) => `wsa-chaos${String(a).padStart(4, '0')}`);
  const uninstallOnly = rng.chance(0.3) ? rng.pick(catalogue) : undefined;
  const workspaces: ChaosWorkSpace[] = [];
  for (let w = 0, n = rng.int(2, 4); w < n; w++) {
    const apps: SeedAppAssociation[] = [];
    for (const app of rng.subset(catalogue, 0.5)) {
      const state = rng.pick(SEED_STATES);
      const a: SeedAppAssociation = { id: app, state };
      if (state === 'ERROR') {
        a.errorCode = rng.pick(ASSOCIATION_ERROR_CODES);
        a.phase = rng.chance(0.7) ? 'install' : 'uninstall';
      }
      apps.push(a);
    }
    workspaces.push({ id: `ws-chaos${String(w).padStart(4, '0')}`, state: rng.chance(0.1) ? 'SUSPENDED' : 'AVAILABLE', apps });
  }
  const seedWorkSpaces: SeedWorkSpace[] = workspaces.map((w) => ({ id: w.id, state: w.state, applications: w.apps }));

  const seed: Seed = {
    accounts: [
      {
        id: ACCOUNT,
        regions: {
          [REGION]: {
            connect: { instances: seedInstances },
            workspaces: {
              applications: catalogue.map((id) => ({ id, name: `App ${id}`, ...(id === uninstallOnly ? { state: 'UNINSTALL_ONLY' as const } : {}) })),
              workspaces: seedWorkSpaces,
            },
          },
        },
      },
    ],
  };
  return { seed, instances, catalogue, workspaces };
}

export function generateDesired(rng: Rng, world: ChaosWorld): ChaosDesired {
  const targets: DesiredTarget[] = [];
  const connectDocs: Record<string, unknown>[] = [];
  const extraDocs: Record<string, unknown>[] = [];
  const workspacesDocs: Record<string, unknown>[] = [];
  const doc = (kind: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'workspace-reconciler/v1', kind, metadata: { name }, spec });

  for (const inst of world.instances) {
    const wsIds = inst.workspaces.map((w) => w.id);
    // Sometimes a workspace that does not exist.
    if (rng.chance(0.1)) wsIds.push(rng.uuid());
    for (const wsId of wsIds) {
      if (!rng.chance(0.8)) continue;
      const prune = rng.chance(0.5);
      const desired = rng.subset(inst.arns, rng.range(0.2, 0.8));
      // Items that do not exist: valid ARNs of this instance, unknown ids (404, terminal).
      if (rng.chance(0.2)) desired.push(arnOf(inst.id, rng.chance(0.7) ? 'agent' : 'routing-profile', rng.uuid()));
      // allowEmpty does not exist in this version: an empty prune list is just "nothing".
      const name = `c-${targets.length}`;
      const spec = { region: REGION, instanceId: inst.id, workspaceId: wsId, prune };
      if (!prune && desired.length >= 2 && rng.chance(0.25)) {
        const cut = rng.int(1, desired.length - 1);
        connectDocs.push(doc('ConnectWorkspaceAssociations', name, { ...spec, resourceArns: desired.slice(0, cut) }));
        extraDocs.push(doc('ConnectWorkspaceAssociations', `${name}-more`, { ...spec, resourceArns: desired.slice(cut) }));
      } else {
        connectDocs.push(doc('ConnectWorkspaceAssociations', name, { ...spec, resourceArns: desired }));
      }
      targets.push({
        type: 'connect',
        key: connectKey('default', REGION, inst.id, wsId),
        instanceId: inst.id,
        workspaceId: wsId,
        desired: new Set(desired),
        prune,
        exists: inst.workspaces.some((w) => w.id === wsId),
      });
    }
  }

  const wsIds = world.workspaces.map((w) => w.id);
  if (rng.chance(0.1)) wsIds.push(`ws-missing${rng.hex(4)}`);
  for (const wsId of wsIds) {
    // At least one target: an empty desired state is refused before anything happens.
    const last = wsId === wsIds[wsIds.length - 1] && targets.length === 0;
    if (!rng.chance(0.8) && !last) continue;
    const prune = rng.chance(0.5);
    const desired = rng.subset(world.catalogue, rng.range(0.2, 0.8));
    if (rng.chance(0.15)) desired.push(`wsa-missing${rng.hex(4)}`);
    if (desired.length === 0) desired.push(rng.pick(world.catalogue));
    const name = `w-${targets.length}`;
    workspacesDocs.push(doc('WorkSpaceApplications', name, { region: REGION, workspaceIds: [wsId], applicationIds: desired, prune }));
    targets.push({ type: 'workspaces', key: workspaceKey('default', REGION, wsId), workspaceId: wsId, desired: new Set(desired), prune, exists: world.workspaces.some((w) => w.id === wsId) });
  }

  const files: Record<string, string> = {};
  const yaml = (docs: Record<string, unknown>[]) => docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
  if (connectDocs.length) files['connect.yaml'] = yaml(connectDocs);
  if (extraDocs.length) files['more/connect-more.yaml'] = yaml(extraDocs);
  if (workspacesDocs.length) files['workspaces.yaml'] = yaml(workspacesDocs);
  return { targets, files };
}
