/**
 * What a user would write by hand, for the benchmarks' naive baseline: one call per item, in
 * sequence, the SDK's default retries, errors ignored, no observation. Returns the items sent.
 */
import { AssociateWorkspaceCommand, type ConnectClient } from '@aws-sdk/client-connect';
import { AssociateWorkspaceApplicationCommand, DeployWorkspaceApplicationsCommand, type WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { fleetIds } from '../src/sandbox/fleet.js';

export async function naiveLoop(
  clients: { connect: ConnectClient; workspaces: WorkSpacesClient },
  o: { connectWorkspaces: number; arnsPerWorkspace: number; workspaces: number; appsPerWorkspace: number },
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
