/**
 * A by-hand throughput measurement of the sandbox (not a test): the real SDK clients against a sandbox
 * seeded with 100,000 Connect associations and 6,000 WorkSpaces associations, quotas off. The sandbox
 * runs in a child process so that the clients' signing and parsing do not share its thread.
 *
 *   npx tsx src/sandbox/bench.ts [seconds=5] [concurrency=32]
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { AssociateWorkspaceCommand, ConnectClient, DisassociateWorkspaceCommand, paginateSearchWorkspaceAssociations, SearchWorkspaceAssociationsCommand } from '@aws-sdk/client-connect';
import { DescribeWorkspaceAssociationsCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { buildFleetSeed, fleetIds } from './fleet.js';
import { startSandbox } from './index.js';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 32);

if (process.argv[2] === 'serve') {
  const t0 = performance.now();
  const sb = await startSandbox({
    quotas: false,
    callLogLimit: 1000,
    seed: buildFleetSeed({ connectWorkspaces: 200, arnsPerWorkspace: 500, users: 1000, workspaces: 2000, appsPerWorkspace: 3 }),
  });
  console.log(`seeded 100,000 Connect + 6,000 WorkSpaces associations in ${Math.round(performance.now() - t0)} ms`);
  console.log(`ENDPOINT ${sb.endpoint}`);
  process.once('SIGTERM', () => void sb.close());
} else {
  await measure();
}

async function measure(): Promise<void> {
const server = spawn(process.execPath, [...process.execArgv, process.argv[1], 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
const endpoint = await new Promise<string>((resolve) => {
  let out = '';
  server.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /ENDPOINT (\S+)/.exec(out);
    if (m) {
      process.stdout.write(out.split('\n')[0] + '\n');
      resolve(m[1]);
    }
  });
});
const config = { region: 'us-east-1', endpoint, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'x' }, maxAttempts: 1 };
const connect = new ConnectClient(config);
const workspaces = new WorkSpacesClient(config);
const I = fleetIds.instanceId;

type Op = (i: number) => Promise<unknown>;
const ops: Record<string, Op> = {
  'SearchWorkspaceAssociations (one workspace, 100/page)': (i) =>
    connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: I, MaxResults: 100, SearchCriteria: { StringCondition: { FieldName: 'WorkspaceId', Value: fleetIds.connectWorkspaceId(i % 200), ComparisonType: 'EXACT' } } })),
  'AssociateWorkspace + DisassociateWorkspace (25 ARNs)': async (i) => {
    const arns = Array.from({ length: 25 }, (_, k) => fleetIds.userArn(500 + ((i * 25 + k) % 500)));
    const w = fleetIds.connectWorkspaceId(i % 200);
    await connect.send(new AssociateWorkspaceCommand({ InstanceId: I, WorkspaceId: w, ResourceArns: arns }));
    await connect.send(new DisassociateWorkspaceCommand({ InstanceId: I, WorkspaceId: w, ResourceArns: arns }));
  },
  DescribeWorkspaceAssociations: (i) => workspaces.send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId: fleetIds.workspaceId(i % 2000), AssociatedResourceTypes: ['APPLICATION'] })),
};

for (const [name, op] of Object.entries(ops)) {
  let requests = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await op(n++);
        requests += name.includes('+') ? 2 : 1;
      }
    }),
  );
  const rps = requests / ((performance.now() - start) / 1000);
  console.log(`${name}: ${Math.round(rps)} requests/s (${requests} requests, concurrency ${concurrency})`);
}

// The same search over raw keep-alive HTTP (no SDK signing or parsing): the sandbox's own capacity.
{
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = { 'content-type': 'application/json', authorization: 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/connect/aws4_request, Signature=0' };
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request(`${endpoint}/search-workspace-associations`, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  let requests = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      await post(JSON.stringify({ InstanceId: I, MaxResults: 100, SearchCriteria: { StringCondition: { FieldName: 'WorkspaceId', Value: fleetIds.connectWorkspaceId(requests % 200), ComparisonType: 'EXACT' } } }));
      requests++;
    }
  }));
  console.log(`SearchWorkspaceAssociations over raw HTTP (no SDK): ${Math.round(requests / ((performance.now() - start) / 1000))} requests/s`);
  agent.destroy();
}

const scanStart = performance.now();
let items = 0;
let pages = 0;
for await (const page of paginateSearchWorkspaceAssociations({ client: connect, pageSize: 500 }, { InstanceId: I })) {
  items += page.WorkspaceAssociations?.length ?? 0;
  pages++;
}
console.log(`full scan: ${items} associations in ${pages} pages of 500, ${Math.round(performance.now() - scanStart)} ms`);
server.kill('SIGTERM');
}
