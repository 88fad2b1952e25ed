/**
 * What the resolve stage asks AWS: names and selectors in, ids and ARNs out. Ground floor: the
 * providers implement it with the cheapest calls the API allows, the resolver only reads it.
 * Every method throws an AwsCallError (retryable or terminal) when AWS cannot answer.
 */

/** A user, routing profile, Connect workspace or application: its id, ARN (where it has one) and name. */
export interface Named {
  id: string;
  arn?: string;
  name: string;
}

/** SearchUsers: every user that matches all that is given (an empty list is no filter). */
export interface UserQuery {
  tags: { key: string; value: string }[];
  routingProfileIds: string[];
  hierarchyGroupIds: string[];
  includeChildGroups: boolean;
}

export interface ConnectLookup {
  /** Every user of the instance: one ListUsers scan at 1,000 per page. */
  users(region: string, instanceId: string, signal?: AbortSignal): Promise<Named[]>;
  /**
   * Users among which each of `names` (usernames) is found if it exists: the whole instance (the
   * scan of `users`), or, when looking the names up one by one is cheaper, the scan's first page
   * and the users the look-ups found. A name that is missing from the answer is one the instance
   * does not have, and then the answer is the whole instance (for a "did you mean").
   */
  usersNamed(region: string, instanceId: string, names: readonly string[], signal?: AbortSignal): Promise<Named[]>;
  /** One ListRoutingProfiles scan at 1,000 per page. */
  routingProfiles(region: string, instanceId: string, signal?: AbortSignal): Promise<Named[]>;
  /** One ListWorkspaces scan at 100 per page (Connect agent workspaces). */
  workspaces(region: string, instanceId: string, signal?: AbortSignal): Promise<Named[]>;
  /** SearchUsers at 500 per page. */
  searchUsers(region: string, instanceId: string, query: UserQuery, signal?: AbortSignal): Promise<Named[]>;
}

/**
 * One DescribeWorkspaces filter: AWS takes one at a time. `workspaceIds` (any number: sent 25
 * per call, the API maximum) answers only the WorkSpaces that exist; unknown ids are left out.
 */
export type WorkSpacesFilter = { directoryId: string; userName?: string } | { bundleId: string } | { workspaceIds: readonly string[] };

export interface WorkSpaceSummary {
  workspaceId: string;
  directoryId?: string;
  userName?: string;
  state?: string;
  /** The name of a user-decoupled WorkSpace, when it has one. */
  workspaceName?: string;
}

export interface WorkSpacesLookup {
  /** One DescribeApplications scan of the catalogue at 25 per page. */
  applications(region: string, signal?: AbortSignal): Promise<Named[]>;
  /** DescribeWorkspaces with one filter, 25 per page. */
  workspaces(region: string, filter: WorkSpacesFilter, signal?: AbortSignal): Promise<WorkSpaceSummary[]>;
  /** DescribeTags of one WorkSpace. */
  tags(region: string, workspaceId: string, signal?: AbortSignal): Promise<Map<string, string>>;
}
