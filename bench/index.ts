/**
 * `npm run bench [-- NAME…]`: runs the benchmarks and prints their figures. Not a test: numbers
 * are printed for a person to read and record in the README, never asserted. Each benchmark runs
 * in a process of its own, so its peak memory is its own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runExportBench } from './export.js';
import { printPlanBench, runPlanBench } from './plan.js';
import { printReconcileBench, runReconcileBench } from './reconcile.js';
import { runSoakBench } from './soak.js';
import { runResolveBench } from './resolve.js';
import { runFailoverBench } from './failover.js';
import { runWorkloadBench } from './workloads.js';

const benches: Record<string, () => Promise<void> | void> = {
  plan: () => printPlanBench(runPlanBench()),
  reconcile: async () => printReconcileBench(await runReconcileBench()),
  soak: async () => void (await runSoakBench()),
  resolve: () => runResolveBench(),
  export: () => runExportBench(),
  'resync-names': async () => (await import('./resync-names.js')).runResyncNamesBench(),
  failover: () => runFailoverBench(),
  workloads: async () => void (await runWorkloadBench()),
  'sdk-call': async () => (await import('./sdk-call.js')).runSdkCallBench(),
  accounts: async () => (await import('./accounts.js')).runAccountsBench(),
};

const args = process.argv.slice(2);
if (args[0] === '--child') {
  await benches[args[1]]();
} else {
  for (const name of args) {
    if (!(name in benches)) {
      console.error(`unknown benchmark '${name}' (known: ${Object.keys(benches).join(', ')})`);
      process.exit(1);
    }
  }
  console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} CPUs`);
  for (const name of args.length ? args : Object.keys(benches)) {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', name], {
      stdio: 'inherit',
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
