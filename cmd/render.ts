/** How plans and reports look: text for a person, JSON (one document on stdout) for a script. */
import { DEFAULT_ACCOUNT, type Target } from '../src/config/types.js';
import type { Failure, TargetState } from '../src/reconciler/reconciler.js';
import { desiredHold, removalsOf } from '../src/reconciler/reconciler.js';
import type { Plan, PlanSummary, TargetPlan } from '../src/reconciler/types.js';
import type { ObserveError } from '../src/reconciler/observer.js';
import { hasChanges } from '../src/reconciler/plan.js';
import type { AwsCallError } from '../src/providers/errors.js';
import type { ResolveResult } from '../src/resolve/index.js';
import { count } from './desired.js';

/** `account 123456789012, ` where the desired state has accounts; nothing for the default credentials alone. */
function accountOf(t: Target): string {
  return t.account === DEFAULT_ACCOUNT ? '' : `account ${t.account}, `;
}

export function describeTarget(t: Target): string {
  const names = [...new Set(t.documents.map((d) => d.name))].join(', ');
  const what =
    t.type === 'connect'
      ? `Connect workspace ${t.workspaceId}${t.name !== undefined ? ` '${t.name}'` : ''} (instance ${t.instanceId}, ${accountOf(t)}${t.region})`
      : `WorkSpace ${t.workspaceId} (${accountOf(t)}${t.region})`;
  return names ? `${what} ← ${names}${t.prune ? ' [prune]' : ''}` : what;
}

export type { ObserveError } from '../src/reconciler/observer.js';

export function planText(plan: Plan, errors: ObserveError[], maxPrune: number, unresolved: Failure[] = []): string {
  const lines: string[] = [];
  for (const tp of plan.targets) {
    const body = targetLines(tp);
    if (body.length === 0) continue;
    lines.push(describeTarget(tp.target), ...body.map((l) => `  ${l}`), '');
  }
  for (const e of errors) {
    lines.push(describeTarget(e.target), `  ! cannot observe: ${e.error.code}: ${e.error.awsMessage}`, '');
  }
  for (const f of unresolved) {
    lines.push(`${f.target}`, `  ! cannot resolve (${f.item}): ${f.operation}: ${f.code}: ${f.message}`, '');
  }
  const s = plan.summary;
  if (s.disassociate > maxPrune) {
    lines.push(`WARNING: this plan removes ${s.disassociate} associations, more than --max-prune ${maxPrune}; apply will refuse it.`, '');
  }
  lines.push(planSummaryLine(plan));
  if (errors.length) lines.push(`${count(errors.length, 'target')} could not be observed.`, ...hints(errors.map((e) => e.error.code)));
  if (unresolved.length) lines.push(`${count(unresolved.length, 'document')} could not be resolved: nothing is planned for them.`, ...hints(unresolved.map((f) => f.code)));
  return lines.join('\n') + '\n';
}

/** `Plan: 3 to associate, …; 2 targets unchanged.`: the last line of the text plan, the first of the markdown one. */
export function planSummaryLine(plan: Plan): string {
  const unchanged = plan.targets.filter((tp) => targetLines(tp).length === 0).length;
  return `Plan: ${summaryText(plan.summary)}${unchanged ? `; ${count(unchanged, 'target')} unchanged` : ''}.`;
}

