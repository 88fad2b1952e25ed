/**
 * `npm run bench [-- NAME…]`: runs the benchmarks and prints their figures. Not a test: numbers
 * are printed for a person to read and record in the README, never asserted.
 */
import { printPlanBench, runPlanBench } from './plan.js';

const benches: Record<string, () => Promise<void> | void> = {
  plan: () => printPlanBench(runPlanBench()),
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!(name in benches)) {
    console.error(`unknown benchmark '${name}' (known: ${Object.keys(benches).join(', ')})`);
    process.exit(1);
  }
}
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  await benches[name]();
}
