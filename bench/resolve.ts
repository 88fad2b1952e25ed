/**
 * `npm run bench -- resolve`: what resolving names and selectors costs, against the sandbox at
 * its default quotas (in process), through the real limiter and SDK clients. Minimums come from
 * the API's page sizes, not from what the resolver does:
 *   500 usernames + 20 routing-profile names on an instance of 10,000 users and 200 profiles:
 *     ⌈10,000 / 1,000⌉ ListUsers + 1 ListRoutingProfiles (+ 1 ListWorkspaces for the workspace name);
 *   a directory selector over 2,000 WorkSpaces: ⌈2,000 / 25⌉ DescribeWorkspaces (+ 1 DescribeApplications).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDesiredState } from '../src/config/index.js';
import { ClientFactory } from '../src/providers/clients.js';
import { ConnectLookupAws } from '../src/providers/connect/lookup.js';
import { WorkSpacesLookupAws } from '../src/providers/workspaces/lookup.js';
import { RateLimiter } from '../src/reconciler/ratelimit.js';
import { resolveDesired } from '../src/resolve/index.js';
import { buildFleetSeed, fleetIds, startSandbox } from '../src/sandbox/index.js';

const USERS = 10_000;
const PROFILES = 200;
const WORKSPACES = 2_000;

export async function runResolveBench(): Promise<void> {
  const sb = await startSandbox({ seed: buildFleetSeed({ connectWorkspaces: 1, arnsPerWorkspace: 0, users: USERS, routingProfiles: PROFILES, workspaces: WORKSPACES, appsPerWorkspace: 0 }) });
  const dir = await mkdtemp(join(tmpdir(), 'bench-resolve-'));
  try {
    const names = Array.from({ length: 500 }, (_, i) => `user${String(i * 20).padStart(6, '0')}`);
    const profiles = Array.from({ length: 20 }, (_, i) => `Profile ${i * 10}`);
    await writeFile(join(dir, 'desired.yaml'), [
      'apiVersion: workspace-reconciler/v1', 'kind: ConnectWorkspaceAssociations', 'metadata: {name: by-name}', 'spec:',
      '  region: us-east-1', `  instanceId: ${fleetIds.instanceId}`, '  workspaceName: Workspace 0',
      `  users: [${names.join(', ')}]`, `  routingProfiles: [${profiles.map((p) => `'${p}'`).join(', ')}]`,
      '---',
      'apiVersion: workspace-reconciler/v1', 'kind: WorkSpaceApplications', 'metadata: {name: by-directory}', 'spec:',
      '  region: us-east-1', '  workspaces: [{directoryId: d-0000000000}]', "  applications: ['Application 0']", '',
    ].join('\n'));
    const loaded = await loadDesiredState([dir]);
    if (!loaded.state) throw new Error(loaded.errors.map((e) => e.message).join('; '));
    const clients = new ClientFactory({ overrides: { endpoint: sb.endpoint, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' } } });
    const limiter = new RateLimiter();
    const o = { connect: new ConnectLookupAws({ clients, gate: limiter }), workspaces: new WorkSpacesLookupAws({ clients, gate: limiter }) };
    const cpu = process.cpuUsage();
    const started = performance.now();
    const r = await resolveDesired(loaded.state, o);
    const wall = (performance.now() - started) / 1000;
    const cpuMs = (process.cpuUsage(cpu).user + process.cpuUsage(cpu).system) / 1000;
    limiter.close();
    clients.destroy();
    const count = (op: string) => sb.calls.filter((c) => c.operation === op && c.status === 200).length;
    const throttled = sb.calls.filter((c) => c.throttled).length;
    const connect = r.targets.find((t) => t.type === 'connect');
    const minimum = { ListUsers: Math.ceil(USERS / 1000), ListRoutingProfiles: Math.ceil(PROFILES / 1000), ListWorkspaces: 1, DescribeWorkspaces: Math.ceil(WORKSPACES / 25), DescribeApplications: 1 };
    console.log('resolve: 500 usernames + 20 routing-profile names (10,000 users, 200 profiles); a directory selector over 2,000 WorkSpaces; sandbox default quotas');
    for (const [op, min] of Object.entries(minimum)) console.log(`  ${op.padEnd(22)} ${String(count(op)).padStart(4)} calls (minimum ${min})`);
    const total = Object.keys(minimum).reduce((n, op) => n + count(op), 0);
    const min = Object.values(minimum).reduce((a, b) => a + b, 0);
    // The slowest operation bounds the time: DescribeWorkspaces at 5/s after a burst of 10.
    const bound = (minimum.DescribeWorkspaces - 10) / 5;
    console.log(`  calls ${total} / minimum ${min} = ${(total / min).toFixed(3)} · throttled ${throttled} · wall ${wall.toFixed(1)} s / rate-limit bound ${bound.toFixed(1)} s = ${(wall / bound).toFixed(2)} · CPU ${(cpuMs / total).toFixed(2)} ms per call`);
    console.log(`  resolved: ${connect?.desired.size ?? 0} Connect items (500 users + 20 profiles expected), ${r.targets.filter((t) => t.type === 'workspaces').length} WorkSpaces targets (2,000 expected), ${r.failures.length} failures`);
  } finally {
    await sb.close();
    await rm(dir, { recursive: true, force: true });
  }
  await runFewNamesBench();
}

/**
 * A handful of usernames on a big instance: 3 names on 100,000 users, resolved with the scan
 * (a gate that offers no limits to weigh, so ConnectLookupAws scans as it always did) and with
 * the look-ups the cost function picks (src/providers/connect/lookup-cost.ts), at the sandbox's
 * default quotas through the real limiter.
 */
