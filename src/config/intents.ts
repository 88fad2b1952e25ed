/**
 * Intents: everything each document asks for, names and selectors included, for the resolver.
 * Targets (targets.ts) are the concrete part of the same documents.
 */
import type { ParsedDocument } from './model.js';
import type { AccountSpec, Intent } from './types.js';
import { accountRefOf } from './accounts.js';

/**
 * True when an intent names everything by id (workspaceId, ARNs, WorkSpace and application
 * ids): its targets are all of it, and nothing needs resolving against AWS. An empty list of
 * names (`users: []`) names nothing, so it does not count.
 */
export function isConcrete(intent: Intent): boolean {
  if (intent.type === 'connect') {
    return intent.workspace.by === 'id' && intent.users.length === 0 && intent.routingProfiles.length === 0 && intent.userSelector === undefined;
  }
  return intent.selectors.length === 0 && intent.applications.length === 0;
}

/**
 * One intent per document, in load order. A document whose spec could not be read (or whose
 * instance or workspace is invalid) has none; such a load has errors, and so no state.
 */
export function buildIntents(docs: readonly ParsedDocument[], accounts: ReadonlyMap<string, AccountSpec> = new Map()): Intent[] {
  const intents: Intent[] = [];
  for (const doc of docs) {
    const account = accountRefOf(doc, accounts);
    const common = (spec: { region: string | undefined; prune: boolean; pruneAt: Intent['pruneAt']; allowEmpty: boolean }) => ({
      document: doc.ref,
      ...(account ? { account } : {}),
      region: spec.region,
      prune: spec.prune,
      ...(spec.pruneAt ? { pruneAt: spec.pruneAt } : {}),
      allowEmpty: spec.allowEmpty,
    });
    if (doc.kind === 'ConnectWorkspaceAssociations') {
      const spec = doc.spec;
      if (!spec || spec.instanceId === undefined || !spec.workspace) continue;
      intents.push({
        type: 'connect',
        ...common(spec),
        instanceId: spec.instanceId,
        workspace: spec.workspace,
        resourceArns: spec.resourceArns,
        users: spec.users,
        routingProfiles: spec.routingProfiles,
        ...(spec.userSelector ? { userSelector: spec.userSelector } : {}),
      });
    } else {
      const spec = doc.spec;
      if (!spec) continue;
      intents.push({
        type: 'workspaces',
        ...common(spec),
        workspaceIds: spec.workspaceIds,
        selectors: spec.selectors,
        applicationIds: spec.applicationIds,
        applications: spec.applications,
      });
    }
  }
  return intents;
}
