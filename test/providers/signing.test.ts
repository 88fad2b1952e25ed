/**
 * Signing and the trimmed SDK middleware of the ClientFactory's clients (providers/clients.ts),
 * against a sandbox that verifies SigV4 as AWS does (sandbox/sigv4.ts): one signer per client
 * must sign every kind of call the providers make exactly as the SDK's own signer would, with the
 * credentials the client has now; the sandbox must refuse what AWS would refuse, or none of this
 * is shown; and the User-Agent built once must be the SDK's.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AddressInfo } from 'node:net';
import {
  AssociateWorkspaceCommand,
  DisassociateWorkspaceCommand,
  ListUsersCommand,
  ListWorkspacesCommand,
  SearchWorkspaceAssociationsCommand,
} from '@aws-sdk/client-connect';
import {
  AssociateWorkspaceApplicationCommand,
  DeployWorkspaceApplicationsCommand,
  DescribeApplicationAssociationsCommand,
  DescribeWorkspaceAssociationsCommand,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { ClientFactory, formatUserAgent } from '../../src/providers/clients.js';
import { VERSION } from '../../src/version.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { Sha256 } from '../../src/sandbox/sigv4.js';
import { INSTANCE, REGION, SUPPORT_FLOOR, agent } from './fixtures.js';

const KEY = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };


describe('signing: the clients sign every call as AWS verifies it (the sandbox checks SigV4)', () => {
  let sb: Sandbox;
  let factory: ClientFactory | undefined;
  beforeEach(async () => {
    sb = await startSandbox({ quotas: false, stepDelayMs: 0, secretKeys: { AKIDOTHER: 'other-secret' } });
  });
  afterEach(async () => {
    factory?.destroy();
    factory = undefined;
    await sb.close();
  });
  const clients = (credentials = KEY) => (factory = new ClientFactory({ maxAttempts: 1, overrides: { endpoint: sb.endpoint, credentials } }));

  it('every kind of call the providers make is accepted: Connect GET with a query and paging, POST with path labels, WorkSpaces JSON', async () => {
    const f = clients();
    const connect = f.connect(REGION);
    const workspaces = f.workspaces(REGION);
    // Paging: a next token (base64, with characters the query must escape) comes back signed.
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await connect.send(new ListUsersCommand({ InstanceId: INSTANCE, MaxResults: 3, NextToken }));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    assert.ok(pages > 2, `ListUsers paged (${pages} pages)`);
    await connect.send(new ListWorkspacesCommand({ InstanceId: INSTANCE }));
    await connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: [agent(1), agent(2)] }));
    await connect.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 10 }));
    await connect.send(new DisassociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: [agent(2)] }));
    await workspaces.send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId: 'ws-cc00000001', AssociatedResourceTypes: ['APPLICATION'] }));
    await workspaces.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-cc00000001', ApplicationId: 'wsa-office0001' }));
    await workspaces.send(new DeployWorkspaceApplicationsCommand({ WorkspaceId: 'ws-cc00000001' }));
    await workspaces.send(new DescribeApplicationAssociationsCommand({ ApplicationId: 'wsa-office0001', AssociatedResourceTypes: ['WORKSPACE'] }));
    assert.ok(sb.calls.length >= pages + 8);
    assert.deepEqual(sb.calls.filter((c) => c.status !== 200).map((c) => `${c.operation}: ${c.errorCode}`), []);
  });

  it('has teeth: a wrong secret is refused by both services with InvalidSignatureException, and the call does not act', async () => {
    const f = clients({ accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'not-the-secret' });
    await assert.rejects(f.connect(REGION).send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: [agent(3)] })), {
      name: 'InvalidSignatureException',
    });
    await assert.rejects(f.workspaces(REGION).send(new DeployWorkspaceApplicationsCommand({ WorkspaceId: 'ws-cc00000001' })), { name: 'InvalidSignatureException' });
    // 403 from Connect (restJson1), 400 from WorkSpaces (awsJson1_1), as each service answers.
    assert.deepEqual(sb.calls.map((c) => [c.service, c.status, c.errorCode]), [['connect', 403, 'InvalidSignatureException'], ['workspaces', 400, 'InvalidSignatureException']]);
    assert.ok(!sb.connectAssociations(REGION, INSTANCE, SUPPORT_FLOOR).includes(agent(3)));
  });

  it('has teeth: a signed header changed after signing is refused', async () => {
    const f = clients();
    const client = f.workspaces(REGION);
    client.middlewareStack.addRelativeTo(
      ((next: (a: unknown) => Promise<unknown>) => async (args: { request?: { headers?: Record<string, string> } }) => {
        if (args.request?.headers) args.request.headers['x-amz-user-agent'] += ' changed';
        return next(args);
      }) as never,
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamper', override: true },
    );
    await assert.rejects(client.send(new DescribeWorkspaceAssociationsCommand({ WorkspaceId: 'ws-cc00000001', AssociatedResourceTypes: ['APPLICATION'] })), {
      name: 'InvalidSignatureException',
    });
  });

  it('has teeth: a body changed after signing is refused, its signed hash header or not', async () => {
    const f = clients();
    const client = f.workspaces(REGION);
    client.middlewareStack.addRelativeTo(
      ((next: (a: unknown) => Promise<unknown>) => async (args: { request: { body: string | Uint8Array } }) => {
        // The same length, another application: what a proxy rewriting bodies would do.
        const text = typeof args.request.body === 'string' ? args.request.body : Buffer.from(args.request.body).toString('utf8');
        assert.ok(text.includes('wsa-office0001'));
        args.request.body = text.replace('wsa-office0001', 'wsa-chrome0001');
        return next(args);
      }) as never,
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamper', override: true },
    );
    await assert.rejects(client.send(new AssociateWorkspaceApplicationCommand({ WorkspaceId: 'ws-cc00000001', ApplicationId: 'wsa-office0001' })), { name: 'InvalidSignatureException' });
    assert.deepEqual(sb.calls.map((c) => c.errorCode), ['InvalidSignatureException']);
  });

  it('accepts any signed-header list that holds host, as AWS does (a hand-signed request that also signs user-agent)', async () => {
    const url = new URL(sb.endpoint);
    const body = JSON.stringify({ WorkspaceId: 'ws-cc00000001', AssociatedResourceTypes: ['APPLICATION'] });
    const request = new HttpRequest({
      method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', body,
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'WorkspacesService.DescribeWorkspaceAssociations', 'user-agent': 'hand-made/1.0' },
    });
    const signer = new SignatureV4({ credentials: KEY, region: REGION, service: 'workspaces', sha256: Sha256, applyChecksum: false });
    const signed = await signer.sign(request, { signableHeaders: new Set(['user-agent', 'content-type', 'x-amz-target']) });
    assert.match(String(signed.headers.authorization), /SignedHeaders=content-type;host;user-agent;x-amz-date;x-amz-target,/);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: signed.headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 200);
  });

  it('one signer per client signs with the credentials the client has now: a key rotated under a live client is used at once', async () => {
    let current = KEY;
    const f = (factory = new ClientFactory({
      maxAttempts: 1,
      // A provider whose credentials expire at once: the SDK asks it again on every call.
      overrides: { endpoint: sb.endpoint, credentials: (async () => ({ ...current, expiration: new Date(Date.now() - 1) })) as never },
    }));
    const client = f.connect(REGION);
    await client.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 1 }));
    current = { accessKeyId: 'AKIDOTHER', secretAccessKey: 'other-secret' };
    await client.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 1 }));
    // And the secret of the new key is the one used, not the old one with the new key's id.
    current = { accessKeyId: 'AKIDOTHER', secretAccessKey: 'sandbox-secret' };
    await assert.rejects(client.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 1 })), { name: 'InvalidSignatureException' });
    assert.deepEqual(sb.calls.map((c) => c.status), [200, 200, 403]);
  });
});

describe('the User-Agent, built once per client', () => {
  it("is the SDK's own, with this tool's name and version and the configured sections, less only the per-call feature codes (m/…)", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end('{"Associations":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const custom: [string, string][] = [['replica', 'pod a/1']];
    const f = new ClientFactory({ maxAttempts: 1, userAgent: custom, overrides: { endpoint, credentials: KEY } });
    const sdk = new WorkSpacesClient({ region: REGION, endpoint, credentials: KEY, customUserAgent: [['workspace-reconciler', VERSION], ...custom] });
    const input = { WorkspaceId: 'ws-1', AssociatedResourceTypes: ['APPLICATION' as const] };
    try {
      await f.workspaces(REGION).send(new DescribeWorkspaceAssociationsCommand(input));
      await f.workspaces(REGION).send(new DescribeWorkspaceAssociationsCommand(input));
      await sdk.send(new DescribeWorkspaceAssociationsCommand(input));
    } finally {
      f.destroy();
      sdk.destroy();
      server.close();
    }
    const [first, second, theirs] = seen as [IncomingHttpHeaders, IncomingHttpHeaders, IncomingHttpHeaders];
    const withoutFeatures = String(theirs['user-agent']).split(' ').filter((s) => !s.startsWith('m/')).join(' ');
    assert.equal(first['user-agent'], withoutFeatures);
    assert.equal(second['user-agent'], first['user-agent']);
    assert.match(String(first['user-agent']), / workspace-reconciler\/0\.\d+\.\d+ replica\/pod-a-1$/, 'this tool and its version, then the configured sections');
    assert.equal(first['x-amz-user-agent'], theirs['x-amz-user-agent']);
    assert.equal(first['x-amzn-trace-id'], undefined);
  });

  it('formats sections as the SDK does', () => {
    assert.equal(
      formatUserAgent([['aws-sdk-js', '3.1.0'], ['os/linux', '6.1 x'], ['lang/js'], ['api/WorkSpaces', '3.1.0'], ['md/a/b', 'v#1'], ['tool (x)', '1']]),
      'aws-sdk-js/3.1.0 os/linux#6.1-x lang/js api/workspaces#3.1.0 md/a/b#v#1 tool--x-/1',
    );
  });
});
