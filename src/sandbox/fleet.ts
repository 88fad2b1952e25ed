/**
 * A programmatic builder for big worlds (benchmarks): one account, one region (or several, each
 * the same), one Connect instance and a WorkSpaces fleet per region, with deterministic ids (see
 * `fleetIds`).
 */
import type { Seed, SeedWorkSpace } from './seed-types.js';

export interface FleetOptions {
  /** Default '123456789012'. */
  accountId?: string;
  /** Default 'us-east-1'. */
  region?: string;
  /** Several regions, each with the same fleet (ARNs in each region's own). Default [region]. */
  regions?: string[];
  /** Connect workspaces. Default 10. */
  connectWorkspaces?: number;
  /** Users seeded as associated with every Connect workspace (users 0..n-1). Default 100. */
  arnsPerWorkspace?: number;
  /** Users in the instance; must cover every ARN a benchmark will associate. Default arnsPerWorkspace + 100. */
  users?: number;
  /** Routing profiles in the instance. Default 10. */
  routingProfiles?: number;
  /** WorkSpaces. Default 100. */
  workspaces?: number;
  /** Applications seeded COMPLETED on every WorkSpace (applications 0..n-1). Default 3. */
  appsPerWorkspace?: number;
  /** Applications in the catalog. Default appsPerWorkspace + 5. */
  applications?: number;
}

const hex12 = (i: number): string => i.toString(16).padStart(12, '0');
const dec = (i: number, n: number): string => String(i).padStart(n, '0');

/** The id scheme of buildFleetSeed (index i is 0-based). */
export const fleetIds = {
  instanceId: '00000000-0000-4000-8000-000000000000',
  userId: (i: number): string => `00000000-0000-4000-a000-${hex12(i)}`,
  routingProfileId: (i: number): string => `00000000-0000-4000-b000-${hex12(i)}`,
  connectWorkspaceId: (i: number): string => `00000000-0000-4000-c000-${hex12(i)}`,
  workspaceId: (i: number): string => `ws-fleet${dec(i, 8)}`,
  applicationId: (i: number): string => `wsa-fleetapp${dec(i, 6)}`,
  userArn: (i: number, region = 'us-east-1', accountId = '123456789012'): string =>
    `arn:aws:connect:${region}:${accountId}:instance/${fleetIds.instanceId}/agent/${fleetIds.userId(i)}`,
  routingProfileArn: (i: number, region = 'us-east-1', accountId = '123456789012'): string =>
    `arn:aws:connect:${region}:${accountId}:instance/${fleetIds.instanceId}/routing-profile/${fleetIds.routingProfileId(i)}`,
};

/** E.g. buildFleetSeed({connectWorkspaces: 200, arnsPerWorkspace: 500}) seeds 100,000 associations. */
export function buildFleetSeed(o: FleetOptions = {}): Seed {
  const n = {
    connectWorkspaces: o.connectWorkspaces ?? 10,
    arnsPerWorkspace: o.arnsPerWorkspace ?? 100,
    routingProfiles: o.routingProfiles ?? 10,
    workspaces: o.workspaces ?? 100,
    appsPerWorkspace: o.appsPerWorkspace ?? 3,
  };
  const users = o.users ?? n.arnsPerWorkspace + 100;
  const applications = o.applications ?? n.appsPerWorkspace + 5;
  for (const [k, v] of Object.entries({ ...n, users, applications })) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`Expected \`${k}\` to be an integer >= 0, got ${v}`);
  }
  if (n.arnsPerWorkspace > users) throw new RangeError(`Expected \`users\` (${users}) >= \`arnsPerWorkspace\` (${n.arnsPerWorkspace})`);
  if (n.appsPerWorkspace > applications) throw new RangeError(`Expected \`applications\` (${applications}) >= \`appsPerWorkspace\` (${n.appsPerWorkspace})`);
  const range = (k: number) => Array.from({ length: k }, (_, i) => i);
  const associated = range(n.arnsPerWorkspace).map(fleetIds.userId);
  const apps = range(n.appsPerWorkspace).map((i) => ({ id: fleetIds.applicationId(i) }));
  const region = () => ({
    connect: {
      instances: [
        {
          id: fleetIds.instanceId,
          alias: 'fleet',
          users: range(users).map((i) => ({ id: fleetIds.userId(i), username: `user${dec(i, 6)}` })),
          routingProfiles: range(n.routingProfiles).map((i) => ({ id: fleetIds.routingProfileId(i), name: `Profile ${i}` })),
          workspaces: range(n.connectWorkspaces).map((i) => ({ id: fleetIds.connectWorkspaceId(i), name: `Workspace ${i}`, associations: associated })),
        },
      ],
    },
    workspaces: {
      applications: range(applications).map((i) => ({ id: fleetIds.applicationId(i), name: `Application ${i}` })),
      workspaces: range(n.workspaces).map((i): SeedWorkSpace => ({ id: fleetIds.workspaceId(i), userName: `user${dec(i, 6)}`, applications: apps })),
    },
  });
  const regions = o.regions ?? [o.region ?? 'us-east-1'];
  return { accounts: [{ id: o.accountId ?? '123456789012', regions: Object.fromEntries(regions.map((r) => [r, region()])) }] };
}

/**
 * A desired state (YAML, one file) for a world of buildFleetSeed: in each region, Connect
 * workspace 0 gets users 0..arns-1 and WorkSpaces 0..workspaces-1 get applications
 * 0..apps-1, additively. Against a seed with nothing associated, every item is one change.
 */
export function fleetDesiredState(o: { regions: string[]; arns: number; workspaces: number; apps: number }): string {
  const range = (k: number) => Array.from({ length: k }, (_, i) => i);
  return o.regions
    .flatMap((r) => [
      [
        'apiVersion: workspace-reconciler/v1',
        'kind: ConnectWorkspaceAssociations',
        `metadata: { name: fleet-connect-${r} }`,
        'spec:',
        `  region: ${r}`,
        `  instanceId: ${fleetIds.instanceId}`,
        `  workspaceId: ${fleetIds.connectWorkspaceId(0)}`,
        `  resourceArns: [${range(o.arns).map((i) => fleetIds.userArn(i, r)).join(', ')}]`,
      ].join('\n'),
      [
        'apiVersion: workspace-reconciler/v1',
        'kind: WorkSpaceApplications',
        `metadata: { name: fleet-workspaces-${r} }`,
        'spec:',
        `  region: ${r}`,
        `  workspaceIds: [${range(o.workspaces).map(fleetIds.workspaceId).join(', ')}]`,
        `  applicationIds: [${range(o.apps).map(fleetIds.applicationId).join(', ')}]`,
      ].join('\n'),
    ])
    .join('\n---\n') + '\n';
}
