/**
 * Name resolution on Amazon Connect: users, routing profiles and workspaces by name, users by
 * selector. One scan per instance and kind (the resolver shares it between documents).
 */
import {
  ListRoutingProfilesCommand,
  ListUsersCommand,
  ListWorkspacesCommand,
  SearchUsersCommand,
  type SearchUsersCommandInput,
  type UserSearchCriteria,
} from '@aws-sdk/client-connect';
import type { ConnectLookup, Named, UserQuery } from '../../model/lookup.js';
import type { ClientFactory } from '../clients.js';
import { accountField } from '../../model/desired.js';
import { collectPages } from '../paginate.js';
import { directGate, type CallGate } from '../types.js';

const named = (id: string | undefined, arn: string | undefined, name: string | undefined): Named[] => (id && name ? [{ id, name, ...(arn ? { arn } : {}) }] : []);

export class ConnectLookupAws implements ConnectLookup {
  private readonly gate: CallGate;
  constructor(private readonly o: { clients: ClientFactory; gate?: CallGate; /** The account whose credentials look up (default: the default credentials). */ account?: string }) {
    this.gate = o.gate ?? directGate;
  }

  users(region: string, instanceId: string, signal?: AbortSignal): Promise<Named[]> {
    const client = this.o.clients.connect(region, this.o.account);
    return collectPages(
      this.gate,
      { service: 'connect', ...accountField(this.o.account), region, operation: 'ListUsers' },
      (NextToken) => client.send(new ListUsersCommand({ InstanceId: instanceId, MaxResults: 1000, NextToken }), { abortSignal: signal }),
      (p) => (p.UserSummaryList ?? []).flatMap((u) => named(u.Id, u.Arn, u.Username)),
    );
  }

  routingProfiles(region: string, instanceId: string, signal?: AbortSignal): Promise<Named[]> {
    const client = this.o.clients.connect(region, this.o.account);
    return collectPages(
      this.gate,
      { service: 'connect', ...accountField(this.o.account), region, operation: 'ListRoutingProfiles' },
      (NextToken) => client.send(new ListRoutingProfilesCommand({ InstanceId: instanceId, MaxResults: 1000, NextToken }), { abortSignal: signal }),
      (p) => (p.RoutingProfileSummaryList ?? []).flatMap((r) => named(r.Id, r.Arn, r.Name)),
    );
  }

  workspaces(region: string, instanceId: string, signal?: AbortSignal): Promise<Named[]> {
    const client = this.o.clients.connect(region, this.o.account);
    return collectPages(
      this.gate,
      { service: 'connect', ...accountField(this.o.account), region, operation: 'ListWorkspaces' },
      (NextToken) => client.send(new ListWorkspacesCommand({ InstanceId: instanceId, MaxResults: 100, NextToken }), { abortSignal: signal }),
      (p) => (p.WorkspaceSummaryList ?? []).flatMap((w) => named(w.Id, w.Arn, w.Name)),
    );
  }

  searchUsers(region: string, instanceId: string, query: UserQuery, signal?: AbortSignal): Promise<Named[]> {
    const client = this.o.clients.connect(region, this.o.account);
    const input = searchUsersInput(instanceId, query);
    return collectPages(
      this.gate,
      { service: 'connect', ...accountField(this.o.account), region, operation: 'SearchUsers' },
      (NextToken) => client.send(new SearchUsersCommand({ ...input, MaxResults: 500, NextToken }), { abortSignal: signal }),
      (p) => (p.Users ?? []).flatMap((u) => named(u.Id, u.Arn, u.Username)),
    );
  }
}

/**
 * The SearchUsers request for a selector: tags in SearchFilter.TagFilter, routing profiles as
 * RoutingProfileId string conditions, hierarchy groups as HierarchyGroupCondition, all of them
 * ANDed; never a UserAttributeFilter beside the TagFilter (AWS answers AccessDenied).
 */
export function searchUsersInput(instanceId: string, q: UserQuery): SearchUsersCommandInput {
  const parts: UserSearchCriteria[] = [];
  const anyOf = (list: UserSearchCriteria[]): UserSearchCriteria => (list.length === 1 ? list[0]! : { OrConditions: list });
  if (q.routingProfileIds.length > 0) {
    parts.push(anyOf(q.routingProfileIds.map((id) => ({ StringCondition: { FieldName: 'RoutingProfileId', Value: id, ComparisonType: 'EXACT' } }))));
  }
  if (q.hierarchyGroupIds.length > 0) {
    const match = q.includeChildGroups ? 'WITH_CHILD_GROUPS' : 'EXACT';
    parts.push(anyOf(q.hierarchyGroupIds.map((id) => ({ HierarchyGroupCondition: { Value: id, HierarchyGroupMatchType: match } }))));
  }
  const tags = q.tags.map((t) => ({ TagKey: t.key, TagValue: t.value }));
  return {
    InstanceId: instanceId,
    ...(parts.length === 0 ? {} : { SearchCriteria: parts.length === 1 ? parts[0] : { AndConditions: parts } }),
    ...(tags.length === 0 ? {} : { SearchFilter: { TagFilter: tags.length === 1 ? { TagCondition: tags[0] } : { AndConditions: tags } } }),
  };
}
