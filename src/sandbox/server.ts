/**
 * The HTTP front: one server for both services. `x-amz-target` → WorkSpaces, otherwise Connect by
 * method + path. Order per request, as at AWS: authentication scope → route → quota → faults →
 * body → operation. Every answer carries `x-amzn-RequestId`. The signature of a request signed
 * with a key whose secret the sandbox knows (its own AKIDSANDBOX, `secretKeys`, every session it
 * issued) is verified as AWS verifies it (sigv4.ts); the authorization header is never logged or
 * recorded.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallLog, CallRecord } from './calls.js';
import { handleConnect, routeConnect } from './connect-api.js';
import type { CallContext } from './context.js';
import { ApiError, type ServiceName } from './errors.js';
import type { FaultBook, ProbabilisticFault } from './faults.js';
import type { QuotaBook } from './quotas.js';
import { handleWorkSpaces, isWorkSpacesOperation } from './workspaces-api.js';
import type { StepContext } from './workspaces-state.js';
import type { World } from './world.js';
import { callerRefused, handleSts, StsError, stsErrorXml, stsFault, type StsOptions } from './sts.js';
import { signatureProblem } from './sigv4.js';

export interface ServerDeps {
  world: World;
  faults: FaultBook;
  quotas: QuotaBook;
  step: StepContext;
  now: () => number;
  calls: CallLog;
  /** STS settings (seed `sts:`). Default none. */
  sts?: StsOptions;
}

const MAX_BODY = 10 * 1024 * 1024;
const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;
const LABELS: Record<string, string[]> = {
  AssociateWorkspace: ['InstanceId', 'WorkspaceId'],
  DisassociateWorkspace: ['InstanceId', 'WorkspaceId'],
  DescribeWorkspace: ['InstanceId', 'WorkspaceId'],
  ListWorkspaces: ['InstanceId'],
  ListUsers: ['InstanceId'],
  ListRoutingProfiles: ['InstanceId'],
  DescribeUser: ['InstanceId', 'UserId'],
};

function err(service: ServiceName, code: string, message: string): ApiError {
  return new ApiError(service, code, message);
}

function throttling(service: ServiceName): ApiError {
  return err(service, 'ThrottlingException', 'Rate exceeded');
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(service: ServiceName, text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw err(service, 'SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw err(service, 'SerializationException', 'The request body must be a JSON object.');
  return v as Record<string, unknown>;
}

export function createRequestHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    serve(deps, req, res).catch((e: unknown) => {
      // Only reached if writing the answer itself failed (client gone); nothing left to tell anyone.
      if (!res.headersSent) res.destroy(e as Error);
    });
  };
}

