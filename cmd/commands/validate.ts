import { Command } from 'commander';
import { formatProblem, loadDesiredState } from '../../src/config/index.js';
import { resolveDefaultRegion } from '../../src/providers/clients.js';
import { addCommonOptions } from '../common.js';
import type { CommonOptions } from '../common.js';
import { count } from '../desired.js';
import { EXIT_ERROR, EXIT_OK } from '../errors.js';

export function validateCommand(): Command {
  const cmd = new Command('validate')
    .description('load and check the desired state, offline (no AWS call)')
    .argument('<path...>', 'YAML files or directories (searched recursively for *.yaml / *.yml)');
  addCommonOptions(cmd, { logLevel: 'warn' }).action(async (paths: string[], o: CommonOptions) => {
    const defaultRegion = await resolveDefaultRegion(o.region);
    const r = await loadDesiredState(paths, { defaultRegion });
    const valid = r.errors.length === 0 && r.state !== undefined;
    if (o.output === 'json') {
      const out = {
        valid,
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
            }
          : {}),
      };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      for (const p of [...r.errors, ...r.warnings]) process.stderr.write(formatProblem(p) + '\n');
      if (valid && r.state) {
        const s = r.state;
        if (s.documentCount === 0) {
          process.stderr.write(`warning: no documents found in ${paths.join(', ')}: plan, apply and run refuse an empty desired state unless --allow-empty\n`);
        }
        const c = s.targets.filter((t) => t.type === 'connect').length;
        process.stdout.write(
          `valid: ${count(s.documentCount, 'document')} in ${count(s.files.length, 'file')}: ` +
            `${count(c, 'Connect workspace')}, ${count(s.targets.length - c, 'WorkSpace')}` +
            `${r.warnings.length ? ` (${count(r.warnings.length, 'warning')})` : ''}\n`,
        );
      } else {
        process.stderr.write(`invalid: ${count(r.errors.length, 'error')}, ${count(r.warnings.length, 'warning')}\n`);
      }
    }
    process.exitCode = valid ? EXIT_OK : EXIT_ERROR;
  });
  return cmd;
}
