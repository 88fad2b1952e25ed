/**
 * What providers observe: the facts AWS reports for a target, plain data. Ground floor: providers
 * write it, the observer and the planner read it, and nothing here imports another stage.
 */

/** WorkSpaces application association states (aws-api.md §3). */
export type AssociationState =
  | 'PENDING_INSTALL'
  | 'PENDING_INSTALL_DEPLOYMENT'
  | 'PENDING_UNINSTALL'
  | 'PENDING_UNINSTALL_DEPLOYMENT'
  | 'INSTALLING'
  | 'UNINSTALLING'
  | 'ERROR'
  | 'COMPLETED'
  | 'REMOVED';

export const ASSOCIATION_STATES: readonly AssociationState[] = [
  'PENDING_INSTALL',
  'PENDING_INSTALL_DEPLOYMENT',
  'PENDING_UNINSTALL',
  'PENDING_UNINSTALL_DEPLOYMENT',
  'INSTALLING',
  'UNINSTALLING',
  'ERROR',
  'COMPLETED',
  'REMOVED',
];

/** What AWS has for one Connect workspace: the resource ARNs associated with it. */
export interface ObservedConnect {
  type: 'connect';
  key: string;
  associated: Set<string>;
  /** What AWS calls each associated resource (ResourceName, with its type): `user jdoe`. */
  names?: Map<string, string>;
}

export interface ObservedApplication {
  applicationId: string;
  state: AssociationState;
  /** StateReason.ErrorCode, e.g. `DeploymentError.WorkspaceUnreachable`. */
  reasonCode?: string;
  reasonMessage?: string;
}

/** What AWS has for one WorkSpace: its application associations by application id. */
export interface ObservedWorkSpace {
  type: 'workspaces';
  key: string;
  applications: Map<string, ObservedApplication>;
}

export type Observed = ObservedConnect | ObservedWorkSpace;

/** Observation by target key. A target without an entry has nothing associated. */
export type ObservedState = Map<string, Observed>;
