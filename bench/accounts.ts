/**
 * Many accounts from one process, at their real quotas: N accounts, each reached by AssumeRole
 * from the process's own credentials, each holding one Connect workspace that wants 100 users and
 * 10 WorkSpaces that want 2 applications each, from nothing associated. The sandbox (its own
 * process) applies AWS's default quotas per account and operation (Connect 2/s burst 5,
 * WorkSpaces 5/s burst 10); the reconciler runs with its default limits, which match them.
 *
 * Printed: calls (and AssumeRoles), throttled answers, wall time against the slowest account's
 * rate-limit bound, the reconciler process's CPU time per AWS call, and its CPU use over the run
 * (CPU time / wall time): the share of one core that N accounts at their quotas take, which
 * says how many accounts one process can drive.
 */
import { DescribeWorkspaceAssociationsCommand } from '@aws-sdk/client-workspaces';
import { connectKey, workspaceKey, type AccountSpec, type SourceLocation, type Target } from '../src/model/desired.js';
import { ClientFactory } from '../src/providers/clients.js';
import { createProviders } from '../src/providers/index.js';
import { RateLimiter } from '../src/reconciler/ratelimit.js';
import { Reconciler } from '../src/reconciler/reconciler.js';
import { fleetIds, type FleetOptions } from '../src/sandbox/index.js';
import { accountIds, ROLE_NAME } from './accounts-world.js';
import { SandboxChild } from './sandbox-process.js';

const REGION = 'us-east-1';
const STEP_MS = 100;
const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

export interface AccountsBenchOptions {
  accounts: number;
  arns: number;
  workspaces: number;
  apps: number;
}
export const DEFAULT_ACCOUNTS_BENCH: AccountsBenchOptions = { accounts: 100, arns: 100, workspaces: 10, apps: 2 };

function targetsOf(o: AccountsBenchOptions, accounts: readonly string[]): Target[] {
  const loc: SourceLocation = { file: 'bench', line: 1, col: 1 };
  const range = (k: number) => Array.from({ length: k }, (_, i) => i);
  return accounts.flatMap((account): Target[] => [
    {
      type: 'connect', account, key: connectKey(account, REGION, fleetIds.instanceId, fleetIds.connectWorkspaceId(0)), region: REGION,
      instanceId: fleetIds.instanceId, workspaceId: fleetIds.connectWorkspaceId(0),
      desired: new Map(range(o.arns).map((i) => [fleetIds.userArn(i, REGION, account), loc])), prune: false, documents: [],
    },
    ...range(o.workspaces).map((w): Target => ({
      type: 'workspaces', account, key: workspaceKey(account, REGION, fleetIds.workspaceId(w)), region: REGION, workspaceId: fleetIds.workspaceId(w),
      desired: new Map(range(o.apps).map((a) => [fleetIds.applicationId(a), loc])), prune: false, documents: [],
    })),
  ]);
}

export async function runAccountsBench(o: AccountsBenchOptions = DEFAULT_ACCOUNTS_BENCH): Promise<void> {
  const accounts = accountIds(o.accounts);
  const fleet: FleetOptions = { connectWorkspaces: 1, arnsPerWorkspace: 0, users: o.arns, routingProfiles: 1, workspaces: o.workspaces, appsPerWorkspace: 0, applications: o.apps };
  const sandbox = await SandboxChild.start(fleet, { quotaScale: 1, stepDelayMs: STEP_MS, accounts });
  const clients = new ClientFactory({ stsRegion: REGION, overrides: { endpoint: sandbox.endpoint, credentials } });
  const at = { file: 'bench', line: 1, col: 1 };
  const specs: AccountSpec[] = accounts.map((id) => ({ name: `account-${id}`, id, roleArn: `arn:aws:iam::${id}:role/${ROLE_NAME}`, sessionName: 'workspace-reconciler', location: at }));
  clients.setAccounts(specs);
  const limiter = new RateLimiter();
  const reconciler = new Reconciler({ providers: createProviders({ clients, gate: limiter }), pollIntervalMs: 3 * STEP_MS, workers: 256 });
  // One call first (the SDK loads most of its code on a client's first call, once per process).
  await clients.workspaces(REGION, accounts[0]).send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId: fleetIds.workspaceId(0), AssociatedResourceTypes: ['APPLICATION'] }));
  await sandbox.reset();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  reconciler.setTargets(targetsOf(o, accounts));
  reconciler.start();
  await reconciler.whenSettled();
  await reconciler.stop();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const converged = [...reconciler.targetStates()].every((s) => s.status === 'converged');
  const stats = await sandbox.stats();
  limiter.close();
  clients.destroy();
  await sandbox.stop();
  const cpuMs = (used.user + used.system) / 1000;
  const assumeRoles = stats.byOperation.AssumeRole ?? 0;
  const aws = stats.total - assumeRoles;
  // Per account, the slowest operation: AssociateWorkspaceApplication, apps × WorkSpaces calls at
  // 5/s, of which half the burst (5) the limiter spends at once.
  const bound = Math.max(0, (o.apps * o.workspaces - 5) / 5);
  console.log(
    'accounts: %d accounts × (1 Connect workspace × %d users + %d WorkSpaces × %d applications) from nothing, each by AssumeRole, at the default quotas per account (sandbox in its own process)',
    o.accounts, o.arns, o.workspaces, o.apps,
  );
  console.log('  calls %d AWS + %d AssumeRole, %d throttled, converged %s', aws, assumeRoles, stats.throttled, converged ? 'yes' : 'NO');
  console.log('  wall %s s (one account alone is bound by %s s of AssociateWorkspaceApplication at 5/s)', (wallMs / 1000).toFixed(1), bound.toFixed(1));
  console.log('  CPU %s ms per AWS call; CPU use %s %% of one core over the run (%s calls/s)', (cpuMs / Math.max(1, stats.total)).toFixed(3), ((100 * cpuMs) / wallMs).toFixed(0), (stats.total / (wallMs / 1000)).toFixed(0));
  console.log('    by operation %s', JSON.stringify(stats.byOperation));
}
