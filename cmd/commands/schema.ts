/**
 * `workspace-reconciler schema`: prints the JSON Schema (draft 2020-12) of desired-state
 * documents, the file the package ships as schema/desired-state.schema.json, for editors
 * (yaml-language-server) and CI linters. Offline; exit 0.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { CommandError } from '../errors.js';

export const SCHEMA_FILE = join('schema', 'desired-state.schema.json');

/** The shipped schema: walks up from this module to the package root, from source (tsx) and from dist/ alike. */
export function schemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, SCHEMA_FILE);
    const up = dirname(dir);
    if (up === dir) throw new CommandError('cannot find the package root (package.json) above the schema command');
    dir = up;
  }
}

export function schemaCommand(): Command {
  return new Command('schema')
    .description('print the JSON Schema (draft 2020-12) of desired-state documents, for editors and CI linters')
    .action(async () => {
      const path = schemaPath();
      const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new CommandError(`cannot read the JSON Schema ${path}: ${err.code ?? err.message}`);
      });
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    });
}