/** What a person can do about an error that stops every call, or undefined. */
export function hintFor(code: string): string | undefined {
  if (code === 'CredentialsProviderError') {
    return 'hint: no AWS credentials were found: configure the SDK chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, an instance role), or try the tool against `workspace-reconciler sandbox` and export the variables it prints';
  }
  if (['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'TimeoutError'].includes(code)) {
    return 'hint: the AWS endpoint cannot be reached: check the network and AWS_ENDPOINT_URL_CONNECT / AWS_ENDPOINT_URL_WORKSPACES';
  }
  // STS AssumeRole of an Account (its codes are STS's, not Connect's or WorkSpaces').
  if (code === 'AccessDenied') {
    return "hint: a role could not be assumed: its trust policy must allow the reconciler's own role (and the Account's externalId, if set), and the reconciler's role needs sts:AssumeRole on it; see examples/deploy/iam/trust-policy.json";
  }
  if (code === 'ExpiredToken' || code === 'ExpiredTokenException' || code === 'InvalidClientTokenId') {
    return "hint: the reconciler's own credentials (the source of AssumeRole) are expired or unknown to AWS: refresh them (aws sso login, a new session token, the pod's IRSA / Pod Identity token)";
  }
  if (code === 'AccessDeniedException' || code === 'UnrecognizedClientException' || code === 'InvalidSignatureException') {
    return 'hint: AWS refused these credentials: see examples/deploy/iam/policy.json for the permissions the tool needs';
  }
  return undefined;
}

export function hints(codes: Iterable<string>): string[] {
  return [...new Set([...codes].map(hintFor).filter((h): h is string => h !== undefined))];
}

export function summaryText(s: PlanSummary): string {
  return [
    `${s.associate} to associate`,
    `${s.disassociate} to disassociate`,
    `${count(s.deploy, 'deployment')}`,
    `${s.wait} in flight`,
    `${s.retry} to retry`,
    `${s.failed} failing`,
  ].join(', ');
}

/** Removals apply will refuse for this target whatever AWS answers (see Reconciler), or undefined. */
export function refusedRemovals(tp: TargetPlan): string | undefined {
  const n = removalsOf(tp).length;
  if (n === 0 || desiredHold(tp.target) !== 'empty-desired') return undefined;
  return `! prune: true with an empty desired set: apply refuses these ${n} removals (set allowEmpty: true in the document if they are intended)`;
}

/** The target's `!` lines: names that did not resolve, and removals apply holds back because of them or of an empty desired set. */
export function guardLines(tp: TargetPlan): string[] {
  const refused = refusedRemovals(tp);
  const unresolved = (tp.target.unresolved ?? []).map((u) => `! ${u.item}: ${u.code}: ${u.message} (${u.at.file}:${u.at.line}:${u.at.col})`);
  const n = removalsOf(tp).length;
  const held = n > 0 && desiredHold(tp.target) === 'names-unresolved' ? [`! apply holds this target's ${n} removals until every name resolves`] : [];
  return [...unresolved, ...held, ...(refused ? [refused] : [])];
}

export function targetLines(tp: TargetPlan): string[] {
  return [...guardLines(tp), ...changeLines(tp)];
}

/** An item with the name it was written as, where it was resolved from one: `arn… (user jdoe)`. */
export function labelled(t: Target, item: string): string {
  const label = t.labels?.get(item);
  return label === undefined ? item : `${item} (${label})`;
}

export function changeLines(tp: TargetPlan): string[] {
  const l = (item: string) => labelled(tp.target, item);
  if (tp.type === 'connect') {
    return [...tp.associate.flat().map((a) => `+ ${l(a)}`), ...tp.disassociate.flat().map((a) => `- ${l(a)}`)];
  }
  return [
    ...tp.associate.map((a) => `+ ${l(a)}`),
    ...tp.disassociate.map((a) => `- ${l(a)}`),
    ...tp.retry.map((r) => `↻ ${r.applicationId} (ERROR ${r.reasonCode}: redeploy with Force)`),
    ...(tp.deploy ? [`~ deploy${tp.deploy.force ? ' (Force)' : ''}`] : []),
    ...tp.wait.map((w) => `… ${w.applicationId} ${w.state}`),
    ...tp.failed.map((f) => `! ${f.item} ${f.code}: ${f.message}`),
  ];
}

export function planJson(plan: Plan, errors: ObserveError[], maxPrune: number, unresolved: Failure[] = []): unknown {
  return {
    summary: plan.summary,
    changes: plan.targets.some(hasChanges),
    prune: { count: plan.summary.disassociate, max: maxPrune, exceeded: plan.summary.disassociate > maxPrune },
    targets: plan.targets.map((tp) => ({
      ...targetJson(tp.target),
      associate: tp.type === 'connect' ? tp.associate.flat() : tp.associate,
      disassociate: tp.type === 'connect' ? tp.disassociate.flat() : tp.disassociate,
      ...(removalsOf(tp).length > 0 && desiredHold(tp.target) ? { held: { reason: desiredHold(tp.target) } } : {}),
      ...(tp.type === 'connect'
        ? { batches: { associate: tp.associate.length, disassociate: tp.disassociate.length } }
        : { deploy: tp.deploy, wait: tp.wait, retry: tp.retry, failed: tp.failed }),
    })),
    errors: errors.map((e) => ({ target: e.target.key, ...errorJson(e.error) })),
    ...(unresolved.length > 0 ? { unresolved } : {}),
  };
}

export function targetJson(t: Target): Record<string, unknown> {
  return {
    key: t.key,
    type: t.type,
    account: t.account,
    region: t.region,
    ...(t.type === 'connect' ? { instanceId: t.instanceId } : {}),
    workspaceId: t.workspaceId,
    prune: t.prune,
    ...(t.type === 'connect' && t.name !== undefined ? { name: t.name } : {}),
    ...(t.labels && t.labels.size > 0 ? { names: Object.fromEntries(t.labels) } : {}),
    ...(t.unresolved && t.unresolved.length > 0 ? { unresolved: t.unresolved.map((u) => ({ item: u.item, code: u.code, message: u.message, file: u.at.file, line: u.at.line, col: u.at.col })) } : {}),
    documents: t.documents.map((d) => ({ kind: d.kind, name: d.name, file: d.location.file, line: d.location.line })),
  };
}

export function errorJson(e: AwsCallError): Record<string, unknown> {
  return { operation: e.operation, code: e.code, message: e.awsMessage, terminal: e.kind === 'terminal', requestId: e.requestId };
}

export interface ApplyReport {
  converged: boolean;
  interrupted: boolean;
  timedOut: boolean;
  /** Targets AWS never answered about: nothing was attempted for them. */
  notObserved: number;
  durationMs: number;
  revision?: string;
  /** What was done. */
  summary: { associate: number; disassociate: number; deploy: number; wait: number; failed: number; notStarted: number; held: number };
  targets: Record<string, unknown>[];
  failures: Failure[];
  calls: { total: number; throttled: number; failed: number };
}

/** Resolution failures and ownership conflicts as report failures (they have no target state). */
export function resolutionFailures(res: ResolveResult | undefined): Failure[] {
  if (!res) return [];
  return [
    ...res.failures.map((f) => ({
      target: f.keys[0] ?? `${f.document.kind} '${f.document.name}'`,
      item: `${f.at.file}:${f.at.line}:${f.at.col}`,
      operation: f.error.operation,
      code: f.error.code,
      message: f.error.awsMessage,
      terminal: f.error.kind === 'terminal',
      requestId: f.error.requestId,
    })),
    ...res.conflicts.map((c) => ({ target: c.key, item: 'prune', operation: 'Resolve', code: 'OwnershipConflict', message: c.message, terminal: true })),
  ];
}

export function buildReport(
  states: Iterable<TargetState>,
  r: { interrupted: boolean; timedOut: boolean; durationMs: number; calls: ApplyReport['calls']; revision?: string; resolution?: ResolveResult },
): ApplyReport {
  const summary = { associate: 0, disassociate: 0, deploy: 0, wait: 0, failed: 0, notStarted: 0, held: 0 };
  const targets: Record<string, unknown>[] = [];
  const failures: Failure[] = resolutionFailures(r.resolution);
  // Unresolved for a transient reason at the end: nothing was attempted for those documents.
  let notObserved = r.resolution?.failures.filter((f) => f.error.kind !== 'terminal').length ?? 0;
  let allConverged = failures.length === 0;
  for (const st of states) {
    // Never observed for a reason that might pass (a target AWS said does not exist, or refused
    // access to, failed terminally instead: it was attempted).
    if (!st.observed && st.status !== 'failed') notObserved++;
    summary.associate += st.done.associate;
    summary.disassociate += st.done.disassociate;
    summary.deploy += st.done.deploy;
    if (st.status === 'waiting') summary.wait += st.inFlight;
    if (st.held) summary.held += st.held.count;
    // Calls an interruption kept from starting are not failures: they were never attempted.
    const unresolved: Failure[] = (st.target.unresolved ?? []).map((u) => ({ target: st.target.key, item: u.item, operation: 'Resolve', code: u.code, message: u.message, terminal: true }));
    const all = [...unresolved, ...st.terminal.values(), ...(st.status === 'retrying' ? st.retrying : [])];
    const f = all.filter((x) => x.code !== 'Aborted');
    summary.notStarted += all.length - f.length;
    // Held removals are reported as one terminal failure of the target: nothing was removed.
    if (st.held) f.push({ target: st.target.key, item: `${st.held.count} removal${st.held.count === 1 ? '' : 's'}`, operation: st.target.type === 'connect' ? 'DisassociateWorkspace' : 'DisassociateWorkspaceApplication', code: 'RemovalsHeld', message: st.held.message, terminal: true });
    failures.push(...f);
    if (st.status !== 'converged') allConverged = false;
    targets.push({ ...targetJson(st.target), status: st.status, observed: st.observed, done: st.done, failures: f.length, ...(st.held ? { held: { reason: st.held.reason, count: st.held.count, sample: st.held.sample } } : {}) });
  }
  summary.failed = failures.length;
  return {
    converged: allConverged && !r.interrupted && !r.timedOut,
    interrupted: r.interrupted,
    timedOut: r.timedOut,
    notObserved,
    durationMs: Math.round(r.durationMs),
    ...(r.revision ? { revision: r.revision } : {}),
    summary,
    targets,
    failures,
    calls: r.calls,
  };
}

export function reportText(rep: ApplyReport): string {
  const s = rep.summary;
  const secs = (rep.durationMs / 1000).toFixed(1);
  const head = rep.converged
    ? `Apply complete: converged in ${secs}s.`
    : rep.interrupted
      ? `Apply interrupted after ${secs}s: not everything was attempted; run apply again to continue.`
      : rep.timedOut
        ? `Apply timed out after ${secs}s: not converged.`
        : `Apply finished in ${secs}s but did not converge.`;
  const lines = [
    head,
    `  associated ${s.associate} · disassociated ${s.disassociate} · deployed ${s.deploy} · ${s.wait} still in flight · ${count(s.failed, 'failure')}`,
    `  ${count(rep.calls.total, 'AWS call')} (${rep.calls.throttled} throttled, ${rep.calls.failed} failed)`,
    ...(rep.revision ? [`  desired state at git revision ${rep.revision}`] : []),
  ];
  if (s.held) lines.push(`  ${count(s.held, 'removal')} held back (see RemovalsHeld below): nothing was removed from those targets`);
  if (s.notStarted) lines.push(`  ${count(s.notStarted, 'item')} not started because of the interruption`);
  if (rep.notObserved) lines.push(`  ${count(rep.notObserved, 'target')} could not be observed: nothing was attempted for them`);
  const notDone = rep.targets.filter((t) => t.status !== 'converged');
  if (notDone.length && !rep.converged) {
    lines.push(`  not converged: ${notDone.length} of ${rep.targets.length} targets (${[...new Set(notDone.map((t) => t.status))].join(', ')})`);
  }
  for (const f of rep.failures) {
    lines.push(`  ${f.terminal ? 'FAILED' : 'retrying'} ${f.target}: ${f.operation} ${f.item}: ${f.code}: ${f.message}${f.requestId ? ` (request ${f.requestId})` : ''}`);
  }
  // An account whose role cannot be assumed fails all its targets alike: say once what to check.
  lines.push(...hints(rep.failures.filter((f) => f.operation === 'AssumeRole').map((f) => f.code)).map((h) => `  ${h}`));
  return lines.join('\n') + '\n';
}
