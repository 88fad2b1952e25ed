/**
 * Name resolution on Amazon WorkSpaces: applications by name (one DescribeApplications scan of
 * the catalogue), WorkSpaces by directory, user or bundle (DescribeWorkspaces, one filter at a
 * time, as the API takes them), and tags per WorkSpace (DescribeTags), only for tag selectors.
 */
import { DescribeApplicationsCommand, DescribeTagsCommand, DescribeWorkspacesCommand } from '@aws-sdk/client-workspaces';
import type { Named, WorkSpaceSummary, WorkSpacesFilter, WorkSpacesLookup } from '../../model/lookup.js';
import type { ClientFactory } from '../clients.js';
import { accountField } from '../../model/desired.js';
import { classifyAwsError } from '../errors.js';
import { collectPages } from '../paginate.js';
import { directGate, type CallGate, type CallInfo } from '../types.js';

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
      (NextToken) => client.send(new DescribeApplicationsCommand({ MaxResults: 25, NextToken }), { abortSignal: signal }),
      (p) => (p.Applications ?? []).flatMap((a) => (a.ApplicationId && a.Name ? [{ id: a.ApplicationId, name: a.Name }] : [])),
    );
  }

  workspaces(region: string, filter: WorkSpacesFilter, signal?: AbortSignal): Promise<WorkSpaceSummary[]> {
    const client = this.o.clients.workspaces(region, this.o.account);
    const input = 'bundleId' in filter ? { BundleId: filter.bundleId } : { DirectoryId: filter.directoryId, ...(filter.userName ? { UserName: filter.userName } : {}) };
    return collectPages(
      this.gate,
      { service: 'workspaces', ...accountField(this.o.account), region, operation: 'DescribeWorkspaces' },
      (NextToken) => client.send(new DescribeWorkspacesCommand({ ...input, Limit: 25, NextToken }), { abortSignal: signal }),
      (p) => (p.Workspaces ?? []).flatMap((w) => (w.WorkspaceId ? [{ workspaceId: w.WorkspaceId, directoryId: w.DirectoryId, userName: w.UserName, state: w.State }] : [])),
    );
  }

  async tags(region: string, workspaceId: string, signal?: AbortSignal): Promise<Map<string, string>> {
    const client = this.o.clients.workspaces(region, this.o.account);
    const info: CallInfo = { service: 'workspaces', ...accountField(this.o.account), region, operation: 'DescribeTags' };
    try {
      const out = await this.gate.call(info, () => client.send(new DescribeTagsCommand({ ResourceId: workspaceId }), { abortSignal: signal }));
      return new Map((out.TagList ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? '']] : [])));
    } catch (err) {
      throw classifyAwsError(err, info);
    }
  }
}
