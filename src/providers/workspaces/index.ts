/**
 * Amazon WorkSpaces application associations (wsa-… ↔ ws-…). Observed per account and region
 * with whichever view needs fewer calls (view.ts): one DescribeWorkspaceAssociations per WorkSpace,
 * or the application-side view (DescribeApplicationAssociations, 25 per page, per application of
 * interest; the whole catalogue from DescribeApplications when a `prune: true` WorkSpace is to be
 * served by it). Changed with Associate/DisassociateWorkspaceApplication (one pair per call) and
 * DeployWorkspaceApplications (per WorkSpace, covering all its pending pairs).
 */
import {
  AssociateWorkspaceApplicationCommand,
  DeployWorkspaceApplicationsCommand,
  DescribeApplicationAssociationsCommand,
  DescribeApplicationsCommand,
  DescribeWorkspaceAssociationsCommand,
  DisassociateWorkspaceApplicationCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  type WorkspaceResourceAssociation,
  type WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import { accountField, DEFAULT_ACCOUNT, type WorkSpaceTarget } from '../../model/desired.js';
import type { ObservedWorkSpace } from '../../model/observed.js';
import { sendOptions, type ClientFactory } from '../clients.js';
import { AwsCallError, NotSent, ObserveOnlyViolation, TerminalError, classifyAwsError } from '../errors.js';
import { collectPages } from '../paginate.js';
import { directGate, type Action, type ActionResult, type CallGate, type CallInfo, type ObserveOptions, type ObserveOutcome, type Provider } from '../types.js';
import { toApplications } from './associations.js';
import { APPLICATION_PAGE_SIZE, chooseView, pagesFor, PROBE_CALLS, type ObservationView } from './view.js';

export interface WorkSpacesProviderOptions {
  clients: ClientFactory;
  /**
   * May observe through the application-side view when it needs fewer calls. Default true; false
   * keeps one DescribeWorkspaceAssociations per WorkSpace.
   */
  applicationView?: boolean;
  /** Called when a scan chose its view (for logs, tests and the benchmark). */
  onView?: (e: ViewEvent) => void;
  /** Runs every AWS call under its rate limit. Default `directGate` (no limit). */
  gate?: CallGate;
}

const NO_REGION = '-';

/** The observation group of a region of an account: every WorkSpace in it can share one view. */
export function observationGroup(region: string | undefined, account = DEFAULT_ACCOUNT): string {
  return `${account}/${region ?? NO_REGION}`;
}

export interface ViewEvent {
  group: string;
  view: ObservationView;
  /** Calls the choice expected to make, and the calls it made. */
  expected: number;
  calls: number;
  due: number;
  /** The application-side view cost more than one call per WorkSpace would have: it was abandoned. */
  abandoned?: boolean;
}

/** What the provider learnt about a group's applications, for the next choice. */
interface GroupKnowledge {
  /** Associations each application listed when last scanned (REMOVED ones included: they take page room). */
  associations: Map<string, number>;
  /** Application ids of the whole catalogue, as last listed. */
  catalogue?: string[];
  /**
   * Applications seen on a WorkSpace that the catalogue did not list (a listing that lags or
   * leaves some out): scanned with the catalogue from then on, so a prune WorkSpace sees them.
   */
  unlisted: Set<string>;
  /** Which prune WorkSpace the catalogue view reads on its own next (see observe). */
  probe: number;
}

/** One association seen from the application side. */
type Seen = Map<string, WorkspaceResourceAssociation[]>;

/** A page not sent: the view would cost more than one call per WorkSpace. */
class OverBudget extends NotSent {}
/** Another application's scan of the same observation failed: the rest stop paging (nothing they see is used). */
class ScanAbandoned extends NotSent {}

type Operation =
  | 'DescribeWorkspaceAssociations'
  | 'DescribeApplicationAssociations'
  | 'DescribeApplications'
  | 'AssociateWorkspaceApplication'
  | 'DisassociateWorkspaceApplication'
  | 'DeployWorkspaceApplications';

export class WorkSpacesProvider implements Provider<WorkSpaceTarget> {
  readonly service = 'workspaces' as const;
  private readonly clients: ClientFactory;
  private readonly gate: CallGate;

  constructor(options: WorkSpacesProviderOptions) {
    this.clients = options.clients;
    this.gate = options.gate ?? directGate;
    this.onView = options.onView;
    this.applicationView = options.applicationView ?? true;
  }

  private readonly onView?: (e: ViewEvent) => void;
  private readonly applicationView: boolean;
  private readonly knowledge = new Map<string, GroupKnowledge>();

  /** All WorkSpaces of an account and region form one group: the application-side view sees them together. */
  groupKey(target: WorkSpaceTarget): string {
    return observationGroup(target.region, target.account);
  }

  /**
   * Observes the due targets (default all) with the cheapest view; targets the chosen view sees
   * completely anyway are observed too. The gate, not this code, sets the pace of the calls.
   */
  async observe(targets: WorkSpaceTarget[], signal?: AbortSignal, due?: ReadonlySet<string>, options?: ObserveOptions): Promise<Map<string, ObserveOutcome>> {
    const out = new Map<string, ObserveOutcome>();
    const first = targets[0];
    if (!first) return out;
    const group = this.groupKey(first);
    for (const t of targets) {
      if (this.groupKey(t) !== group) throw new TypeError(`observe() takes targets of one group; got ${group} and ${this.groupKey(t)}`);
    }
    const isDue = (t: WorkSpaceTarget) => due === undefined || due.has(t.key);
    const dueTargets = targets.filter(isDue);
    if (first.region === undefined) {
      for (const t of dueTargets) out.set(t.key, { ok: false, error: missingRegion(this.info('DescribeWorkspaceAssociations', t)) });
      return out;
    }
    const region = first.region;
    const known = this.knowledgeOf(group);
    const estimate = estimator(known, targets);
    const dueNonPrune = dueTargets.filter((t) => !t.prune);
    const duePrune = dueTargets.filter((t) => t.prune);
    const listedApps = unionDesired(dueNonPrune);
    // What the catalogue view scans besides the catalogue: every application any target lists, and
    // those seen on a WorkSpace that the catalogue did not list.
    const beyondCatalogue = new Set([...unionDesired(targets), ...known.unlisted]);
    const listedPages = sum(listedApps, estimate);
    let cataloguePages: number | undefined;
    if (duePrune.length > 0) {
      // Unknown catalogue: an optimistic guess (one page of it, and the applications listed);
      // the catalogue is then read, and the choice made again on what it holds.
      const apps = known.catalogue ?? [...unionDesired(dueTargets)];
      cataloguePages = pagesFor(known.catalogue?.length ?? 0) + sum(new Set([...apps, ...beyondCatalogue]), estimate);
    }
    let choice = this.applicationView && !options?.complete ? chooseView({ due: dueTargets.length, duePrune: duePrune.length, listedPages, cataloguePages }) : { view: 'per-workspace' as const, calls: dueTargets.length };
    let calls = 0;
    // The per-WorkSpace cost: no view may cost more, the catalogue view's probe included.
    const budget = () => dueTargets.length - (choice.view === 'catalogue' ? PROBE_CALLS : 0);
    const counter = { calls: 0 };
    let seen: Seen | undefined;
    let scanned: Set<string> | undefined;
    let abandoned = false;
    try {
      if (choice.view === 'catalogue' && known.catalogue === undefined) {
        known.catalogue = await this.catalogue(first.account, region, signal, counter);
        const pages = sum(new Set([...known.catalogue, ...beyondCatalogue]), estimate);
        choice = chooseView({ due: dueTargets.length, duePrune: duePrune.length, listedPages, cataloguePages: pages });
      } else if (choice.view === 'catalogue') {
        known.catalogue = await this.catalogue(first.account, region, signal, counter);
      }
      if (choice.view === 'listed') scanned = listedApps;
      // Every target counts as seen whole under the catalogue view: its own applications are
      // scanned even when DescribeApplications did not list them (a catalogue that lags, or an
      // application shared from elsewhere), or they would read as missing on every pass.
      else if (choice.view === 'catalogue') scanned = new Set([...known.catalogue!, ...beyondCatalogue]);
      if (scanned) seen = await this.applicationSide(first.account, region, scanned, known, signal, counter, budget());
    } catch (err) {
      if (signal?.aborted) throw err;
      if (!(err instanceof OverBudget)) {
        const error = err instanceof AwsCallError ? err : classifyAwsError(err, { service: 'workspaces', ...accountField(first.account), region, operation: 'DescribeApplicationAssociations' });
        for (const t of dueTargets) out.set(t.key, { ok: false, error });
        this.onView?.({ group, view: choice.view, expected: choice.calls, calls: counter.calls, due: dueTargets.length });
        return out;
      }
      // The applications list far more WorkSpaces than estimated: fall back to one call each.
      abandoned = true;
      seen = undefined;
      scanned = undefined;
    }
    calls = counter.calls;
    // The catalogue view trusts DescribeApplications to list every application. To learn of one it
    // leaves out, one due prune WorkSpace per pass, in turn, is read on its own record: one call.
    const probe = seen !== undefined && choice.view === 'catalogue' && duePrune.length > 0 ? duePrune[known.probe++ % duePrune.length] : undefined;
    const perWorkspace: WorkSpaceTarget[] = [];
    for (const t of targets) {
      const covered =
        seen !== undefined && scanned !== undefined && t !== probe &&
        (choice.view === 'catalogue' || (!t.prune && [...t.desired.keys()].every((a) => scanned!.has(a))));
      if (covered) {
        out.set(t.key, { ok: true, observed: { type: 'workspaces', key: t.key, applications: toApplications(seen!.get(t.workspaceId) ?? []) } });
      } else if (isDue(t)) {
        perWorkspace.push(t);
      }
    }
    const outcomes = await Promise.all(perWorkspace.map((t) => this.observeOne(t, signal)));
    perWorkspace.forEach((t, i) => out.set(t.key, outcomes[i]!));
    if (known.catalogue !== undefined) {
      const listed = new Set(known.catalogue);
      for (const o of outcomes) {
        if (!o.ok || o.observed.type !== 'workspaces') continue;
        for (const app of o.observed.applications.keys()) if (!listed.has(app)) known.unlisted.add(app);
      }
    }
    calls += perWorkspace.length;
    this.onView?.({ group, view: abandoned ? 'per-workspace' : choice.view, expected: choice.calls, calls, due: dueTargets.length, ...(abandoned ? { abandoned } : {}) });
    return out;
  }

  /** Every application id of the catalogue (DescribeApplications, 25 per page). */
  private async catalogue(account: string, region: string, signal: AbortSignal | undefined, counter: { calls: number }): Promise<string[]> {
    const client = this.clients.workspaces(region, account);
    const info: CallInfo = { service: 'workspaces', ...accountField(account), region, operation: 'DescribeApplications' };
    return collectPages(
      this.gate,
      info,
      (NextToken) => {
        counter.calls++;
        return client.send(new DescribeApplicationsCommand({ MaxResults: APPLICATION_PAGE_SIZE, NextToken }), sendOptions(signal));
      },
      (p) => (p.Applications ?? []).flatMap((a) => (a.ApplicationId ? [a.ApplicationId] : [])),
    );
  }

  /**
   * The associations of every given application, by WorkSpace id, as WorkspaceResourceAssociation
   * records (the WorkSpace-side shape the planner reads). Throws OverBudget once the pages would
   * cost more than `budget` calls.
   */
  private async applicationSide(
    account: string,
    region: string,
    apps: ReadonlySet<string>,
    known: GroupKnowledge,
    signal: AbortSignal | undefined,
    counter: { calls: number },
    budget: number,
  ): Promise<Seen> {
    const client = this.clients.workspaces(region, account);
    const info: CallInfo = { service: 'workspaces', ...accountField(account), region, operation: 'DescribeApplicationAssociations' };
    const seen: Seen = new Map();
    let over = false;
    let failed = false;
    await Promise.all(
      [...apps].map(async (ApplicationId) => {
        let count = 0;
        try {
          await collectPages(
            this.gate,
            info,
            (NextToken) => {
              // Checked when the call is about to be sent: pages already on the wire still count.
              if (failed) throw new ScanAbandoned();
              if (over || counter.calls >= budget) {
                over = true;
                throw new OverBudget();
              }
              counter.calls++;
              return client.send(
                new DescribeApplicationAssociationsCommand({ ApplicationId, AssociatedResourceTypes: ['WORKSPACE'], MaxResults: APPLICATION_PAGE_SIZE, NextToken }),
                sendOptions(signal),
              );
            },
            (p) => {
              for (const a of p.Associations ?? []) {
                count++;
                if (a.AssociatedResourceType !== 'WORKSPACE' || !a.AssociatedResourceId) continue;
                // Only this application's records: anything else is not what was asked for.
                if (a.ApplicationId !== undefined && a.ApplicationId !== ApplicationId) continue;
                let list = seen.get(a.AssociatedResourceId);
                if (!list) seen.set(a.AssociatedResourceId, (list = []));
                list.push({ AssociatedResourceId: ApplicationId, AssociatedResourceType: 'APPLICATION', State: a.State, StateReason: a.StateReason, LastUpdatedTime: a.LastUpdatedTime, Created: a.Created, WorkspaceId: a.AssociatedResourceId });
              }
              return [];
            },
          );
          known.associations.set(ApplicationId, count);
        } catch (err) {
          const cause = sdkCause(err) ?? err;
          if (cause instanceof OverBudget || err instanceof OverBudget) {
            // At least this many: the next choice knows the application is big.
            known.associations.set(ApplicationId, Math.max(count + APPLICATION_PAGE_SIZE, known.associations.get(ApplicationId) ?? 0));
            throw new OverBudget();
          }
          // An application that does not exist has no associations (a desired id with a typo is
          // reported by its associate call, as with the per-WorkSpace view).
          if (cause instanceof ResourceNotFoundException) {
            known.associations.set(ApplicationId, 0);
            return;
          }
          // The failure that stopped this scan is reported by the scan it happened in.
          if (cause instanceof ScanAbandoned || err instanceof ScanAbandoned) return;
          failed = true;
          throw err;
        }
      }),
    );
    return seen;
  }

  private knowledgeOf(group: string): GroupKnowledge {
    let k = this.knowledge.get(group);
    if (!k) this.knowledge.set(group, (k = { associations: new Map(), unlisted: new Set(), probe: 0 }));
    return k;
  }

  async execute(action: Action, signal?: AbortSignal): Promise<ActionResult> {
    const target = action.target;
    if (target.type !== 'workspaces') {
      throw new TypeError(`WorkSpacesProvider cannot execute ${action.type} on ${target.key}`);
    }
    const WorkspaceId = target.workspaceId;
    if (action.type === 'deploy') {
      const info = this.info('DeployWorkspaceApplications', target);
      // Force only when asked: it retries failed deployments, which a plain deploy leaves alone.
      const input = { WorkspaceId, Force: action.force || undefined };
      const out = await this.send(info, signal, (c) => c.send(new DeployWorkspaceApplicationsCommand(input), sendOptions(signal)));
      return { done: [WorkspaceId], failed: [], requestId: out.$metadata.requestId };
    }

    if (action.items.length !== 1) {
      throw new TypeError(`Expected exactly 1 application per ${action.type} of ${target.key}, got ${action.items.length}`);
    }
    const ApplicationId = action.items[0]!;
    const input = { WorkspaceId, ApplicationId };
    if (action.type === 'associate') {
      const info = this.info('AssociateWorkspaceApplication', target);
      try {
        const out = await this.send(info, signal, (c) => c.send(new AssociateWorkspaceApplicationCommand(input), sendOptions(signal)));
        return { done: [ApplicationId], failed: [], requestId: out.$metadata.requestId };
      } catch (err) {
        // Already associated (in whatever state): the wanted fact holds, so the action is done.
        if (sdkCause(err) instanceof ResourceAlreadyExistsException) return alreadySo(ApplicationId, err);
        throw err;
      }
    }

    const info = this.info('DisassociateWorkspaceApplication', target);
    const stillWanted = action.stillWanted;
    try {
      const out = await this.send(info, signal, (c) => {
        // A removal is sent only if the desired state still calls for it at this moment.
        if (stillWanted && !stillWanted(ApplicationId)) throw new NotSent();
        return c.send(new DisassociateWorkspaceApplicationCommand(input), sendOptions(signal));
      });
      return { done: [ApplicationId], failed: [], requestId: out.$metadata.requestId };
    } catch (err) {
      if (err instanceof NotSent) return { done: [], failed: [], skipped: [ApplicationId] };
      // The planner disassociates only pairs it observed on this WorkSpace a moment ago, so
      // NotFound means the association is gone already (removed by someone else, or a repeat of
      // our own call): removal is idempotent. Should the WorkSpace itself have vanished, the pair
      // is gone too, and the next observation of the target reports that WorkSpace as not found.
      if (sdkCause(err) instanceof ResourceNotFoundException) return alreadySo(ApplicationId, err);
      throw err;
    }
  }

  private async observeOne(target: WorkSpaceTarget, signal?: AbortSignal): Promise<ObserveOutcome> {
    const info = this.info('DescribeWorkspaceAssociations', target);
    try {
      const input = { WorkspaceId: target.workspaceId, AssociatedResourceTypes: ['APPLICATION' as const] };
      const out = await this.send(info, signal, (c) => c.send(new DescribeWorkspaceAssociationsCommand(input), sendOptions(signal)));
      const observed: ObservedWorkSpace = {
        type: 'workspaces',
        key: target.key,
        applications: toApplications(out.Associations ?? []),
      };
      return { ok: true, observed };
    } catch (err) {
      if (signal?.aborted) throw err;
      return { ok: false, error: classifyAwsError(err, info) };
    }
  }

  /** Region '-' stands for "none configured" (as in target keys); `send` refuses it. */
  private info(operation: Operation, target: WorkSpaceTarget): CallInfo {
    return { service: 'workspaces', ...accountField(target.account), region: target.region ?? NO_REGION, operation, targetKey: target.key };
  }

  /**
   * One gated call. Failures come back classified (AwsCallError with the SDK error as `cause`),
   * except a cancellation by our own signal, which propagates as the abort it is.
   */
  private async send<T>(
    info: CallInfo,
    signal: AbortSignal | undefined,
    call: (client: WorkSpacesClient) => Promise<T>,
  ): Promise<T> {
    if (info.region === NO_REGION) throw missingRegion(info);
    const client = this.clients.workspaces(info.region, info.account);
    try {
      return await this.gate.call(info, () => call(client));
    } catch (err) {
      // Never sent (NotSent, or refused as a bug under observe-only): not an AWS answer to classify.
      if (err instanceof NotSent || err instanceof ObserveOnlyViolation || signal?.aborted) throw err;
      throw classifyAwsError(err, info);
    }
  }
}

/** The SDK error behind a classified error. */
function sdkCause(err: unknown): unknown {
  return err instanceof AwsCallError ? err.cause : undefined;
}

function alreadySo(item: string, err: unknown): ActionResult {
  return { done: [item], failed: [], requestId: err instanceof AwsCallError ? err.requestId : undefined };
}

function missingRegion(info: CallInfo): AwsCallError {
  return new TerminalError({ ...info, code: 'MissingRegion', awsMessage: 'no region: set spec.region, --region, or AWS_REGION' });
}

/** Pages each application is expected to take: as last scanned, else one per WorkSpace listing it. */
function estimator(known: GroupKnowledge, targets: readonly WorkSpaceTarget[]): (app: string) => number {
  let listing: Map<string, number> | undefined;
  return (app) => {
    const n = known.associations.get(app);
    if (n !== undefined) return pagesFor(n);
    if (!listing) {
      listing = new Map();
      for (const t of targets) for (const a of t.desired.keys()) listing.set(a, (listing.get(a) ?? 0) + 1);
    }
    return pagesFor(listing.get(app) ?? 0);
  };
}

function unionDesired(targets: readonly WorkSpaceTarget[]): Set<string> {
  const out = new Set<string>();
  for (const t of targets) for (const a of t.desired.keys()) out.add(a);
  return out;
}

function sum(apps: Iterable<string>, pages: (app: string) => number): number {
  let n = 0;
  for (const a of apps) n += pages(a);
  return n;
}
