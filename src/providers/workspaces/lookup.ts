/**
 * Name resolution on Amazon WorkSpaces: applications by name (one DescribeApplications scan of
 * the catalogue), WorkSpaces by directory, user or bundle (DescribeWorkspaces, one filter at a
 * time, as the API takes them), and tags per WorkSpace (DescribeTags), only for tag selectors.
 */
import { DescribeApplicationsCommand, DescribeTagsCommand, DescribeWorkspacesCommand, type DescribeWorkspacesCommandInput, type Workspace } from '@aws-sdk/client-workspaces';
import type { Named, WorkSpaceSummary, WorkSpacesFilter, WorkSpacesLookup } from '../../model/lookup.js';
import { sendOptions, type ClientFactory } from '../clients.js';
import { accountField } from '../../model/desired.js';
import { classifyAwsError } from '../errors.js';
import { collectPages } from '../paginate.js';
import { directGate, type CallGate, type CallInfo } from '../types.js';

/** DescribeWorkspaces' maximum page size (Limit) and WorkspaceIds per call. */
const PAGE = 25;

function summary(workspaceId: string, w: Workspace): WorkSpaceSummary {
  return { workspaceId, directoryId: w.DirectoryId, userName: w.UserName, state: w.State, ...(w.WorkspaceName ? { workspaceName: w.WorkspaceName } : {}) };
}

export class WorkSpacesLookupAws implements WorkSpacesLookup {
  private readonly gate: CallGate;
  constructor(private readonly o: { clients: ClientFactory; gate?: CallGate; /** The account whose credentials look up (default: the default credentials). */ account?: string }) {
    this.gate = o.gate ?? directGate;
  }

  applications(region: string, signal?: AbortSignal): Promise<Named[]> {
    const client = this.o.clients.workspaces(region, this.o.account);
    return collectPages(
      this.gate,
      { service: 'workspaces', ...accountField(this.o.account), region, operation: 'DescribeApplications' },
      (NextToken) => client.send(new DescribeApplicationsCommand({ MaxResults: 25, NextToken }), sendOptions(signal)),
      (p) => (p.Applications ?? []).flatMap((a) => (a.ApplicationId && a.Name ? [{ id: a.ApplicationId, name: a.Name }] : [])),
    );
  }

  async workspaces(region: string, filter: WorkSpacesFilter, signal?: AbortSignal): Promise<WorkSpaceSummary[]> {
    const client = this.o.clients.workspaces(region, this.o.account);
    const describe = (input: DescribeWorkspacesCommandInput) =>
      collectPages(
        this.gate,
        { service: 'workspaces', ...accountField(this.o.account), region, operation: 'DescribeWorkspaces' },
        (NextToken) => client.send(new DescribeWorkspacesCommand({ ...input, ...(input.WorkspaceIds ? {} : { Limit: PAGE }), NextToken }), sendOptions(signal)),
        (p) => (p.Workspaces ?? []).flatMap((w) => (w.WorkspaceId ? [summary(w.WorkspaceId, w)] : [])),
      );
    if ('workspaceIds' in filter) {
      // WorkspaceIds takes 1..25 ids and cannot be combined with Limit.
      const out: WorkSpaceSummary[] = [];
      for (let i = 0; i < filter.workspaceIds.length; i += PAGE) out.push(...(await describe({ WorkspaceIds: filter.workspaceIds.slice(i, i + PAGE) })));
      return out;
    }
    return describe('bundleId' in filter ? { BundleId: filter.bundleId } : { DirectoryId: filter.directoryId, ...(filter.userName ? { UserName: filter.userName } : {}) });
  }

  async tags(region: string, workspaceId: string, signal?: AbortSignal): Promise<Map<string, string>> {
    const client = this.o.clients.workspaces(region, this.o.account);
    const info: CallInfo = { service: 'workspaces', ...accountField(this.o.account), region, operation: 'DescribeTags' };
    try {
      const out = await this.gate.call(info, () => client.send(new DescribeTagsCommand({ ResourceId: workspaceId }), sendOptions(signal)));
      return new Map((out.TagList ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? '']] : [])));
    } catch (err) {
      throw classifyAwsError(err, info);
    }
  }
}
