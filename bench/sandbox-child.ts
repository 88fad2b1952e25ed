/**
 * The sandbox for benchmarks, in its own process so its CPU and memory do not count against the
 * reconciler's. argv[2] is JSON: { fleet: FleetOptions, quotaScale, stepDelayMs, driftEvery?, accounts? }. Prints one
 * JSON line {endpoint} when listening; on stdin "stats" prints the call counts; "exit" stops.
 */
import { createInterface } from 'node:readline';
import { buildFleetSeed, startSandbox } from '../src/sandbox/index.js';
import type { FleetOptions } from '../src/sandbox/index.js';
import { accountsSeed } from './accounts-world.js';

const o = JSON.parse(process.argv[2] ?? '{}') as { fleet: FleetOptions; quotaScale: number; stepDelayMs: number; driftEvery?: number; accounts?: string[] };
const counts = { total: 0, throttled: 0, byOperation: {} as Record<string, number> };
// `accounts`: the fleet in each of these accounts, each with a role the first account (holding
// nothing, the caller's own) may assume; else the fleet in one account.
const seed = o.accounts ? accountsSeed(o.fleet, o.accounts) : buildFleetSeed(o.fleet);
if (o.driftEvery) {
  // Drift: every driftEvery-th Connect workspace and WorkSpace has lost all its associations.
  for (const region of Object.values(seed.accounts[0]!.regions ?? {})) {
    region.connect?.instances?.forEach((inst) => inst.workspaces?.forEach((w, i) => i % o.driftEvery! === 0 && (w.associations = [])));
    region.workspaces?.workspaces?.forEach((w, i) => i % o.driftEvery! === 0 && (w.applications = []));
  }
}
const sandbox = await startSandbox({
  seed,
  quotas: { scale: o.quotaScale },
  stepDelayMs: o.stepDelayMs,
  callLogLimit: 1,
  onCall: (c) => {
    counts.total++;
    if (c.throttled) counts.throttled++;
    counts.byOperation[c.operation] = (counts.byOperation[c.operation] ?? 0) + 1;
  },
});
process.stdout.write(JSON.stringify({ endpoint: sandbox.endpoint }) + '\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'stats') process.stdout.write(JSON.stringify(counts) + '\n');
  if (line === 'reset') Object.assign(counts, { total: 0, throttled: 0, byOperation: {} });
  if (line === 'exit') break;
}
await sandbox.close();
// stdin stays open (its stream is still referenced): leave explicitly.
process.exit(0);
