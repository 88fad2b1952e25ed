/**
 * `npm run chaos -- [--runs N] [--seed S] [--timeout MS] [--keep] [--verbose]`: N chaos runs
 * (default 10) with seeds S, S+1, … (default S = 1), so `--runs 1 --seed X` replays run X alone.
 * Each run prints one line; then a summary. Exits 1 when any invariant was violated (see run.ts).
 * Needs the build (`npm run chaos` builds first): it runs dist/cmd/workspace-reconciler.js.
 */
import { runChaos, runLine, type ChaosResult } from './run.js';

function parseArgs(argv: string[]): { runs: number; seed: number; timeoutMs: number; keep: boolean; verbose: boolean } {
  const o = { runs: 10, seed: 1, timeoutMs: 15_000, keep: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (name: string) => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) {
        console.error(`${name} needs a non-negative integer, got ${argv[i]}`);
        process.exit(1);
      }
      return v;
    };
    if (a === '--runs') o.runs = num(a);
    else if (a === '--seed') o.seed = num(a);
    else if (a === '--timeout') o.timeoutMs = num(a);
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose') o.verbose = true;
    else {
      console.error(`unknown argument '${a}' (usage: npm run chaos -- [--runs N] [--seed S] [--timeout MS] [--keep] [--verbose])`);
      process.exit(1);
    }
  }
  return o;
}

const o = parseArgs(process.argv.slice(2));
const results: ChaosResult[] = [];
for (let i = 0; i < o.runs; i++) {
  const r = await runChaos(o.seed + i, { timeoutMs: o.timeoutMs, keep: o.keep });
  results.push(r);
  console.log(runLine(r));
  for (const v of r.violations) console.log(`  ${v}`);
  if (r.dir) console.log(`  kept: ${r.dir}`);
  if (o.verbose && r.violations.length) console.log(r.stderr.split('\n').slice(-20).map((l) => `  | ${l}`).join('\n'));
}
const sum = (f: (r: ChaosResult) => number) => results.reduce((a, r) => a + f(r), 0);
const failedSeeds = results.filter((r) => r.violations.length > 0).map((r) => r.seed);
console.log(
  [
    `runs ${results.length}`,
    `converged ${results.filter((r) => r.converged).length}`,
    `reported-terminal ${results.filter((r) => !r.converged && !r.refused && r.outcomes['timed-out'] === 0 && r.violations.length === 0).length}`,
    `timed-out ${results.filter((r) => r.outcomes['timed-out'] > 0).length}`,
    `refused ${results.filter((r) => r.refused).length}`,
    `unintended removals ${sum((r) => r.unintendedRemovals)}`,
    `exit-code mismatches ${results.filter((r) => r.exitMismatch).length}`,
    `runs with violations ${failedSeeds.length}${failedSeeds.length ? ` (seeds ${failedSeeds.join(', ')})` : ''}`,
  ].join(' · '),
);
console.log(`targets ${sum((r) => r.targets)}: converged ${sum((r) => r.outcomes.converged)} · terminal ${sum((r) => r.outcomes.terminal)} · timed out ${sum((r) => r.outcomes['timed-out'])} · refused ${sum((r) => r.outcomes.refused)} · violations ${sum((r) => r.outcomes.violation)}`);
const codes: Record<string, number> = {};
for (const r of results) for (const [k, n] of Object.entries(r.terminalCodes)) codes[k] = (codes[k] ?? 0) + n;
console.log(`removals made on a prune target after one of its associations failed terminally (an invariant: must be 0): ${sum((r) => r.removalsNotHeld)} in ${results.filter((r) => r.removalsNotHeld > 0).map((r) => r.seed).join(', ') || 'no run'}`);
console.log(`terminal failures reported: ${Object.entries(codes).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`);
process.exit(failedSeeds.length > 0 ? 1 : 0);
