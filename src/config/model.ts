/** What one validated document contributes, before documents are merged into targets. */
import type { AccountDocSpec } from './account-spec.js';
import type { ConnectIntent, DocumentRef, Located, SourceLocation, UserSelectorSpec, WorkSpaceSelector } from './types.js';

export const API_VERSION = 'workspace-reconciler/v1';
export const KINDS = ['ConnectWorkspaceAssociations', 'WorkSpaceApplications', 'Account'] as const;

/** One list item as written. */
export type ListedItem = Located;

export interface SpecCommon {
  /** spec.account as written (an Account's name); undefined for the default credentials. */
  account: { name: string; at: SourceLocation } | undefined;
  /** Effective region: spec.region, else LoadOptions.defaultRegion. */
  region: string | undefined;
  prune: boolean;
  /** `allowEmpty: true`: prune may empty the target. */
  allowEmpty: boolean;
  /** Where `prune: true` is written, for ownership-conflict errors. */
  pruneAt: SourceLocation | undefined;
}

export interface ConnectSpec extends SpecCommon {
  /**
   * Undefined when instanceId, workspaceId or region is invalid, or the workspace is named by
   * workspaceName: the document names no concrete target.
   */
  target: { instanceId: string; workspaceId: string } | undefined;
  /** Undefined when missing or invalid. */
  instanceId: string | undefined;
  /** Undefined when missing, invalid, or given both ways. */
  workspace: ConnectIntent['workspace'] | undefined;
  resourceArns: ListedItem[];
  users: ListedItem[];
  routingProfiles: ListedItem[];
  userSelector: UserSelectorSpec | undefined;
}

export interface WorkSpacesSpec extends SpecCommon {
  /** Valid, distinct WorkSpace ids (empty when the region is invalid). */
  workspaceIds: ListedItem[];
  /** Valid selectors, each once. */
  selectors: WorkSpaceSelector[];
  applicationIds: ListedItem[];
  applications: ListedItem[];
}

/**
 * A document with a valid kind and name takes part in the checks across documents (unique
 * names, ownership); `spec` is present when the spec could be read at all.
 */
export type ParsedDocument =
  | { kind: 'ConnectWorkspaceAssociations'; ref: DocumentRef; spec: ConnectSpec | undefined }
  | { kind: 'WorkSpaceApplications'; ref: DocumentRef; spec: WorkSpacesSpec | undefined };

/** An Account document: never a target; `spec` is present when it is valid. */
export interface ParsedAccount {
  kind: 'Account';
  ref: { kind: 'Account'; name: string; location: SourceLocation };
  spec: AccountDocSpec | undefined;
}

export type AnyDocument = ParsedDocument | ParsedAccount;
