/**
 * `npm run bench -- export`: what an export costs, against the sandbox at its default quotas (in
 * process), through the real limiter, providers and SDK clients, with the CLI's defaults
 * (Connect 2/s burst 5, WorkSpaces 5/s burst 10). Minimums come from the API's page sizes:
 *   Connect, 50 workspaces × 200 users = 10,000 associations, --names: ⌈50 / 100⌉ ListWorkspaces,
 *     ⌈10,000 / 500⌉ SearchWorkspaceAssociations, ⌈1,100 / 1,000⌉ ListUsers; no ListRoutingProfiles
 *     (no routing profile is associated);
 *   WorkSpaces, a directory of 200 WorkSpaces × 3 applications, --names: ⌈200 / 25⌉
 *     DescribeWorkspaces, 200 DescribeWorkspaceAssociations (the API has no batch form),
 *     ⌈8 / 25⌉ DescribeApplications.
 */
import { exportConnect } from '../src/export/connect.js';
import { renderDocuments } from '../src/export/document.js';
import { exportWorkSpaces } from '../src/export/workspaces.js';
import { ClientFactory } from '../src/providers/clients.js';
import { ConnectProvider } from '../src/providers/connect/index.js';
import { ConnectLookupAws } from '../src/providers/connect/lookup.js';
import { WorkSpacesProvider } from '../src/providers/workspaces/index.js';
import { WorkSpacesLookupAws } from '../src/providers/workspaces/lookup.js';
import { RateLimiter } from '../src/reconciler/ratelimit.js';
import { buildFleetSeed, fleetIds, startSandbox } from '../src/sandbox/index.js';

const CONNECT_WORKSPACES = 50;
const USERS_PER_WORKSPACE = 200;
const WORKSPACES = 200;

export async function runExportBench(): Promise<void> {
  const seed = buildFleetSeed({ connectWorkspaces: CONNECT_WORKSPACES, arnsPerWorkspace: USERS_PER_WORKSPACE, users: 1_100, workspaces: WORKSPACES, appsPerWorkspace: 3 });
  const sb = await startSandbox({ seed });
  try {
    const clients = new ClientFactory({ overrides: { endpoint: sb.endpoint, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' } } });
    const limiter = new RateLimiter({ observeOnly: true });
    const deps = {
      lookups: { connect: new ConnectLookupAws({ clients, gate: limiter }), workspaces: new WorkSpacesLookupAws({ clients, gate: limiter }) },
      providers: { connect: new ConnectProvider({ clients, gate: limiter }), workspaces: new WorkSpacesProvider({ clients, gate: limiter }) },
    };
    const count = (op: string) => sb.calls.filter((c) => c.operation === op && c.status === 200).length;
    const run = async (what: string, minimum: Record<string, number>, bound: number, go: () => ReturnType<typeof exportConnect>) => {
      sb.resetCalls();
      const cpu = process.cpuUsage();
      const started = performance.now();
      const r = await go();
      const text = renderDocuments(r.documents, 'schema.json', r.header);
      const wall = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      console.log(what);
      for (const [op, min] of Object.entries(minimum)) console.log(`  ${op.padEnd(30)} ${String(count(op)).padStart(4)} calls (minimum ${min})`);
      const total = sb.calls.length;
      const min = Object.values(minimum).reduce((a, b) => a + b, 0);
      const throttled = sb.calls.filter((c) => c.throttled).length;
      console.log(`  calls ${total} / minimum ${min} · throttled ${throttled} · wall ${wall.toFixed(1)} s / rate-limit bound ${bound.toFixed(1)} s · CPU ${((used.user + used.system) / 1000).toFixed(0)} ms · ${r.documents.length} documents, ${(text.length / 1024).toFixed(0)} KiB of YAML`);
    };
    // The slowest queue bounds the time: after its burst, one call per 1/rate seconds.
    const searchPages = Math.ceil((CONNECT_WORKSPACES * USERS_PER_WORKSPACE) / 500);
    await run(
      `export connect --names: ${CONNECT_WORKSPACES} workspaces × ${USERS_PER_WORKSPACE} users`,
      { ListWorkspaces: 1, SearchWorkspaceAssociations: searchPages, ListUsers: 2 },
      (searchPages - 5) / 2,
      () => exportConnect({ region: 'us-east-1', instanceId: fleetIds.instanceId, workspaces: [], names: true, prune: true }, deps),
    );
    await run(
      `export workspaces --directory --names: ${WORKSPACES} WorkSpaces × 3 applications`,
      { DescribeWorkspaces: Math.ceil(WORKSPACES / 25), DescribeWorkspaceAssociations: WORKSPACES, DescribeApplications: 1 },
      (WORKSPACES - 10) / 5,
      () => exportWorkSpaces({ region: 'us-east-1', directoryId: 'd-0000000000', names: true, prune: true }, deps),
    );
    limiter.close();
    clients.destroy();
  } finally {
    await sb.close();
  }
}
