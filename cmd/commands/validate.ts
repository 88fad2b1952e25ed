import { writeJson } from '../output.js';
import { Command } from 'commander';
import { formatProblem, isConcrete, loadDesiredState } from '../../src/config/index.js';
import { resolveDefaultRegion } from '../../src/providers/clients.js';
import { addCommonOptions } from '../common.js';
import type { CommonOptions } from '../common.js';
import { count } from '../desired.js';
import { EXIT_ERROR, EXIT_OK } from '../errors.js';

export function validateCommand(): Command {
  const cmd = new Command('validate')
    .description('load and check the desired state, offline (no AWS call)')
    .argument('<path...>', 'YAML files or directories (searched recursively for *.yaml / *.yml)');
  addCommonOptions(cmd).option('--allow-empty', 'accept a desired state with no documents (as plan, apply and run would with it)', false).action(async (paths: string[], o: CommonOptions & { allowEmpty: boolean }) => {
    const defaultRegion = await resolveDefaultRegion(o.region);
    const r = await loadDesiredState(paths, { defaultRegion });
    // An empty desired state is refused by plan, apply and run; a CI check with validate must
    // fail the same way, not pass a pull request that apply will refuse after the merge.
    const empty = r.state !== undefined && r.state.documentCount === 0 && !o.allowEmpty;
    const valid = r.errors.length === 0 && r.state !== undefined && !empty;
    if (o.output === 'json') {
      const out = {
        valid,
        ...(empty ? { empty: true } : {}),
        errors: r.errors,
        warnings: r.warnings,
        ...(r.state
          ? {
              documents: r.state.documentCount,
              files: r.state.files,
              targets: {
                connect: r.state.targets.filter((t) => t.type === 'connect').length,
                workspaces: r.state.targets.filter((t) => t.type === 'workspaces').length,
              },
              // Documents whose names or selectors are resolved against AWS by plan, apply and run.
              toResolve: r.state.intents.filter((i) => !isConcrete(i)).length,
              ...(r.state.accounts.length > 0 ? { accounts: r.state.accounts.map((a) => ({ name: a.name, id: a.id, roleArn: a.roleArn })) } : {}),
            }
          : {}),
      };
      writeJson(out);
    } else {
      for (const p of [...r.errors, ...r.warnings]) process.stderr.write(formatProblem(p) + '\n');
      if (valid && r.state) {
        const s = r.state;
        const c = s.targets.filter((t) => t.type === 'connect').length;
        const named = s.intents.filter((i) => !isConcrete(i)).length;
        process.stdout.write(
          `valid: ${count(s.documentCount, 'document')} in ${count(s.files.length, 'file')}: ` +
            `${count(c, 'Connect workspace')}, ${count(s.targets.length - c, 'WorkSpace')} by id` +
            `${named ? `; ${count(named, 'document')} with names or selectors, resolved against AWS by plan and apply` : ''}` +
            `${s.accounts.length ? `; ${count(s.accounts.length, 'Account')} (${s.accounts.map((a) => `${a.name} ${a.id}`).join(', ')})` : ''}` +
            `${r.warnings.length ? ` (${count(r.warnings.length, 'warning')})` : ''}\n`,
        );
      } else if (empty) {
        process.stderr.write(`invalid: no documents found in ${paths.join(', ')}; an empty desired state is refused unless --allow-empty\n`);
      } else {
        process.stderr.write(`invalid: ${count(r.errors.length, 'error')}, ${count(r.warnings.length, 'warning')}\n`);
      }
    }
    process.exitCode = valid ? EXIT_OK : EXIT_ERROR;
  });
  return cmd;
}
