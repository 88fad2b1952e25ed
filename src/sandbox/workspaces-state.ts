/**
 * The WorkSpaces side of the world and the application association state machine (aws-api.md §3.8).
 * State advances lazily from the injected clock whenever it is read or written (no timers), so tests
 * with a fake clock are deterministic:
 *
 *   PENDING_INSTALL_DEPLOYMENT ─step─▶ INSTALLING ─step─▶ COMPLETED | ERROR (scripted outcome)
 *   PENDING_UNINSTALL_DEPLOYMENT ─step─▶ UNINSTALLING ─step─▶ REMOVED | ERROR (scripted outcome)
 */
import type { AssociationErrorCode, FaultBook } from './faults.js';
import { SortedIndex } from './sorted.js';

/**
 * The API's AssociationState enum (aws-api.md §3.8), the sandbox's own copy: the emulator is
 * written from the API's documentation, never from the reconciler's vocabulary, so an assumption
 * of the reconciler cannot leak into what the sandbox answers.
 */
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

export const IN_FLIGHT: ReadonlySet<AssociationState> = new Set([
  'PENDING_INSTALL_DEPLOYMENT',
  'PENDING_UNINSTALL_DEPLOYMENT',
  'INSTALLING',
  'UNINSTALLING',
]);

export interface Application {
  id: string;
  name: string;
  description: string;
  owner: string;
  licenseType: 'LICENSED' | 'UNLICENSED';
  state: 'PENDING' | 'ERROR' | 'AVAILABLE' | 'UNINSTALL_ONLY';
  operatingSystems: string[];
  /** Empty means any compute type. */
  computeTypes: string[];
  created: number;
}

export interface AppAssociation {
  workspaceId: string;
  applicationId: string;
  state: AssociationState;
  created: number;
  lastUpdated: number;
  /** When the current state was entered (drives the lazy step timer). */
  since: number;
  /** Which operation the current or last deployment performs; decides where ERROR is redeployed. */
  phase: 'install' | 'uninstall';
  reason?: { code: AssociationErrorCode; message: string };
}

export interface WorkSpace {
  id: string;
  directoryId: string;
  userName: string;
  bundleId: string;
  state: string;
  operatingSystem: string;
  computeType: string;
  runningMode: string;
  computerName: string;
  ipAddress: string;
  /** Key → value, in seed order; empty when the WorkSpace has none. */
  tags: Record<string, string>;
  /** Application id → association (REMOVED ones stay until replaced). */
  apps: Map<string, AppAssociation>;
}

export interface StepContext {
  now: () => number;
  stepDelayMs: number;
  faults: FaultBook;
}

/** Applies every transition that is due by now. */
export function advance(a: AppAssociation, ctx: StepContext): void {
  const now = ctx.now();
  while (IN_FLIGHT.has(a.state) && now >= a.since + ctx.stepDelayMs) {
    const at = a.since + ctx.stepDelayMs;
    switch (a.state) {
      case 'PENDING_INSTALL_DEPLOYMENT':
        a.state = 'INSTALLING';
        break;
      case 'PENDING_UNINSTALL_DEPLOYMENT':
        a.state = 'UNINSTALLING';
        break;
      default: {
        const phase = a.state === 'INSTALLING' ? 'install' : 'uninstall';
        const outcome = ctx.faults.deployOutcome(a.workspaceId, a.applicationId, phase);
        if (outcome !== undefined) {
          a.state = 'ERROR';
          a.reason = { code: outcome.errorCode, message: outcome.message ?? defaultReasonMessage(outcome.errorCode) };
        } else {
          a.state = phase === 'install' ? 'COMPLETED' : 'REMOVED';
        }
      }
    }
    a.since = at;
    a.lastUpdated = at;
  }
}

function defaultReasonMessage(code: AssociationErrorCode): string {
  return `The application deployment failed: ${code}`;
}

/** One account's WorkSpaces in one region. */
export class WorkSpacesRegion {
  readonly workspaces = new Map<string, WorkSpace>();
  readonly applications = new Map<string, Application>();
  workspacesIndex = new SortedIndex<WorkSpace>();
  applicationsIndex = new SortedIndex<Application>();
  /** Application id → WorkSpace ids with an association of it (any state), for DescribeApplicationAssociations. */
  readonly byApplication = new Map<string, SortedIndex<AppAssociation>>();

  reindex(): void {
    this.workspacesIndex = SortedIndex.from([...this.workspaces.values()].map((w) => [w.id, w]));
    this.applicationsIndex = SortedIndex.from([...this.applications.values()].map((a) => [a.id, a]));
    this.byApplication.clear();
    const per = new Map<string, [string, AppAssociation][]>();
    for (const w of this.workspaces.values()) {
      for (const a of w.apps.values()) {
        const list = per.get(a.applicationId) ?? [];
        list.push([w.id, a]);
        per.set(a.applicationId, list);
      }
    }
    for (const [app, list] of per) this.byApplication.set(app, SortedIndex.from(list));
  }

  /** Records (or replaces) an association in both views. */
  put(a: AppAssociation): void {
    const ws = this.workspaces.get(a.workspaceId);
    if (ws === undefined) throw new Error(`no WorkSpace ${a.workspaceId}`);
    ws.apps.set(a.applicationId, a);
    let idx = this.byApplication.get(a.applicationId);
    if (idx === undefined) {
      idx = new SortedIndex<AppAssociation>();
      this.byApplication.set(a.applicationId, idx);
    }
    idx.set(a.workspaceId, a);
  }
}
