/**
 * The CPU floor of one AWS call from this process, layer by layer, so the reconciler's CPU per
 * call (workloads.ts) can be read against what the AWS SDK and Node's HTTP client cost on their
 * own. One operation (DescribeWorkspaceAssociations, a small request and answer), 32 calls in
 * flight, the process's CPU time (`process.cpuUsage`) per call, best of 3 rounds after a warm-up:
 *
 * 1. the SDK's default client with the network taken away (a canned answer): its middleware,
 *    serialization, signing and parsing alone;
 * 2. the ClientFactory's client, the same way: what providers/clients.ts saves of that;
 * 3. the ClientFactory's client over loopback to the sandbox (in its own process): all of it;
 * 4. Node's http client over loopback, same request bytes, no SDK: the transport alone.
 */
import { request as httpRequest, Agent } from 'node:http';
import { DescribeWorkspaceAssociationsCommand, WorkSpacesClient } from '@aws-sdk/client-workspaces';
import { HttpResponse } from '@smithy/core/protocols';
import { ClientFactory } from '../src/providers/clients.js';
import { fleetIds } from '../src/sandbox/fleet.js';
import { SandboxChild } from './sandbox-process.js';

const REGION = 'us-east-1';
const CALLS = 5000;
const IN_FLIGHT = 32;
const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' };

const answer = Buffer.from(
  JSON.stringify({ Associations: [{ AssociatedResourceId: 'wsa-1', AssociatedResourceType: 'APPLICATION', State: 'COMPLETED', WorkspaceId: 'ws-1', Created: 1.7e9, LastUpdatedTime: 1.7e9 }] }),
);
/** A request handler that answers at once, without a network. */
const canned = {
  handle: async () => ({ response: new HttpResponse({ statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'r' }, body: answer }) }),
  destroy: () => undefined,
  updateHttpClientConfig: () => undefined,
  httpHandlerConfigs: () => ({}),
};

/** CPU ms per call of `call`, best of 3 rounds of CALLS calls with IN_FLIGHT at once, after one warm-up round. */
async function cpuPerCall(call: (i: number) => Promise<unknown>): Promise<number> {
  const round = async () => {
    let next = 0;
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next < CALLS) await call(next++);
    }));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / CALLS;
  };
  await round();
  return Math.min(await round(), await round(), await round());
}

const describe = (client: WorkSpacesClient) => (i: number) =>
  client.send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId: fleetIds.workspaceId(i % 100), AssociatedResourceTypes: ['APPLICATION'] }));

export async function runSdkCallBench(): Promise<void> {
  const sdkDefault = new WorkSpacesClient({ region: REGION, credentials, requestHandler: canned });
  const oursCanned = new ClientFactory({ overrides: { credentials, endpoint: 'http://127.0.0.1:9' } });
  const oursCannedClient = oursCanned.workspaces(REGION);
  // Read by the SDK when a command's middleware is first resolved: before the first call.
  (oursCannedClient.config as { requestHandler: unknown }).requestHandler = canned;

  const sandbox = await SandboxChild.start(
    { connectWorkspaces: 1, arnsPerWorkspace: 0, users: 1, routingProfiles: 1, workspaces: 100, appsPerWorkspace: 1, applications: 1 },
    { quotaScale: 100_000, stepDelayMs: 100 },
  );
  const ours = new ClientFactory({ overrides: { endpoint: sandbox.endpoint, credentials } });
  const url = new URL(sandbox.endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const body = JSON.stringify({ WorkspaceId: fleetIds.workspaceId(1), AssociatedResourceTypes: ['APPLICATION'] });
  const headers = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'WorkspacesService.DescribeWorkspaceAssociations',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/workspaces/aws4_request, SignedHeaders=host, Signature=0',
    'content-length': String(Buffer.byteLength(body)),
  };
  const raw = () =>
    new Promise<void>((resolve, reject) => {
      const req = httpRequest({ agent, host: url.hostname, port: url.port, method: 'POST', path: '/', headers }, (res) => {
        res.on('data', () => undefined);
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });

  const rows: [string, number][] = [];
  try {
    rows.push(['SDK default client, no network (canned answer)', await cpuPerCall(describe(sdkDefault))]);
    rows.push(['ClientFactory client, no network (canned answer)', await cpuPerCall(describe(oursCannedClient))]);
    rows.push(['ClientFactory client, loopback to the sandbox', await cpuPerCall(describe(ours.workspaces(REGION)))]);
    rows.push(["Node's http client alone, loopback, same request", await cpuPerCall(raw)]);
  } finally {
    sdkDefault.destroy();
    oursCanned.destroy();
    ours.destroy();
    agent.destroy();
    await sandbox.stop();
  }
  console.log('CPU per AWS call, DescribeWorkspaceAssociations, %d calls × best of 3, %d in flight (this process only; the sandbox has its own)', CALLS, IN_FLIGHT);
  for (const [label, ms] of rows) console.log('  %s %s ms', label.padEnd(50), ms.toFixed(3));
}
