/**
 * The sandbox: a local emulator of the Connect workspace and WorkSpaces application APIs, served on one
 * HTTP port to real AWS SDK clients. See SEED.md for the world it starts with.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallLog, type CallRecord } from './calls.js';
import { demoSeedPath } from './demo.js';
import { assertFaults } from './fault-check.js';
import { FaultBook, type FaultOptions } from './faults.js';
import { validateOptions, type SandboxOptions } from './options.js';
import { QuotaBook, type QuotaOptions } from './quotas.js';
import { buildWorld, readSeedFile } from './seed.js';
import { createRequestHandler, type ServerDeps } from './server.js';
import { advance, type AssociationState } from './workspaces-state.js';

export type { CallRecord } from './calls.js';
export { ApiError, SandboxOptionError, SeedError } from './errors.js';
export type { AssociationErrorCode, DeployOutcomeFault, FailedListFault, FaultOptions, ScriptedErrorFault } from './faults.js';
export { buildFleetSeed, fleetDesiredState, fleetIds, type FleetOptions } from './fleet.js';
export type { SandboxOptions } from './options.js';
export type { QuotaOptions, RateLimit, ServiceQuota } from './quotas.js';
export { seededRandom } from './random.js';
export type { Seed, SeedHierarchyGroup, SeedInstance, SeedUser, SeedWorkSpace } from './seed-types.js';
export { demoSeedPath } from './demo.js';
export { parseYaml, readSeedFile } from './seed.js';
export { assertFaults } from './fault-check.js';
export type { AssociationState } from './workspaces-state.js';

export interface SandboxAppAssociation {
  applicationId: string;
  state: AssociationState;
  reasonCode?: string;
  reasonMessage?: string;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:4599 (both services). */
  readonly endpoint: string;
  readonly port: number;
  /** AWS_ENDPOINT_URL_CONNECT / _WORKSPACES / _STS, dummy AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_REGION. */
  readonly env: Record<string, string>;
  /** Every temporary credential STS issued (tests check that none is ever logged). */
  issuedCredentials(): { accessKeyId: string; secretAccessKey: string; sessionToken: string; accountId: string; expiresAt: number }[];
  /** Every answered call, in arrival order (live array). */
  readonly calls: readonly CallRecord[];
  resetCalls(): void;
  /** Resource ARNs associated with a Connect workspace, sorted. Account default: the seed's first. */
  connectAssociations(region: string, instanceId: string, workspaceId: string, accountId?: string): string[];
  /** A WorkSpace's application associations (REMOVED included), sorted by id, advanced to now. */
  workspaceAssociations(region: string, workspaceId: string, accountId?: string): SandboxAppAssociation[];
  /** The current faults, with the remaining `times` of scripted entries. */
  readonly faults: Required<FaultOptions>;
  /** Replaces the given fault keys (their counters restart); others are kept. */
  setFaults(partial: FaultOptions): void;
  /** Replaces the quotas (`false` = off); buckets start full. */
  setQuotas(quotas: QuotaOptions | false): void;
  /** Stops listening and closes every connection, keep-alive ones included. */
  close(): Promise<void>;
}

/** The sandbox's own long-term key (its `env`), whose signatures it verifies. */
const SANDBOX_KEY = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  validateOptions(options);
  const now = options.now ?? Date.now;
  const seedSource = options.seed ?? demoSeedPath();
  const raw = typeof seedSource === 'string' ? await readSeedFile(seedSource) : seedSource;
  const { world, faults: seedFaults, quotas: seedQuotas, sts } = buildWorld(raw, typeof seedSource === 'string' ? seedSource : 'object', now());
  for (const [id, secret] of Object.entries({ [SANDBOX_KEY.accessKeyId]: SANDBOX_KEY.secretAccessKey, ...options.secretKeys })) world.secretKeys.set(id, secret);
  const faults = new FaultBook({ ...seedFaults, ...(options.faults ?? {}) }, options.random ?? Math.random);
  const calls = new CallLog(options.callLogLimit ?? 100_000, options.onCall);
  const deps: ServerDeps = {
    world,
    faults,
    // The seed's quotas, with the options' keys over them (--quota-scale scales the seed's quotas).
    quotas: new QuotaBook(options.quotas === false ? false : { ...seedQuotas, ...options.quotas }, now),
    step: { now, stepDelayMs: options.stepDelayMs ?? 1000, faults },
    now,
    calls,
    ...(sts ? { sts } : {}),
  };
  const server = createServer({ keepAlive: true }, createRequestHandler(deps));
  await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL_CONNECT: endpoint,
      AWS_ENDPOINT_URL_WORKSPACES: endpoint,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ACCESS_KEY_ID: SANDBOX_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_KEY.secretAccessKey,
      AWS_REGION: 'us-east-1',
    },
    get calls() {
      return calls.records;
    },
    resetCalls: () => calls.clear(),
    issuedCredentials: () => [...world.sessions.values()].map((x) => ({ accessKeyId: x.accessKeyId, secretAccessKey: x.secretAccessKey, sessionToken: x.sessionToken, accountId: x.account.id, expiresAt: x.expiresAt })),
    connectAssociations(region, instanceId, workspaceId, accountId) {
      const ws = world.region(world.account(accountId), region).connect.get(instanceId)?.workspaces.get(workspaceId);
      if (ws === undefined) throw new Error(`no Connect workspace ${region}/${instanceId}/${workspaceId}`);
      return [...ws.associated.keys()].sort();
    },
    workspaceAssociations(region, workspaceId, accountId) {
      const ws = world.region(world.account(accountId), region).workspaces.workspaces.get(workspaceId);
      if (ws === undefined) throw new Error(`no WorkSpace ${region}/${workspaceId}`);
      return [...ws.apps.values()]
        .map((a) => {
          advance(a, deps.step);
          const out: SandboxAppAssociation = { applicationId: a.applicationId, state: a.state };
          if (a.reason !== undefined) Object.assign(out, { reasonCode: a.reason.code, reasonMessage: a.reason.message });
          return out;
        })
        .sort((x, y) => (x.applicationId < y.applicationId ? -1 : 1));
    },
    get faults() {
      return faults.current;
    },
    setFaults: (partial) => faults.set(assertFaults(partial)),
    setQuotas(quotas) {
      validateOptions({ quotas });
      deps.quotas = new QuotaBook(quotas, now);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
