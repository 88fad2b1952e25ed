/**
 * Prometheus metrics for the daemon, with prom-client on a registry of its own. Names follow
 * controller-runtime where it has one (controller_runtime_*, workqueue_*), with the target kind
 * ("connect", "workspaces") as the `controller` / `name` label; the rest are
 * workspace_reconciler_*. Gauges that describe state (queue depth, drift, terminal failures) are
 * computed when scraped from the reconciler itself, so nothing accumulates between scrapes.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CoordinationEvent } from '../coordination/coordinator.js';
import type { CallEvent } from '../reconciler/ratelimit.js';
import { DEFAULT_ACCOUNT, type Target } from '../model/desired.js';
import { directionsOf, driftTotal } from '../reconciler/drift.js';
import type { Reconciler, TargetStatus } from '../reconciler/reconciler.js';

const KINDS = ['connect', 'workspaces'] as const;

/** controller-runtime's reconcile results. */
export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

export function resultOf(status: TargetStatus, error: boolean): ReconcileResult {
  if (error || status === 'retrying' || status === 'failed') return 'error';
  if (status === 'waiting') return 'requeue_after';
  if (status === 'pending') return 'requeue';
  return 'success';
}

export interface DesiredInfo {
  revision: string;
  files: number;
  documents: number;
  targets: number;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly reconcileTotal: Counter<'controller' | 'result'>;
  private readonly reconcileErrors: Counter<'controller'>;
  private readonly terminalErrors: Counter<'controller'>;
  private readonly reconcileTime: Histogram<'controller'>;
  private readonly awsCalls: Counter<'account' | 'service' | 'operation' | 'outcome'>;
  private readonly awsCallTime: Histogram<'account' | 'service' | 'operation'>;
  private readonly lastSuccess: Gauge<'controller'>;
  private readonly desiredInfo: Gauge<'revision' | 'files' | 'documents' | 'targets'>;
  private readonly reloads: Counter<'result'>;
  private readonly desiredValid: Gauge;
  private readonly selected: Gauge<'kind' | 'document' | 'what'>;
  private reconciler?: Reconciler;
  private coordination?: {
    master: Gauge<'name'>;
    owned: Gauge;
    renewals: Counter<'result'>;
    losses: Counter<'reason'>;
    acquisitions: Counter<'how'>;
  };

