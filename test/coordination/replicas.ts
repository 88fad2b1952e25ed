/**
 * Several replicas of the BUILT binary (`run --lease-table`) against one sandbox and one dynalite,
 * both in this process: a world of four regions (so four shards), short lease timings, each
 * replica named by --lease-identity, which its calls carry in their User-Agent
 * (`replica/<name>`), which the sandbox records. Ownership is read from the replicas' own log
 * lines ("shard acquired" / "shard lost", with their times) and from the lease table.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LeaseTable, type LeaseItem } from '../../src/coordination/table.js';
import { buildFleetSeed, fleetDesiredState, fleetIds, startSandbox, type CallRecord, type Sandbox } from '../../src/sandbox/index.js';
import { cliEnv, FAST, isMutating, removeDir, startCli, tempDir, waitFor, type RunningCli } from '../cli/helpers.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamodb.js';

export const REGIONS = ['eu-west-1', 'eu-west-2', 'us-east-1', 'us-west-2'];
export const SHARDS = REGIONS.map((r) => `default/${r}`).sort();
export const FLEET = { arns: 10, workspaces: 4, apps: 2 };
/**
 * Lease 3 s, renew deadline 2 s, retry 250 ms: short, yet a replica of a loaded 2-core machine
 * rarely misses a deadline (the tests hold when one does, they only take longer).
 */
export const LEASE_ARGS = ['--lease-duration', '3s', '--renew-deadline', '2s', '--retry-period', '250ms'];
export const TABLE = 'reconciler-leases';

export interface LogLine {
  msg: string;
  time: number;
  [field: string]: unknown;
}

export interface OwnershipEvent {
  shard: string;
  event: 'acquired' | 'lost';
  how?: string;
  reason?: string;
  time: number;
}

export interface Replica {
  name: string;
  cli: RunningCli;
  url: string;
  logs(): LogLine[];
  logged(msg: string): LogLine[];
  /** Shards acquired and lost, in order, with times (wall clock of this host, as the sandbox's). */
  ownership(): OwnershipEvent[];
  /** The shards this replica holds per its own log (read callsWithLogs first to be current). */
  holds(): string[];
}

export interface ReplicaWorld {
  sandbox: Sandbox;
  db: LocalDynamo;
  dir: string;
  replicas: Map<string, Replica>;
  start(name: string, extra?: string[]): Promise<Replica>;
  leases(): Promise<LeaseItem[]>;
  /** The shards each replica holds per the lease table. */
  owners(): Promise<Map<string, string[]>>;
  converged(): boolean;
  close(): Promise<void>;
}

function parseLogs(stderr: string): LogLine[] {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
}

/** Which replica made a call (its User-Agent names it), or undefined for the test's own calls. */
export function writerOf(c: CallRecord): string | undefined {
  return /(?:^| )replica\/([A-Za-z0-9._-]+)/.exec(c.userAgent ?? '')?.[1];
}

/** `onCall`: called as the sandbox answers each call (before the replica reads the answer). */
export async function startReplicaWorld(o: { onCall?: (c: CallRecord) => void } = {}): Promise<ReplicaWorld> {
  const dir = await tempDir('replicas-test-');
  const sandbox = await startSandbox({
    stepDelayMs: 20,
    quotas: false,
    onCall: o.onCall,
    seed: buildFleetSeed({ regions: REGIONS, connectWorkspaces: 1, arnsPerWorkspace: 0, users: FLEET.arns + 5, routingProfiles: 1, workspaces: FLEET.workspaces, appsPerWorkspace: 0, applications: FLEET.apps + 1 }),
  });
  const db = await startLocalDynamo({ createTableMs: 50 });
  await mkdir(join(dir, 'desired'));
  await writeFile(join(dir, 'desired', 'fleet.yaml'), fleetDesiredState({ regions: REGIONS, ...FLEET }));
  const replicas = new Map<string, Replica>();
  const table = new LeaseTable(db.client(), TABLE);
  // Before the first replica created the table, there are no leases.
  const leases = async () => (await table.scan().catch((err: Error) => (err.name === 'ResourceNotFoundException' ? { leases: [] } : Promise.reject(err)))).leases.sort((a, b) => (a.shard < b.shard ? -1 : 1));
  return {
    sandbox,
    db,
    dir,
    replicas,
    async start(name, extra = []) {
      await mkdir(join(dir, `lock-${name}`), { recursive: true });
      const cli = await startCli(
        ['run', join(dir, 'desired'), '--listen', '127.0.0.1:0', '--debounce', '50ms', '--lock-dir', join(dir, `lock-${name}`), ...FAST, '--lease-table', TABLE, '--create-lease-table', ...LEASE_ARGS, '--lease-identity', name, ...extra],
        { env: cliEnv(dir, sandbox, { AWS_ENDPOINT_URL_DYNAMODB: db.endpoint }) },
      );
      // Parsed as they come (the tests poll often; reparsing all of stderr each time would load
      // this process, which serves the lease table to the replicas).
      const parsed: LogLine[] = [];
      let consumed = 0;
      const logs = () => {
        const end = cli.stderr.lastIndexOf('\n') + 1;
        if (end > consumed) {
          parsed.push(...parseLogs(cli.stderr.slice(consumed, end)));
          consumed = end;
        }
        return parsed;
      };
      await waitFor(`${name}: "daemon starting"`, () => logs().some((l) => l.msg === 'daemon starting') || cli.child.exitCode !== null, { timeoutMs: 30_000 });
      const line = logs().find((l) => l.msg === 'daemon starting');
      assert.ok(line, `${name} did not start:\n${cli.stderr}`);
      const r: Replica = {
        name,
        cli,
        url: String(line.listen),
        logs,
        logged: (msg) => logs().filter((l) => l.msg === msg),
        holds: () => {
          const last = new Map<string, string>();
          for (const e of r.ownership()) last.set(e.shard, e.event);
          return [...last].filter(([, e]) => e === 'acquired').map(([s]) => s).sort();
        },
        ownership: () =>
          logs().flatMap((l): OwnershipEvent[] =>
            l.msg === 'shard acquired' ? [{ shard: String(l.shard), event: 'acquired', how: String(l.how), time: l.time }] : l.msg === 'shard lost' ? [{ shard: String(l.shard), event: 'lost', reason: String(l.reason), time: l.time }] : [],
          ),
      };
      replicas.set(name, r);
      return r;
    },
    leases,
    async owners() {
      const m = new Map<string, string[]>();
      for (const l of await leases()) m.set(l.owner, [...(m.get(l.owner) ?? []), l.shard]);
      return m;
    },
    converged: () =>
      REGIONS.every((r) => {
        const arns = sandbox.connectAssociations(r, fleetIds.instanceId, fleetIds.connectWorkspaceId(0));
        const want = Array.from({ length: FLEET.arns }, (_, i) => fleetIds.userArn(i, r));
        if (!want.every((a) => arns.includes(a))) return false;
        return Array.from({ length: FLEET.workspaces }, (_, w) => sandbox.workspaceAssociations(r, fleetIds.workspaceId(w))).every(
          (apps) => Array.from({ length: FLEET.apps }, (_, i) => fleetIds.applicationId(i)).every((id) => apps.some((a) => a.applicationId === id && a.state === 'COMPLETED')),
        );
      }),
    async close() {
      for (const r of replicas.values()) {
        if (r.cli.child.exitCode === null && r.cli.child.signalCode === null) {
          r.cli.child.kill('SIGCONT');
          r.cli.child.kill('SIGKILL');
        }
        await r.cli.done;
      }
      await sandbox.close();
      await db.close();
      await removeDir(dir);
    },
  };
}

