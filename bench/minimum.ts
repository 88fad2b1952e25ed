/**
 * The fewest AWS calls that can bring a world to its desired state, from the API's rules alone
 * (aws-api.md), never from what the reconciler does:
 *
 * - Observe Connect with the cheaper of one scan of the instance (500 per page) and one filtered
 *   search per workspace (at least one page each).
 * - Observe WorkSpaces with the cheaper of one DescribeWorkspaceAssociations per WorkSpace and the
 *   application-side view (DescribeApplicationAssociations, 25 per page, per application).
 * - Add Connect associations in batches of 25 ARNs per workspace.
 * - Per WorkSpace, one AssociateWorkspaceApplication per missing application and one
 *   DeployWorkspaceApplications.
 * - Poll: at the sandbox's deployment timing (two steps) a deployment is finished one poll
 *   interval later, so every deployed WorkSpace must be observed once more, after its
 *   deployment, with the cheaper view of the world as it ends.
 */
const CONNECT_PAGE = 500;
const CONNECT_BATCH = 25;
const APP_PAGE = 25;

export interface MinimumWorld {
  /** Per Connect workspace (all of one instance): ARNs it has of those wanted, and ARNs wanted. */
  connect: { has: number; wants: number }[];
  /** Per WorkSpace: applications it has (COMPLETED) of those wanted, and applications wanted (each WorkSpace the same ones). */
  workspaces: { has: number; wants: number }[];
  /** Applications listed (the same on every WorkSpace). */
  applications: number;
}

const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

export function minimumCalls(w: MinimumWorld): { total: number; byOperation: Record<string, number>; observation: number } {
  const byOperation: Record<string, number> = {};
  const add = (op: string, n: number) => n > 0 && (byOperation[op] = (byOperation[op] ?? 0) + n);

  // Connect: observe once (associations take effect at once), then the missing ARNs in 25s.
  const instanceTotal = w.connect.reduce((n, c) => n + c.has, 0);
  const scan = pages(instanceTotal, CONNECT_PAGE);
  const filtered = w.connect.reduce((n, c) => n + pages(c.has, CONNECT_PAGE), 0);
  const connectObservation = w.connect.length === 0 ? 0 : Math.min(scan, filtered);
  add('SearchWorkspaceAssociations', connectObservation);
  add('AssociateWorkspace', w.connect.reduce((n, c) => n + (c.wants > c.has ? Math.ceil((c.wants - c.has) / CONNECT_BATCH) : 0), 0));

  // WorkSpaces: each listed application is on the WorkSpaces that have it (the same ones on each).
  const view = (perApplication: number[]) => Math.min(w.workspaces.length, perApplication.reduce((n, k) => n + pages(k, APP_PAGE), 0));
  const initialPerApp = Array.from({ length: w.applications }, (_, a) => w.workspaces.filter((x) => x.has > a).length);
  const finalPerApp = Array.from({ length: w.applications }, (_, a) => w.workspaces.filter((x) => Math.max(x.has, x.wants) > a).length);
  const workspacesObservation = w.workspaces.length === 0 ? 0 : view(initialPerApp);
  const deployed = w.workspaces.filter((x) => x.wants > x.has);
  const observeOp = (perApp: number[]) => (view(perApp) < w.workspaces.length ? 'DescribeApplicationAssociations' : 'DescribeWorkspaceAssociations');
  add(observeOp(initialPerApp), workspacesObservation);
  add('AssociateWorkspaceApplication', deployed.reduce((n, x) => n + (x.wants - x.has), 0));
  add('DeployWorkspaceApplications', deployed.length);
  if (deployed.length > 0) {
    const polls = Math.min(deployed.length, finalPerApp.reduce((n, k) => n + pages(k, APP_PAGE), 0));
    add(polls < deployed.length ? 'DescribeApplicationAssociations' : 'DescribeWorkspaceAssociations', polls);
  }
  const total = Object.values(byOperation).reduce((a, b) => a + b, 0);
  return { total, byOperation, observation: connectObservation + workspacesObservation };
}
