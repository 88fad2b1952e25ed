/**
 * Failover: how long a shard goes without writes when the replica holding it goes away, with two
 * replicas of the built `run --lease-table` (default lease timings: 15 s / 10 s / 2 s) on a lease
 * table in dynalite, against the sandbox (two regions: two shards, one per replica).
 *
 * Each trial makes drift by hand in the shard of one replica, takes that replica away, and times
 * from then until the other replica's first write in that shard (sandbox arrival), split into
 * "taken" (its "shard acquired" log line) and "first write". SIGKILL waits for the lease to
 * expire: expected about lease duration + up to one retry period after the victim's last
 * renewal. SIGTERM gives the lease back: expected within one retry period. The victim is then
 * restarted under a new name and the two replicas rebalance before the next trial.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectClient, DisassociateWorkspaceCommand } from '@aws-sdk/client-connect';
import { LeaseTable } from '../src/coordination/table.js';
import { buildFleetSeed, fleetDesiredState, fleetIds, startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { startLocalDynamo } from '../test/coordination/local-dynamodb.js';

const BIN = fileURLToPath(new URL('../cmd/workspace-reconciler.js', import.meta.url));
const REGIONS = ['us-east-1', 'us-west-2'];
const TABLE = 'bench-leases';
const TRIALS = Number(process.env.BENCH_FAILOVER_TRIALS ?? 5);

interface Replica {
  name: string;
  child: ChildProcessWithoutNullStreams;
  logs: { msg: string; time: number; shard?: string; how?: string }[];
  exited: Promise<void>;
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function runFailoverBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-failover-'));
  const sandbox: Sandbox = await startSandbox({
    stepDelayMs: 20,
    quotas: false,
    seed: buildFleetSeed({ regions: REGIONS, connectWorkspaces: 1, arnsPerWorkspace: 0, users: 10, routingProfiles: 1, workspaces: 1, appsPerWorkspace: 0, applications: 2 }),
  });
  const db = await startLocalDynamo();
  await writeFile(join(dir, 'desired.yaml'), fleetDesiredState({ regions: REGIONS, arns: 5, workspaces: 1, apps: 1 }));
  const table = new LeaseTable(db.client(), TABLE);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, sandbox.env, {
    HOME: dir,
    TMPDIR: dir,
    AWS_CONFIG_FILE: join(dir, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
  });
  let n = 0;
  const start = async (): Promise<Replica> => {
    const name = `replica-${++n}`;
    await mkdir(join(dir, name));
    const child = spawn(process.execPath, [BIN, 'run', join(dir, 'desired.yaml'), '--listen', '127.0.0.1:0', '--lock-dir', join(dir, name), '--lease-table', TABLE, '--create-lease-table', '--lease-identity', name, '--poll-interval', '50ms'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = '';
    const r: Replica = {
      name,
      child,
      logs: [],
      exited: new Promise((resolve) =>
        child.once('close', (code, sig) => {
          if (code !== 0 && sig === null) console.error(`${name} exited ${code}:\n${buf}${r.logs.slice(-5).map((l) => JSON.stringify(l)).join('\n')}`);
          resolve();
        }),
      ),
    };
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('{')) r.logs.push(JSON.parse(l));
    });
    return r;
  };
  const owners = async () => {
    const m = new Map<string, string>();
    for (const l of (await table.scan().catch(() => ({ leases: [] }))).leases) m.set(l.shard, l.owner);
    return m;
  };
  const client = (region: string) => new ConnectClient({ region, endpoint: sandbox.endpoint, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' } });
  const holds = (region: string, i: number) => sandbox.connectAssociations(region, fleetIds.instanceId, fleetIds.connectWorkspaceId(0)).includes(fleetIds.userArn(i, region));

  let live = [await start(), await start()];
  const results: Record<'SIGKILL' | 'SIGTERM', { total: number; taken: number }[]> = { SIGKILL: [], SIGTERM: [] };
  try {
    for (const signal of (process.env.BENCH_FAILOVER_SIGNALS?.split(',') ?? ['SIGTERM', 'SIGKILL']) as ('SIGTERM' | 'SIGKILL')[]) {
      for (let trial = 0; trial < TRIALS; trial++) {
        // Two replicas, one shard each, everything converged.
        await until('one shard per replica', async () => {
          const o = await owners();
          // ...and each owner took its shard itself (a hand-over is complete only once adopted).
          const adopted = [...o].every(([shard, owner]) => live.find((r) => r.name === owner)?.logs.filter((l) => l.shard === shard && l.msg.startsWith('shard ')).at(-1)?.msg === 'shard acquired');
          return REGIONS.every((r) => o.has(`default/${r}`)) && new Set(o.values()).size === 2 && adopted;
        });
        await until('converged', () => REGIONS.every((r) => holds(r, 0)));
        const o = await owners();
        const victim = live.find((r) => r.name === o.get(`default/${REGIONS[trial % 2]}`)) as Replica;
        const region = REGIONS[trial % 2];
        const shard = `default/${region}`;
        const survivor = live.find((r) => r !== victim) as Replica;
        const c = client(region);
        await c.send(new DisassociateWorkspaceCommand({ InstanceId: fleetIds.instanceId, WorkspaceId: fleetIds.connectWorkspaceId(0), ResourceArns: [fleetIds.userArn(0, region)] }));
        c.destroy();
        const mark = sandbox.calls.length;
        const t0 = Date.now();
        victim.child.kill(signal);
        await until('the write resumed', () => sandbox.calls.slice(mark).some((x) => x.region === region && x.operation === 'AssociateWorkspace' && (x.userAgent ?? '').includes(`replica/${survivor.name}`)));
        const write = sandbox.calls.slice(mark).find((x) => x.region === region && x.operation === 'AssociateWorkspace' && (x.userAgent ?? '').includes(`replica/${survivor.name}`));
        await until('the acquisition logged', () => survivor.logs.some((l) => l.msg === 'shard acquired' && l.shard === shard && l.time >= t0));
        const taken = survivor.logs.find((l) => l.msg === 'shard acquired' && l.shard === shard && l.time >= t0)?.time ?? NaN;
        results[signal].push({ total: (write?.time ?? NaN) - t0, taken: taken - t0 });
        await victim.exited;
        live = [survivor, await start()];
      }
    }
  } finally {
    for (const r of live) r.child.kill('SIGKILL');
    await Promise.all(live.map((r) => r.exited));
    await sandbox.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`failover: 2 replicas, 2 shards, lease 15 s / renew deadline 10 s / retry 2 s (defaults); ${TRIALS} trials each; shard lost → first write by the other replica`);
  for (const [signal, rs] of Object.entries(results)) {
    const total = rs.map((r) => r.total / 1000);
    const taken = rs.map((r) => r.taken / 1000);
    console.log(`  ${signal.padEnd(8)} resumed after median ${median(total).toFixed(2)} s (min ${Math.min(...total).toFixed(2)}, max ${Math.max(...total).toFixed(2)}); shard taken after median ${median(taken).toFixed(2)} s; trials: ${total.map((x) => x.toFixed(2)).join(' ')}`);
  }
}
