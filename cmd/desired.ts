/** Loading the desired state for a command: print problems, enforce the input guards. */
import { formatProblem, InputPathError, loadDesiredState } from '../src/config/index.js';
import type { DesiredState, LoadResult, Target } from '../src/config/index.js';
import { resolveDefaultRegion } from '../src/providers/clients.js';
import { CommandError } from './errors.js';

export interface LoadForCommand {
  paths: string[];
  region?: string;
  /** Print warnings (stderr). Default true. */
  printWarnings?: boolean;
  /** Called with what was read before any problem is printed; may throw (a saved plan's digest check). */
  check?: (result: LoadResult) => void;
  /** What to throw instead when a path cannot be read (a saved plan names files that are gone). */
  onPathError?: (err: InputPathError) => Error;
}

/** Load and validate; print every problem to stderr. Throws CommandError when invalid. */
export async function loadOrFail(o: LoadForCommand): Promise<{ state: DesiredState; result: LoadResult; defaultRegion?: string }> {
  const defaultRegion = await resolveDefaultRegion(o.region);
  const result = await loadDesiredState(o.paths, { defaultRegion }).catch((err: unknown) => {
    throw err instanceof InputPathError && o.onPathError ? o.onPathError(err) : err;
  });
  o.check?.(result);
  for (const p of result.errors) process.stderr.write(formatProblem(p) + '\n');
  if (o.printWarnings ?? true) for (const p of result.warnings) process.stderr.write(formatProblem(p) + '\n');
  if (!result.state || result.errors.length > 0) {
    throw new CommandError(`desired state is invalid: ${count(result.errors.length, 'error')}; nothing was sent to AWS`);
  }
  return { state: result.state, result, defaultRegion };
}

/** The guards that hold for every command that talks to AWS. */
export function checkTargets(state: DesiredState, allowEmpty: boolean): Target[] {
  if (state.documentCount === 0 && !allowEmpty) {
    throw new CommandError(
      `the desired state has no documents (${count(state.files.length, 'file')} read); refusing to run without --allow-empty`,
    );
  }
  const noRegion = state.intents.filter((t) => t.region === undefined).map((i) => ({ documents: [i.document] }));
  if (noRegion.length > 0) {
    const where = noRegion[0].documents[0];
    const at = where ? ` (first: ${where.kind} '${where.name}' at ${where.location.file}:${where.location.line}:${where.location.col})` : '';
    throw new CommandError(
      `${count(noRegion.length, 'document')} without a region${at}: set spec.region, --region, or AWS_REGION`,
    );
  }
  return state.targets;
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
