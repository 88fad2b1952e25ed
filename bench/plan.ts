/**
 * Planner benchmark: 1,000,000 desired associations against 1,000,000 observed ones.
 * 600 Connect workspaces × 1,000 ARNs and 100,000 WorkSpaces × 4 applications, with about 10 %
 * drift each way (missing, extra under prune, in-flight, ERROR), so every branch is exercised.
 * Prints the time of `plan()` alone (inputs are built first) and the process's peak memory.
 */
import { connectKey, workspaceKey } from '../src/config/types.js';
import type { SourceLocation, Target } from '../src/config/types.js';
import { plan } from '../src/reconciler/plan.js';
import type { AssociationState, ObservedApplication, ObservedState } from '../src/reconciler/types.js';

export interface PlanBenchResult {
  desired: number;
  observed: number;
  planMs: number;
  peakRssMiB: number;
  summary: ReturnType<typeof plan>['summary'];
}

export function runPlanBench(): PlanBenchResult {
  const loc: SourceLocation = { file: 'bench.yaml', line: 1, col: 1 };
  const targets: Target[] = [];
  const observed: ObservedState = new Map();
  let desiredCount = 0;
  let observedCount = 0;

  const region = 'us-east-1';
  const instance = '4c1b2f0e-1111-2222-3333-444455556666';
  const arnBase = `arn:aws:connect:${region}:123456789012:instance/${instance}/agent/`;
  for (let w = 0; w < 600; w++) {
    const workspaceId = `ws-${w}`;
    const key = connectKey('default', region, instance, workspaceId);
    const desired = new Map<string, SourceLocation>();
    const associated = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const arn = `${arnBase}${w}-${i}`;
      desired.set(arn, loc);
      // 10 % missing from AWS; the same number of extras that prune removes.
      associated.add(i % 10 === 0 ? `${arnBase}${w}-extra-${i}` : arn);
    }
    desiredCount += desired.size;
    observedCount += associated.size;
    targets.push({ type: 'connect', account: 'default', key, region, instanceId: instance, workspaceId, desired, prune: w % 2 === 0, documents: [] });
    observed.set(key, { type: 'connect', key, associated });
  }

  const states: AssociationState[] = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'INSTALLING', 'PENDING_INSTALL', 'ERROR', 'REMOVED'];
  for (let w = 0; w < 100_000; w++) {
    const workspaceId = `ws-${w.toString(36).padStart(8, '0')}`;
    const key = workspaceKey('default', region, workspaceId);
    const desired = new Map<string, SourceLocation>();
    const applications = new Map<string, ObservedApplication>();
    for (let a = 0; a < 4; a++) {
      const applicationId = `wsa-${a.toString().padStart(8, '0')}`;
      desired.set(applicationId, loc);
      const state = states[(w + a) % states.length];
      const reasonCode = state === 'ERROR' ? (w % 2 ? 'DeploymentError.WorkspaceUnreachable' : 'ValidationError.InsufficientDiskSpace') : undefined;
      applications.set(applicationId, { applicationId, state, reasonCode });
    }
    desiredCount += desired.size;
    observedCount += applications.size;
    targets.push({ type: 'workspaces', account: 'default', key, region, workspaceId, desired, prune: w % 2 === 0, documents: [] });
    observed.set(key, { type: 'workspaces', key, applications });
  }

  const start = process.hrtime.bigint();
  const result = plan(targets, observed);
  const planMs = Number(process.hrtime.bigint() - start) / 1e6;
  return {
    desired: desiredCount,
    observed: observedCount,
    planMs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    summary: result.summary,
  };
}

export function printPlanBench(r: PlanBenchResult): void {
  console.log('planner: %d desired × %d observed associations', r.desired, r.observed);
  console.log('  plan() time      %s ms   (target < 2000 ms)', r.planMs.toFixed(0));
  console.log('  peak RSS         %s MiB  (target < 1024 MiB; includes building the inputs)', r.peakRssMiB.toFixed(0));
  console.log('  plan summary     %s', JSON.stringify(r.summary));
}