/**
 * The sandbox's calls so far, once every replica's log lines about them have reached this
 * process: a replica logs an acquisition before it sends a call for the shard, but its stderr
 * pipe and its HTTP requests arrive here independently. SIGHUP makes each running replica log a
 * marker line; once the marker is read, every line before it has been too.
 */
export async function callsWithLogs(world: ReplicaWorld): Promise<CallRecord[]> {
  const calls = [...world.sandbox.calls];
  for (const r of world.replicas.values()) {
    if (r.cli.child.exitCode !== null || r.cli.child.signalCode !== null) continue;
    const n = r.logged('SIGHUP: reloading the desired state').length;
    r.cli.child.kill('SIGHUP');
    await waitFor(`${r.name}: the SIGHUP marker`, () => r.logged('SIGHUP: reloading the desired state').length > n, { timeoutMs: 60_000, intervalMs: 20 });
  }
  return calls;
}

/**
 * No two replicas ever wrote to the same shard at the same time: in each region, whenever the
 * writer of mutating calls changes (in the order their requests began to arrive), the new writer
 * acquired the shard after the previous writer's last call there, and every writer acquired it
 * before its first call. (Acquiring implies the previous owner released it, handed it over
 * after its calls in flight landed, or stopped renewing for a whole lease duration.)
 */
export function assertNoOverlap(calls: readonly CallRecord[], replicas: Iterable<Replica>): { writes: number; switches: number } {
  const own = new Map([...replicas].map((r) => [r.name, r.ownership()]));
  let writes = 0;
  let switches = 0;
  // By arrival (the sandbox logs a call when answered; a request can take long to arrive whole).
  const byArrival = [...calls].sort((x, y) => x.time - y.time);
  for (const region of REGIONS) {
    const shard = `default/${region}`;
    let prev: { writer: string; time: number } | undefined;
    for (const c of byArrival) {
      if (c.region !== region || !isMutating(c)) continue;
      const writer = writerOf(c);
      if (writer === undefined) continue; // the test's own calls (drift made by hand)
      writes++;
      if (prev?.writer === writer) {
        prev.time = c.time;
        continue;
      }
      const after = prev?.time ?? -Infinity;
      const acquired = (own.get(writer) ?? []).some((e) => e.shard === shard && e.event === 'acquired' && e.time >= after && e.time <= c.time);
      assert.ok(
        acquired,
        `${writer} wrote ${c.operation} in ${region} at ${c.time} without acquiring ${shard} after ${prev ? `${prev.writer}'s last write at ${prev.time}` : 'the start'}:\n${JSON.stringify(own.get(writer)?.filter((e) => e.shard === shard))}`,
      );
      if (prev) switches++;
      prev = { writer, time: c.time };
    }
  }
  return { writes, switches };
}

/** One series of a Prometheus scrape. */
export async function scrape(url: string, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  const line = text.split('\n').find((l) => l.startsWith(want ? `${name}{${want}} ` : `${name} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}
