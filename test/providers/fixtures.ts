/**
 * Shared fixtures of the provider tests: the demo world's ids, targets, a sandbox with real SDK
 * clients pointed at it, and a gate that records what went through it.
 */
import { ClientFactory } from '../../src/providers/clients.js';
import type { CallGate, CallInfo } from '../../src/providers/types.js';
import { connectKey, workspaceKey, type ConnectTarget, type WorkSpaceTarget } from '../../src/config/types.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

export const REGION = 'us-east-1';
export const INSTANCE = '4c1b2f0e-1111-2222-3333-444455556666';
export const SUPPORT_FLOOR = '9d2f6c1a-aaaa-bbbb-cccc-ddddeeeeffff';
export const BILLING_DESK = '3e8a7b6c-aaaa-bbbb-cccc-111122223333';
export const SUPERVISORS = '5f4e3d2c-aaaa-bbbb-cccc-444455556666';
export const LONDON_REGION = 'eu-west-2';
export const LONDON_INSTANCE = 'b2c3d4e5-1111-2222-3333-444455556666';
export const LONDON_WORKSPACE = 'c3d4e5f6-aaaa-bbbb-cccc-ddddeeeeffff';

const nn = (n: number) => String(n).padStart(2, '0');
const instanceArn = `arn:aws:connect:${REGION}:123456789012:instance/${INSTANCE}`;
/** agent01..agent20 (agent99 does not exist). */
export const agent = (n: number) => `${instanceArn}/agent/0f1e2d3c-0000-1111-2222-3333444455${nn(n)}`;
export const routingProfile = (n: number) => `${instanceArn}/routing-profile/7a6b5c4d-0000-1111-2222-3333444455${nn(n)}`;
export const londonAgent = (n: number) =>
  `arn:aws:connect:${LONDON_REGION}:123456789012:instance/${LONDON_INSTANCE}/agent/1a2b3c4d-0000-1111-2222-3333444455${nn(n)}`;

export function connectTarget(workspaceId: string, region = REGION, instanceId = INSTANCE): ConnectTarget {
  return {
    type: 'connect',
    account: 'default',
    key: connectKey('default', region, instanceId, workspaceId),
    region,
    instanceId,
    workspaceId,
    desired: new Map(),
    prune: false,
    documents: [],
  };
}

export function workSpaceTarget(workspaceId: string, region = REGION): WorkSpaceTarget {
  return { type: 'workspaces', account: 'default', key: workspaceKey('default', region, workspaceId), region, workspaceId, desired: new Map(), prune: false, documents: [] };
}

/** The target as loaded when no region was configured anywhere. */
export function withoutRegion<T extends ConnectTarget | WorkSpaceTarget>(t: T): T {
  const key = t.type === 'connect' ? connectKey('default', undefined, t.instanceId, t.workspaceId) : workspaceKey('default', undefined, t.workspaceId);
  return { ...t, region: undefined, key };
}

/** A gate that runs calls at once and remembers each one's CallInfo. */
export class RecordingGate implements CallGate {
  readonly calls: CallInfo[] = [];
  call<T>(info: CallInfo, send: () => Promise<T>): Promise<T> {
    this.calls.push(info);
    return send();
  }
}

export interface Harness {
  sandbox: Sandbox;
  clients: ClientFactory;
  /** The sandbox clock (ms); tests move it forward to advance WorkSpaces states. */
  clock: { now: number };
  /** Calls the sandbox answered for one operation. */
  callsOf(operation: string): Sandbox['calls'];
  close(): Promise<void>;
}

/**
 * A sandbox (quotas off, fake clock) and a ClientFactory with real SDK clients pointed at it.
 * Transient retries back off 1 ms so retry tests run in milliseconds.
 */
export async function startHarness(options: SandboxOptions = {}, maxAttempts = 3): Promise<Harness> {
  const clock = { now: Date.UTC(2026, 10, 21) };
  const sandbox = await startSandbox({ quotas: false, now: () => clock.now, ...options });
  const clients = new ClientFactory({
    maxAttempts,
    overrides: { endpoint: sandbox.endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } },
    transientBackoffMs: () => 1,
  });
  return {
    sandbox,
    clients,
    clock,
    callsOf: (operation) => sandbox.calls.filter((c) => c.operation === operation),
    close: async () => {
      clients.destroy();
      await sandbox.close();
    },
  };
}
