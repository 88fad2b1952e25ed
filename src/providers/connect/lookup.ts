/**
 * Name resolution on Amazon Connect: users, routing profiles and workspaces by name, users by
 * selector. One scan per instance and kind (the resolver shares it between documents).
 */
import {
  ListRoutingProfilesCommand,
  ListUsersCommand,
  type ListUsersCommandOutput,
  ListWorkspacesCommand,
  SearchUsersCommand,
  type SearchUsersCommandInput,
  type UserSearchCriteria,
} from '@aws-sdk/client-connect';
import type { ConnectLookup, Named, UserQuery } from '../../model/lookup.js';
import { sendOptions, type ClientFactory } from '../clients.js';
import { accountField } from '../../model/desired.js';
import { classifyAwsError } from '../errors.js';
import { collectPages, eachPage } from '../paginate.js';
import { directGate, type CallGate, type CallInfo } from '../types.js';
import { chooseUserResolution, HANDFUL } from './lookup-cost.js';

const named = (id: string | undefined, arn: string | undefined, name: string | undefined): Named[] => (id && name ? [{ id, name, ...(arn ? { arn } : {}) }] : []);

export class ConnectLookupAws implements ConnectLookup {
  private readonly gate: CallGate;
  constructor(private readonly o: { clients: ClientFactory; gate?: CallGate; /** The account whose credentials look up (default: the default credentials). */ account?: string }) {
    this.gate = o.gate ?? directGate;
  }

  users(region: string, instanceId: string, signal?: AbortSignal): Promise<Named[]> {
    return collectPages(this.gate, ...this.userPages(region, instanceId, signal));
  }

  /** The ListUsers scan's call and page contents, at the API's maximum page size. */
  private userPages(region: string, instanceId: string, signal?: AbortSignal) {
    const client = this.o.clients.connect(region, this.o.account);
    return [
      { service: 'connect', ...accountField(this.o.account), region, operation: 'ListUsers' } satisfies CallInfo,
      (NextToken: string | undefined) => client.send(new ListUsersCommand({ InstanceId: instanceId, MaxResults: 1000, NextToken }), sendOptions(signal)),
      (p: ListUsersCommandOutput) => (p.UserSummaryList ?? []).flatMap((u) => named(u.Id, u.Arn, u.Username)),
    ] as const;
  }

  /**
   * The ListUsers scan, unless it is cheaper to look the names up (lookup-cost.ts): its first
   * page is read either way (it is the whole of an instance of up to 1,000 users). When names are
   * still missing after it, at most HANDFUL, one SearchUsers learns the instance's size; if
   * SearchUsers by `Username` then costs fewer calls and no more time than the rest of the scan,
   * each name is looked up. A name the look-ups do not find is not guessed at: the scan is
   * finished, so the answer is the one a scan gives (and its "did you mean").
   */
  async usersNamed(region: string, instanceId: string, names: readonly string[], signal?: AbortSignal): Promise<Named[]> {
    const pages = eachPage(this.gate, ...this.userPages(region, instanceId, signal));
    const seen: Named[] = [];
    let pagesRead = 0;
    for await (const page of pages) {
      seen.push(...page.items);
      pagesRead++;
      if (page.last) return seen;
      if (pagesRead > 1) continue;
      const have = new Set(seen.map((u) => u.name));
      const missing = [...new Set(names)].filter((n) => !have.has(n));
      if (missing.length === 0) return seen;
      const found = missing.length <= HANDFUL ? await this.lookUp(region, instanceId, missing, pagesRead, signal) : undefined;
      if (found) return [...seen, ...found];
    }
    return seen;
  }

  /** The users with these names by SearchUsers, if that is cheaper than the rest of the scan and finds them all; else undefined. */
  private async lookUp(region: string, instanceId: string, missing: string[], pagesRead: number, signal?: AbortSignal): Promise<Named[] | undefined> {
    const scanLimit = this.gate.limitOf?.({ service: 'connect', ...accountField(this.o.account), region, operation: 'ListUsers' });
    const lookupLimit = this.gate.limitOf?.({ service: 'connect', ...accountField(this.o.account), region, operation: 'SearchUsers' });
    // Without limits to weigh the two, the scan the resolver has always made.
    if (!scanLimit || !lookupLimit) return undefined;
    const client = this.o.clients.connect(region, this.o.account);
    const info: CallInfo = { service: 'connect', ...accountField(this.o.account), region, operation: 'SearchUsers' };
    const search = async (input: Omit<SearchUsersCommandInput, 'InstanceId'>) => {
      try {
        return await this.gate.call(info, () => client.send(new SearchUsersCommand({ InstanceId: instanceId, ...input }), sendOptions(signal)));
      } catch (err) {
        throw classifyAwsError(err, info);
      }
    };
    const users = (await search({ MaxResults: 1 })).ApproximateTotalCount;
    if (users === undefined || !Number.isInteger(users) || users < 0) return undefined;
    if (chooseUserResolution({ names: missing.length, users, pagesRead, scan: scanLimit, lookup: lookupLimit }) === 'scan') return undefined;
    const hits = await Promise.all(
      missing.map(async (name) => {
        const out = await search({ MaxResults: 100, SearchCriteria: { StringCondition: { FieldName: 'Username', Value: name, ComparisonType: 'EXACT' } } });
        // Only the exact name: how AWS compares case in EXACT is not documented.
        return (out.Users ?? []).flatMap((u) => named(u.Id, u.Arn, u.Username)).filter((u) => u.name === name);
      }),
    );
    return hits.every((h) => h.length > 0) ? hits.flat() : undefined;
  }

  routingProfiles(region: string, instanceId: string, signal?: AbortSignal): Promise<Named[]> {
    const client = this.o.clients.connect(region, this.o.account);
    return collectPages(
      this.gate,
      { service: 'connect', ...accountField(this.o.account), region, operation: 'ListRoutingProfiles' },
      (NextToken) => client.send(new ListRoutingProfilesCommand({ InstanceId: instanceId, MaxResults: 1000, NextToken }), sendOptions(signal)),
      (p) => (p.RoutingProfileSummaryList ?? []).flatMap((r) => named(r.Id, r.Arn, r.Name)),
    );
  }

  workspaces(region: string, instanceId: string, signal?: AbortSignal): Promise<Named[]> {
    const client = this.o.clients.connect(region, this.o.account);
    return collectPages(
      this.gate,
      { service: 'connect', ...accountField(this.o.account), region, operation: 'ListWorkspaces' },
      (NextToken) => client.send(new ListWorkspacesCommand({ InstanceId: instanceId, MaxResults: 100, NextToken }), sendOptions(signal)),
      (p) => (p.WorkspaceSummaryList ?? []).flatMap((w) => named(w.Id, w.Arn, w.Name)),
    );
  }

  searchUsers(region: string, instanceId: string, query: UserQuery, signal?: AbortSignal): Promise<Named[]> {
    const client = this.o.clients.connect(region, this.o.account);
    const input = searchUsersInput(instanceId, query);
    return collectPages(
      this.gate,
      { service: 'connect', ...accountField(this.o.account), region, operation: 'SearchUsers' },
      (NextToken) => client.send(new SearchUsersCommand({ ...input, MaxResults: 500, NextToken }), sendOptions(signal)),
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
