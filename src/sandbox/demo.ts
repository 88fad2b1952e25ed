/** Locates the shipped demo seed both from source (tsx) and from the compiled `dist/` tree. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Walks up from this module to the nearest package.json: the package root in both layouts. */
export function demoSeedPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'src', 'sandbox', 'demo-seed.yaml');
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the package root (package.json) above the sandbox module');
    dir = up;
  }
}
