/**
 * The bench fleet's pieces shared by the benchmarks: its desired state as targets (every
 * Connect workspace wants the first N users, every WorkSpace the first M applications), and the
 * naive baseline a user would write by hand.
 */
import { AssociateWorkspaceCommand, type ConnectClient } from '@aws-sdk/client-connect';
import { AssociateWorkspaceApplicationCommand, DeployWorkspaceApplicationsCommand, type WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { connectKey, workspaceKey, type SourceLocation, type Target } from '../src/model/desired.js';
import { fleetIds } from '../src/sandbox/fleet.js';

export interface FleetShape {
  connectWorkspaces: number;
  arnsPerWorkspace: number;
  workspaces: number;
  appsPerWorkspace: number;
}

/** The bench fleet's desired state, in one region of the default account, prune off. */
export function desiredTargets(o: FleetShape, region: string): Target[] {
  const loc: SourceLocation = { file: 'bench', line: 1, col: 1 };
  const arns = Array.from({ length: o.arnsPerWorkspace }, (_, i) => fleetIds.userArn(i));
  const apps = Array.from({ length: o.appsPerWorkspace }, (_, i) => fleetIds.applicationId(i));
  const targets: Target[] = [];
  for (let w = 0; w < o.connectWorkspaces; w++) {
    const workspaceId = fleetIds.connectWorkspaceId(w);
    targets.push({
      type: 'connect', account: 'default', key: connectKey('default', region, fleetIds.instanceId, workspaceId), region,
      instanceId: fleetIds.instanceId, workspaceId, desired: new Map(arns.map((a) => [a, loc])), prune: false, documents: [],
    });
  }
  for (let w = 0; w < o.workspaces; w++) {
    const workspaceId = fleetIds.workspaceId(w);
    targets.push({
      type: 'workspaces', account: 'default', key: workspaceKey('default', region, workspaceId), region, workspaceId,
      desired: new Map(apps.map((a) => [a, loc])), prune: false, documents: [],
    });
  }
  return targets;
}

/**
 * What a user would write by hand, for the benchmarks' naive baseline: one call per item, in
 * sequence, the SDK's default retries, errors ignored, no observation. Returns the items sent.
 */

export async function naiveLoop(
  clients: { connect: ConnectClient; workspaces: WorkSpacesClient },
  o: FleetShape,
): Promise<number> {
  let items = 0;
  for (let w = 0; w < o.connectWorkspaces; w++) {
    for (let i = 0; i < o.arnsPerWorkspace; i++) {
      await clients.connect.send(new AssociateWorkspaceCommand({ InstanceId: fleetIds.instanceId, WorkspaceId: fleetIds.connectWorkspaceId(w), ResourceArns: [fleetIds.userArn(i)] })).catch(() => undefined);
      items++;
    }
  }
  for (let w = 0; w < o.workspaces; w++) {
    for (let a = 0; a < o.appsPerWorkspace; a++) {
      await clients.workspaces.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: fleetIds.workspaceId(w), ApplicationId: fleetIds.applicationId(a) })).catch(() => undefined);
      items++;
    }
    await clients.workspaces.send(new DeployWorkspaceApplicationsCommand({ WorkspaceId: fleetIds.workspaceId(w) })).catch(() => undefined);
  }
  return items;
}