  constructor(o: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (o.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.reconcileTotal = new Counter({ name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller', labelNames: ['controller', 'result'], registers });
    this.reconcileErrors = new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller', labelNames: ['controller'], registers });
    this.terminalErrors = new Counter({ name: 'controller_runtime_terminal_reconcile_errors_total', help: 'Total number of terminal reconciliation errors per controller', labelNames: ['controller'], registers });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds', help: 'Length of time per reconciliation per controller', labelNames: ['controller'], registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    });
    this.awsCalls = new Counter({ name: 'workspace_reconciler_aws_calls_total', help: 'AWS API calls by account, service, operation and outcome (success, throttled, retryable, busy, terminal, aborted, fenced)', labelNames: ['account', 'service', 'operation', 'outcome'], registers });
    this.awsCallTime = new Histogram({ name: 'workspace_reconciler_aws_call_duration_seconds', help: 'AWS API call latency by account, service and operation, SDK retries of transient errors included', labelNames: ['account', 'service', 'operation'], registers, buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    this.lastSuccess = new Gauge({ name: 'workspace_reconciler_last_successful_reconcile_timestamp_seconds', help: 'When a target of this kind last finished a pass successfully (Unix time): converged, or observed and planned under --observe-only', labelNames: ['controller'], registers });
    this.desiredInfo = new Gauge({ name: 'workspace_reconciler_desired_state_info', help: 'The desired state being enforced: git revision (or "unknown") and counts', labelNames: ['revision', 'files', 'documents', 'targets'], registers });
    this.reloads = new Counter({ name: 'workspace_reconciler_desired_state_reloads_total', help: 'Loads of the desired state by result (applied, unchanged, invalid, refused)', labelNames: ['result'], registers });
    this.selected = new Gauge({
      name: 'workspace_reconciler_document_selected',
      help: 'What each document of the desired state resolved to at the last reload: targets, and items (users, routing profiles, applications) over them',
      labelNames: ['kind', 'document', 'what'],
      registers,
    });
    this.desiredValid = new Gauge({ name: 'workspace_reconciler_desired_state_valid', help: '1 when the last load of the desired state was valid and enforced, 0 when the previous one is still being enforced', registers });

    const self = this;
    new Gauge({
      name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers,
      collect() {
        for (const k of KINDS) { const q = self.reconciler?.queues[k]; this.set({ name: k }, q ? q.length : 0); }
      },
    });
    new Gauge({
      name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers,
      collect() {
        for (const k of KINDS) this.set({ name: k }, self.reconciler?.queues[k].adds ?? 0);
      },
    });
    new Gauge({
      name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers,
      collect() {
        for (const k of KINDS) this.set({ name: k }, self.reconciler?.queues[k].retries ?? 0);
      },
    });
    new Gauge({
      name: 'controller_runtime_active_workers', help: 'Number of currently used workers per controller', labelNames: ['controller'], registers,
      collect() {
        for (const k of KINDS) this.set({ controller: k }, self.reconciler?.queues[k].activeCount ?? 0);
      },
    });
    // Per target, but only while it drifts: a fleet of 10,000 WorkSpaces in line costs no series,
    // and the `target` label never outlives the drift (see drift.ts for the directions).
    new Gauge({
      name: 'workspace_reconciler_drift_associations',
      help: 'Associations of a drifting target not as desired, by direction: missing (desired, not associated), extra (associated, not desired, on a prune target: what prune would remove), undeployed (WorkSpaces: install or uninstall not yet done). Series exist only while the target drifts.',
      labelNames: ['kind', 'target', 'document', 'direction'], registers,
      collect() {
        this.reset();
        for (const st of self.reconciler?.targetStates() ?? []) {
          if (driftTotal(st.drift) === 0) continue;
          const labels = { kind: st.target.type, target: st.target.key, document: documentsOf(st.target) };
          for (const direction of directionsOf(st.target.type)) this.set({ ...labels, direction }, st.drift![direction]);
        }
      },
    });
    new Gauge({
      name: 'workspace_reconciler_drift_since_timestamp_seconds',
      help: 'When the current drift of a target started (Unix time); the series is removed when the drift ends',
      labelNames: ['kind', 'target', 'document'], registers,
      collect() {
        this.reset();
        for (const st of self.reconciler?.targetStates() ?? []) {
          if (driftTotal(st.drift) === 0 || st.driftSince === undefined) continue;
          this.set({ kind: st.target.type, target: st.target.key, document: documentsOf(st.target) }, st.driftSince / 1000);
        }
      },
    });
    new Gauge({
      name: 'workspace_reconciler_drift_targets', help: 'Targets that drift now, by kind (always present, 0 when none)', labelNames: ['kind'], registers,
      collect() {
        const n = { connect: 0, workspaces: 0 };
        for (const st of self.reconciler?.targetStates() ?? []) if (driftTotal(st.drift) > 0) n[st.target.type]++;
        for (const k of KINDS) this.set({ kind: k }, n[k]);
      },
    });
    new Gauge({
      name: 'workspace_reconciler_removals_held', help: 'Removals planned and not made (over --max-prune, after a failed association, or prune of an empty desired set), by kind and reason', labelNames: ['kind', 'reason'], registers,
      collect() {
        this.reset();
        const n = new Map<string, number>();
        for (const st of self.reconciler?.targetStates() ?? []) {
          if (!st.held) continue;
          const k = `${st.target.type}/${st.held.reason}`;
          n.set(k, (n.get(k) ?? 0) + st.held.count);
        }
        for (const k of KINDS) if (![...n.keys()].some((x) => x.startsWith(`${k}/`))) this.set({ kind: k, reason: 'max-prune' }, 0);
        for (const [k, v] of n) { const [kind, reason] = k.split('/'); this.set({ kind, reason }, v); }
      },
    });
    new Gauge({
      name: 'workspace_reconciler_terminal_failures', help: 'Items failing terminally now (reported, not retried until the desired state changes or a resync)', labelNames: ['kind'], registers,
      collect() {
        const n = { connect: 0, workspaces: 0 };
        for (const st of self.reconciler?.targetStates() ?? []) n[st.target.type] += st.terminal.size;
        for (const k of KINDS) this.set({ kind: k }, n[k]);
      },
    });
    new Gauge({
      name: 'workspace_reconciler_targets', help: 'Targets by kind and status', labelNames: ['kind', 'status'], registers,
      collect() {
        this.reset();
        const n = new Map<string, number>();
        for (const st of self.reconciler?.targetStates() ?? []) n.set(`${st.target.type}/${st.status}`, (n.get(`${st.target.type}/${st.status}`) ?? 0) + 1);
        for (const [k, v] of n) { const [kind, status] = k.split('/'); this.set({ kind, status }, v); }
      },
    });
  }

  /**
   * Several replicas: controller-runtime's leader_election_master_status (1 while this replica
   * holds at least one shard), the shards held, and lease renewals, acquisitions and losses.
   */
  enableCoordination(name = 'workspace-reconciler'): void {
    if (this.coordination) return;
    const registers = [this.registry];
    const c = {
      master: new Gauge({ name: 'leader_election_master_status', help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. \'name\' is the string used to identify the lease. Please make sure to group by name.', labelNames: ['name'], registers }),
      owned: new Gauge({ name: 'workspace_reconciler_shards_owned', help: 'Shards (account + region) whose lease this replica holds', registers }),
      renewals: new Counter({ name: 'workspace_reconciler_lease_renewals_total', help: 'Lease renewals by result (success, failure: an error, or the lease was taken)', labelNames: ['result'], registers }),
      losses: new Counter({ name: 'workspace_reconciler_lease_losses_total', help: 'Shards this replica stopped holding, by reason (deadline: not renewed in time; taken; handover; released; removed from the desired state)', labelNames: ['reason'], registers }),
      acquisitions: new Counter({ name: 'workspace_reconciler_lease_acquisitions_total', help: 'Shards this replica took, by how (free, expired, handover, reclaimed)', labelNames: ['how'], registers }),
    };
    c.master.set({ name }, 0);
    c.owned.set(0);
    for (const r of ['success', 'failure']) c.renewals.inc({ result: r }, 0);
    for (const r of ['deadline', 'taken', 'handover', 'released', 'removed']) c.losses.inc({ reason: r }, 0);
    for (const h of ['free', 'expired', 'handover', 'reclaimed']) c.acquisitions.inc({ how: h }, 0);
    this.coordination = c;
    this.coordinationName = name;
  }

  private coordinationName = 'workspace-reconciler';

  onCoordination(e: CoordinationEvent): void {
    const c = this.coordination;
    if (!c) return;
    if (e.type === 'renewal') c.renewals.inc({ result: e.ok ? 'success' : 'failure' });
    else if (e.type === 'acquired') c.acquisitions.inc({ how: e.how });
    else if (e.type === 'lost') c.losses.inc({ reason: e.reason });
    else {
      c.owned.set(e.count);
      c.master.set({ name: this.coordinationName }, e.count > 0 ? 1 : 0);
    }
  }

  attach(reconciler: Reconciler): void {
    this.reconciler = reconciler;
  }

  onPass(e: { type: 'connect' | 'workspaces'; status: TargetStatus; durationMs: number; error?: boolean; terminal?: boolean }, nowMs: number): void {
    const result = resultOf(e.status, e.error ?? false);
    this.reconcileTotal.inc({ controller: e.type, result });
    if (result === 'error') this.reconcileErrors.inc({ controller: e.type });
    if (e.status === 'failed') this.terminalErrors.inc({ controller: e.type });
    this.reconcileTime.observe({ controller: e.type }, e.durationMs / 1000);
    // Observe-only, a pass that observed and planned a drifting target succeeded too.
    if (e.status === 'converged' || e.status === 'drifted') this.lastSuccess.set({ controller: e.type }, nowMs / 1000);
  }

  onCall(e: CallEvent): void {
    const account = e.account ?? DEFAULT_ACCOUNT;
    this.awsCalls.inc({ account, service: e.service, operation: e.operation, outcome: e.outcome });
    if (e.outcome !== 'aborted') this.awsCallTime.observe({ account, service: e.service, operation: e.operation }, e.durationMs / 1000);
  }

  onReload(result: 'applied' | 'unchanged' | 'invalid' | 'refused', info?: DesiredInfo): void {
    this.reloads.inc({ result });
    this.desiredValid.set(result === 'applied' || result === 'unchanged' ? 1 : 0);
    if (info) {
      this.desiredInfo.reset();
      this.desiredInfo.set({ revision: info.revision, files: String(info.files), documents: String(info.documents), targets: String(info.targets) }, 1);
    }
  }

  /** Per document: how many targets it resolved to, and how many desired items it gave them. */
  onResolved(targets: readonly Target[]): void {
    const per = new Map<string, { kind: string; document: string; targets: number; items: number }>();
    for (const t of targets) {
      for (const d of t.documents) {
        const k = `${d.kind}/${d.name}`;
        const e = per.get(k) ?? { kind: d.kind, document: d.name, targets: 0, items: 0 };
        e.targets += 1;
        e.items += t.desired.size;
        per.set(k, e);
      }
    }
    this.selected.reset();
    for (const e of per.values()) {
      this.selected.set({ kind: e.kind, document: e.document, what: 'targets' }, e.targets);
      this.selected.set({ kind: e.kind, document: e.document, what: 'items' }, e.items);
    }
  }

  /** Initialize every labelled series at zero, so dashboards see them before the first event. */
  zero(): void {
    for (const k of KINDS) {
      for (const r of ['success', 'error', 'requeue', 'requeue_after'] as const) this.reconcileTotal.inc({ controller: k, result: r }, 0);
      this.reconcileErrors.inc({ controller: k }, 0);
      this.terminalErrors.inc({ controller: k }, 0);
    }
  }
}

/** The documents a target comes from, by name (one in nearly every case). */
function documentsOf(t: Target): string {
  return [...new Set(t.documents.map((d) => d.name))].sort().join(',');
}