async function serve(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const scope = CREDENTIAL.exec(String(req.headers.authorization ?? ''));
  if (scope?.[3] === 'sts') return serveSts(deps, req, res, requestId, scope[1]!, scope[2]!);
  const target = req.headers['x-amz-target'];
  const service: ServiceName = target !== undefined ? 'workspaces' : 'connect';
  const rec: CallRecord = { service, operation: 'Unknown', region: '', accountId: '', status: 0, throttled: false, time: deps.now(), requestId, input: {} };
  if (typeof req.headers['user-agent'] === 'string') rec.userAgent = req.headers['user-agent'];
  try {
    const raw = await readBody(req).catch(() => {
      throw err(service, 'SerializationException', 'The request body could not be read or is larger than 10 MiB.');
    });
    const text = raw.toString('utf8');
    const auth = CREDENTIAL.exec(String(req.headers.authorization ?? ''));
    if (auth === null) throw err(service, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const [, accessKeyId, region, scopeService] = auth;
    rec.region = region!;
    const caller = deps.world.identify(accessKeyId!, header(req, 'x-amz-security-token'), deps.now());
    if (!caller.ok) {
      if (caller.reason === 'expired') throw err(service, 'ExpiredTokenException', 'The security token included in the request is expired');
      throw err(service, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    const account = caller.account;
    rec.accountId = account.id;
    const bad = await signatureRefused(deps, req, raw, accessKeyId!);
    if (bad !== undefined) throw err(service, 'InvalidSignatureException', bad);
    if (scopeService !== service) throw err(service, 'InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`);

    const url = new URL(req.url ?? '/', 'http://sandbox');
    let run: (ctx: CallContext, body: Record<string, unknown>) => unknown;
    if (service === 'workspaces') {
      const op = String(target).startsWith('WorkspacesService.') ? String(target).slice('WorkspacesService.'.length) : '';
      if (req.method !== 'POST' || !isWorkSpacesOperation(op)) throw err(service, 'UnknownOperationException', `Unknown operation ${String(target)}`);
      rec.operation = op;
      run = (ctx, body) => handleWorkSpaces(op, ctx, body);
    } else {
      let segments: string[];
      try {
        segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
      } catch {
        throw err(service, 'UnknownOperationException', 'Malformed path');
      }
      const route = routeConnect(req.method ?? '', segments);
      if (route === undefined) throw err(service, 'UnknownOperationException', `No operation for ${req.method} ${url.pathname}`);
      rec.operation = route.operation;
      (LABELS[route.operation] ?? []).forEach((name, i) => (rec.input[name] = route.labels[i]));
      for (const [k, v] of url.searchParams) rec.input[k] = v;
      run = (ctx, body) => handleConnect(route, ctx, url.searchParams, body);
    }

    if (!deps.quotas.take(account.id, region, service, rec.operation)) {
      rec.throttled = true;
      throw throttling(service);
    }
    if (deps.faults.latencyMs > 0) await sleep(deps.faults.latencyMs);
    const unanswered = injectFault(deps, deps.faults.draw(rec.operation), rec, req, {
      throttle: () => throttling(service),
      internal: () => err(service, service === 'connect' ? 'InternalServiceException' : 'InternalServerException', 'Injected internal error'),
    });
    if (unanswered) return;
    const scripted = deps.faults.scriptedError(service, rec.operation);
    if (scripted !== undefined) {
      rec.fault = 'scripted';
      throw err(service, scripted.code, scripted.message ?? `Injected ${scripted.code}`);
    }

    const body = parseJson(service, text);
    Object.assign(rec.input, body);
    const ctx: CallContext = { account, region, state: deps.world.region(account, region), faults: deps.faults, step: deps.step, now: deps.now };
    const out = JSON.stringify(run(ctx, body));
    rec.status = 200;
    send(res, 200, { 'content-type': service === 'connect' ? 'application/json' : 'application/x-amz-json-1.1', 'x-amzn-RequestId': requestId }, out);
  } catch (e) {
    const api = e instanceof ApiError ? e : err(service, service === 'connect' ? 'InternalServiceException' : 'InternalServerException', `Sandbox failure: ${(e as Error).message}`);
    const w = api.wire();
    rec.status = w.status;
    rec.errorCode = api.code;
    send(res, w.status, { ...w.headers, 'x-amzn-RequestId': requestId }, w.body);
  } finally {
    deps.calls.add(rec);
  }
}

/**
 * A drawn probabilistic fault, or a scripted hang, applied to one call: throttling and internal
 * errors are thrown as the service answers them; true when the call is never answered (the socket
 * reset, or accepted and left open until the client's deadline or close()).
 */
function injectFault(
  deps: ServerDeps,
  fault: ProbabilisticFault | undefined,
  rec: CallRecord,
  req: IncomingMessage,
  answers: { throttle: () => Error; internal: () => Error },
): boolean {
  if (fault === 'throttle') {
    rec.throttled = true;
    rec.fault = 'throttle';
    throw answers.throttle();
  }
  if (fault === 'reset') {
    rec.fault = 'reset';
    rec.errorCode = 'ConnectionReset';
    req.socket.destroy();
    return true;
  }
  if (fault === 'hang' || deps.faults.scriptedHang(rec.operation)) {
    rec.fault = 'hang';
    rec.errorCode = 'Hang';
    return true;
  }
  if (fault === 'error') {
    rec.fault = 'error';
    throw answers.internal();
  }
  return false;
}

/** Why the request's signature is refused; undefined when it is valid or its key's secret is unknown (not verified). */
async function signatureRefused(deps: ServerDeps, req: IncomingMessage, body: Buffer, accessKeyId: string): Promise<string | undefined> {
  const secret = deps.world.secretOf(accessKeyId);
  return secret === undefined ? undefined : signatureProblem(req, body, secret);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** STS (awsQuery): form-encoded POST, XML answers. Recorded without any credential. */
async function serveSts(deps: ServerDeps, req: IncomingMessage, res: ServerResponse, requestId: string, accessKeyId: string, region: string): Promise<void> {
  const rec: CallRecord = { service: 'sts', operation: 'Unknown', region, accountId: '', status: 0, throttled: false, time: deps.now(), requestId, input: {} };
  try {
    const raw = await readBody(req).catch(() => {
      throw new StsError('InvalidInput', 'The request body could not be read or is larger than 10 MiB.', 400);
    });
    const text = raw.toString('utf8');
    if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      throw new StsError('InvalidAction', 'STS takes a form-encoded POST (awsQuery)', 400);
    }
    const params = new URLSearchParams(text);
    rec.operation = params.get('Action') ?? 'Unknown';
    for (const k of ['RoleArn', 'RoleSessionName', 'ExternalId', 'DurationSeconds']) {
      const v = params.get(k);
      if (v !== null) rec.input[k] = v;
    }
    const caller = deps.world.identify(accessKeyId, header(req, 'x-amz-security-token'), deps.now());
    if (!caller.ok) throw callerRefused(caller.reason);
    rec.accountId = caller.account.id;
    const bad = await signatureRefused(deps, req, raw, accessKeyId);
    if (bad !== undefined) throw new StsError('SignatureDoesNotMatch', bad, 403);
    const scripted = deps.faults.scriptedError('sts', rec.operation);
    if (scripted !== undefined) {
      rec.fault = 'scripted';
      throw stsFault(scripted.code, scripted.message ?? `Injected ${scripted.code}`);
    }
    const unanswered = injectFault(deps, deps.faults.drawSts(rec.operation), rec, req, {
      throttle: () => stsFault('Throttling', 'Rate exceeded'),
      internal: () => stsFault('InternalFailure', 'Injected internal error'),
    });
    if (unanswered) return;
    const body = handleSts(rec.operation, params, caller, deps.world, deps.now(), deps.sts ?? {}, requestId);
    rec.status = 200;
    send(res, 200, { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId }, body);
  } catch (e) {
    const se = e instanceof StsError ? e : new StsError('InternalFailure', `Sandbox failure: ${(e as Error).message}`, 500, 'Receiver');
    rec.status = se.status;
    rec.errorCode = se.code;
    send(res, se.status, { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId }, stsErrorXml(se, requestId));
  } finally {
    deps.calls.add(rec);
  }
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