async function runFewNamesBench(): Promise<void> {
  const users = 100_000;
  const sb = await startSandbox({ seed: buildFleetSeed({ connectWorkspaces: 1, arnsPerWorkspace: 0, users, workspaces: 0, appsPerWorkspace: 0 }) });
  const dir = await mkdtemp(join(tmpdir(), 'bench-resolve-few-'));
  try {
    const names = [12_345, 54_321, 99_999].map((i) => `user${String(i).padStart(6, '0')}`);
    await writeFile(join(dir, 'desired.yaml'), [
      'apiVersion: workspace-reconciler/v1', 'kind: ConnectWorkspaceAssociations', 'metadata: {name: few}', 'spec:',
      '  region: us-east-1', `  instanceId: ${fleetIds.instanceId}`, `  workspaceId: ${fleetIds.connectWorkspaceId(0)}`, `  users: [${names.join(', ')}]`, '',
    ].join('\n'));
    const loaded = await loadDesiredState([dir]);
    if (!loaded.state) throw new Error(loaded.errors.map((e) => e.message).join('; '));
    console.log('resolve: 3 usernames on an instance of 100,000 users; sandbox default quotas (ListUsers 10/s, SearchUsers 2/s)');
    for (const how of ['scan', 'look-ups'] as const) {
      const clients = new ClientFactory({ overrides: { endpoint: sb.endpoint, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' } } });
      const limiter = new RateLimiter();
      // A gate without limitOf: nothing to weigh, so the scan.
      const gate = how === 'scan' ? { call: limiter.call.bind(limiter) } : limiter;
      const o = { connect: new ConnectLookupAws({ clients, gate }), workspaces: new WorkSpacesLookupAws({ clients, gate }) };
      const mark = sb.calls.length;
      const started = performance.now();
      const r = await resolveDesired(loaded.state, o);
      const wall = (performance.now() - started) / 1000;
      limiter.close();
      clients.destroy();
      const calls = sb.calls.slice(mark);
      const byOp = (op: string) => calls.filter((c) => c.operation === op).length;
      console.log(
        `  ${how.padEnd(8)} ${String(calls.length).padStart(3)} calls (ListUsers ${byOp('ListUsers')}, SearchUsers ${byOp('SearchUsers')}) · throttled ${calls.filter((c) => c.throttled).length} · wall ${wall.toFixed(2)} s · resolved ${r.targets[0]?.desired.size ?? 0} of 3`,
      );
    }
  } finally {
    await sb.close();
    await rm(dir, { recursive: true, force: true });
  }
}
