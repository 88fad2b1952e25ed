import type { QuotaOptions } from './quotas.js';
/** The seed format (documented in SEED.md): the plain object a seed YAML file parses to. */
import type { FaultOptions } from './faults.js';
import type { AssociationState } from './workspaces-state.js';

export interface Seed {
  accounts: SeedAccount[];
  /** Faults active from the start (same format as a `--fault-file`). Default none. */
  faults?: FaultOptions;
  /** The quotas (as the startSandbox `quotas` option, which wins when given). Default the sandbox's own. */
  quotas?: QuotaOptions;
  /** STS: issued credentials live at most this long (short ones test refreshing). Default as requested. */
  sts?: { sessionSeconds?: number };
}

export interface SeedAccount {
  /** 12 digits. */
  id: string;
  /**
   * Access key ids that select this account. Default none. Unknown long-term keys act in the first
   * account, unless the first account lists keys of its own: then they are refused.
   */
  accessKeyIds?: string[];
  /** IAM roles of this account that STS AssumeRole can assume. Default none. */
  roles?: { name: string; /** Account ids the trust policy allows. */ trust: string[]; externalId?: string }[];
  /** Region name → contents. */
  regions: Record<string, SeedRegion>;
}

export interface SeedRegion {
  connect?: { instances: SeedInstance[] };
  workspaces?: { applications?: SeedApplication[]; workspaces?: SeedWorkSpace[] };
}

export interface SeedInstance {
  id: string;
  /** Default: the id. */
  alias?: string;
  users?: SeedUser[];
  routingProfiles?: { id: string; name: string }[];
  /** Agent hierarchy groups; a parent must be a group of this instance, at most five levels. Default none. */
  hierarchyGroups?: SeedHierarchyGroup[];
  workspaces?: SeedConnectWorkspace[];
}

export interface SeedUser {
  id: string;
  /** 1..100 characters, unique in the instance. */
  username: string;
  /** ≤ 50; key 1..128 (no `aws:` prefix), value ≤ 256. Default none. */
  tags?: Record<string, string>;
  /** A routing profile id of this instance. Default: the instance's first routing profile, if any. */
  routingProfileId?: string;
  /** A hierarchy group id of this instance. Default none. */
  hierarchyGroupId?: string;
}

export interface SeedHierarchyGroup {
  id: string;
  name: string;
  /** Default none (a top-level group). */
  parentId?: string;
}

export interface SeedConnectWorkspace {
  id: string;
  name: string;
  /** Default ASSIGNED. */
  visibility?: 'ALL' | 'ASSIGNED' | 'NONE';
  description?: string;
  title?: string;
  /** Associated users / routing profiles: each an id of this instance or a full ARN. Default none. */
  associations?: string[];
}

export interface SeedApplication {
  id: string;
  name: string;
  description?: string;
  /** Default AMAZON. */
  owner?: string;
  /** Default LICENSED. */
  licenseType?: 'LICENSED' | 'UNLICENSED';
  /** Default AVAILABLE. */
  state?: 'PENDING' | 'ERROR' | 'AVAILABLE' | 'UNINSTALL_ONLY';
  /** Default [WINDOWS_10, WINDOWS_11, WINDOWS_SERVER_2019, WINDOWS_SERVER_2022]. */
  operatingSystems?: string[];
  /** Default: any compute type. */
  computeTypes?: string[];
}

export interface SeedWorkSpace {
  id: string;
  /** Default d-0000000000. */
  directoryId?: string;
  /** Default: the id. */
  userName?: string;
  /** Default wsb-00000000. */
  bundleId?: string;
  /** Default AVAILABLE. */
  state?: string;
  /** Default WINDOWS_11. */
  operatingSystem?: string;
  /** Default STANDARD. */
  computeType?: string;
  /** ≤ 50; key 1..127 (no `aws:` prefix), value ≤ 255 (DescribeTags). Default none. */
  tags?: Record<string, string>;
  applications?: SeedAppAssociation[];
}

export interface SeedAppAssociation {
  id: string;
  /** Default COMPLETED. */
  state?: AssociationState;
  /** Required when state is ERROR. */
  errorCode?: string;
  errorMessage?: string;
  /** For ERROR and in-flight states: which operation it was. Default install (uninstall for *UNINSTALL* states). */
  phase?: 'install' | 'uninstall';
}
