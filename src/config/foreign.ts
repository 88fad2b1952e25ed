/**
 * Directories hold more than desired state: Kubernetes manifests, CI workflows, docker-compose
 * files sit beside it (examples/ itself does). A YAML file met while walking a directory is
 * skipped, with a warning naming it, only when it parses and none of its documents claims to be
 * ours: no `apiVersion` starting with `workspace-reconciler/` and no `kind` of this tool. A
 * document with a typo in one of the two still claims the other, so it is checked in full and
 * fails loudly. Files named on the command line are always checked in full.
 */
import { isMap, isScalar, parseAllDocuments } from 'yaml';
import { KINDS } from './model.js';

export const FOREIGN_FILE_WARNING =
  'skipped: not a workspace-reconciler file (no document has apiVersion workspace-reconciler/v1 or a kind of this tool)';

export function isForeignYaml(text: string): boolean {
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false });
  } catch {
    return false;
  }
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0 || list.some((d) => d.errors.length > 0)) return false;
  let anyContent = false;
  for (const doc of list) {
    const c = doc.contents;
    if (c === null || (isScalar(c) && c.value === null)) continue;
    anyContent = true;
    if (!isMap(c)) return false;
    // Only the two top-level scalars are read: nothing is expanded, so no alias can blow up.
    const apiVersion: unknown = c.get('apiVersion');
    const kind: unknown = c.get('kind');
    if (typeof apiVersion === 'string' && apiVersion.trim().toLowerCase().startsWith('workspace-reconciler')) return false;
    if (typeof kind === 'string' && (KINDS as readonly string[]).includes(kind)) return false;
  }
  return anyContent;
}
