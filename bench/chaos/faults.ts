/**
 * Random faults for one chaos run. Each fault kind is one entry of FAULT_KINDS: a name, the
 * probability that a run has it, and a function from the run's world and desired state to the
 * sandbox fault options it adds. Kinds combine by `mergeFaults` (lists are concatenated, other
 * keys are set by the last kind that gives them), so a new sandbox fault is one line here, e.g.
 *   { name: 'hang', p: 0.2, make: ({ rng }) => ({ hangRate: rng.range(0.01, 0.05) }) },
 *
 * Faults are bounded so that a correct reconciler settles within the run's --timeout: rates are
 * low (the SDK retries 5xx and resets itself; throttles back off), and scripted retryable faults
 * have a `times` count. Terminal ones (a FailedList 404/400/403 on an association, a
 * ValidationError.* deployment, AccessDenied) may be permanent: they must be reported.
 *
 * Never generated: answers that mean "already so" while it is not so — FailedList 404 on
 * DisassociateWorkspace, 409 on AssociateWorkspace, ResourceNotFound on a disassociation,
 * ResourceAlreadyExists on an association. AWS documents those answers as the wanted state
 * holding, and the reconciler is right to believe them; injecting them would only test the lie.
 */
import type { FaultOptions } from '../../src/sandbox/faults.js';
import { ASSOCIATION_ERROR_CODES } from '../../src/sandbox/faults.js';
import { Rng } from './rng.js';
import type { ChaosDesired, ChaosWorld } from './world.js';

export interface FaultContext {
  rng: Rng;
  world: ChaosWorld;
  desired: ChaosDesired;
}

export interface FaultKind {
  name: string;
  /** Probability that a run has this kind. */
  p: number;
  make: (c: FaultContext) => FaultOptions;
}

export const CONNECT_OPERATIONS = ['SearchWorkspaceAssociations', 'AssociateWorkspace', 'DisassociateWorkspace'];
export const WORKSPACES_OPERATIONS = ['DescribeWorkspaceAssociations', 'AssociateWorkspaceApplication', 'DisassociateWorkspaceApplication', 'DeployWorkspaceApplications'];
const MUTATING = ['AssociateWorkspace', 'DisassociateWorkspace', 'AssociateWorkspaceApplication', 'DisassociateWorkspaceApplication', 'DeployWorkspaceApplications'];

/** Every ARN the run could send: the instances' resources and the desired ones (missing ones included). */
function connectArns(c: FaultContext): string[] {
  const all = new Set(c.world.instances.flatMap((i) => i.arns));
  for (const t of c.desired.targets) if (t.type === 'connect') for (const a of t.desired) all.add(a);
  return [...all];
}

function applications(c: FaultContext): string[] {
  return [...new Set([...c.world.catalogue, ...c.desired.targets.flatMap((t) => (t.type === 'workspaces' ? [...t.desired] : []))])].filter((a) => a.startsWith('wsa-chaos'));
}

/** FailedList codes per operation, never the "already so" one of that operation. */
const FAILED_LIST_CODES = {
  AssociateWorkspace: ['429', '500', '503', '404', '400', '403'],
  DisassociateWorkspace: ['429', '500', '503', '400', '403', '409'],
} as const;

/** Scripted whole-call errors: retryable ones (with times) and terminal ones. */
const SCRIPTED: { operation: string; codes: string[] }[] = [
  { operation: 'SearchWorkspaceAssociations', codes: ['InternalServiceException', 'ThrottlingException'] },
  { operation: 'AssociateWorkspace', codes: ['InternalServiceException', 'ThrottlingException', 'AccessDeniedException', 'InvalidRequestException'] },
  { operation: 'DisassociateWorkspace', codes: ['InternalServiceException', 'ThrottlingException', 'AccessDeniedException'] },
  { operation: 'DescribeWorkspaceAssociations', codes: ['InternalServerException', 'ThrottlingException', 'ResourceUnavailableException'] },
  { operation: 'AssociateWorkspaceApplication', codes: ['ResourceInUseException', 'InternalServerException', 'AccessDeniedException', 'IncompatibleApplicationsException'] },
  { operation: 'DisassociateWorkspaceApplication', codes: ['ResourceInUseException', 'InternalServerException', 'AccessDeniedException'] },
  { operation: 'DeployWorkspaceApplications', codes: ['ResourceInUseException', 'ResourceUnavailableException', 'InternalServerException', 'AccessDeniedException'] },
];
const TERMINAL_SCRIPTED = new Set(['AccessDeniedException', 'InvalidRequestException', 'IncompatibleApplicationsException']);

export const FAULT_KINDS: FaultKind[] = [
  { name: 'throttle', p: 0.5, make: ({ rng }) => ({ throttleRate: rng.range(0.01, 0.08) }) },
  { name: 'error', p: 0.4, make: ({ rng }) => ({ errorRate: rng.range(0.01, 0.1) }) },
  { name: 'reset', p: 0.3, make: ({ rng }) => ({ resetRate: rng.range(0.01, 0.05) }) },
  { name: 'latency', p: 0.3, make: ({ rng }) => ({ latencyMs: rng.int(1, 15) }) },
  // The probabilistic faults above, on the mutating operations only (observation stays clean).
  { name: 'mutating-only', p: 0.2, make: () => ({ operations: MUTATING }) },
  {
    name: 'failedList',
    p: 0.5,
    make: (c) => ({
      failedList: Array.from({ length: c.rng.int(1, 3) }, () => {
        const operation = c.rng.pick(['AssociateWorkspace', 'DisassociateWorkspace'] as const);
        const code = c.rng.pick(FAILED_LIST_CODES[operation]);
        const transient = code === '429' || code.startsWith('5');
        return { operation, resourceArn: c.rng.pick(connectArns(c)), code, ...(transient || c.rng.chance(0.5) ? { times: c.rng.int(1, 3) } : {}) };
      }),
    }),
  },
  {
    name: 'deployOutcomes',
    p: 0.5,
    make: (c) => ({
      deployOutcomes: Array.from({ length: c.rng.int(1, 2) }, () => {
        const errorCode = c.rng.pick(ASSOCIATION_ERROR_CODES);
        const workspaceId = c.rng.chance(0.5) ? c.rng.pick(c.world.workspaces).id : undefined;
        return {
          applicationId: c.rng.pick(applications(c)),
          ...(workspaceId ? { workspaceId } : {}),
          errorCode,
          phase: c.rng.chance(0.75) ? ('install' as const) : ('uninstall' as const),
          // A DeploymentError is retried with Force: it must clear for the run to converge.
          ...(errorCode.startsWith('DeploymentError.') || c.rng.chance(0.5) ? { times: c.rng.int(1, 2) } : {}),
        };
      }),
    }),
  },
  {
    name: 'scriptedErrors',
    p: 0.4,
    make: (c) => ({
      scriptedErrors: Array.from({ length: c.rng.int(1, 2) }, () => {
        const s = c.rng.pick(SCRIPTED);
        const code = c.rng.pick(s.codes);
        return { operation: s.operation, code, times: TERMINAL_SCRIPTED.has(code) ? 1 : c.rng.int(1, 3) };
      }),
    }),
  },
  // Accepted and never answered: only the client's --call-timeout gets the run past it.
  { name: 'hang', p: 0.2, make: ({ rng }) => ({ hangs: [{ operation: rng.pick([...MUTATING, 'SearchWorkspaceAssociations', 'DescribeWorkspaceAssociations']), times: rng.int(1, 2) }] }) },
  // Outages in runs: each probabilistic fault above repeats for a few calls of its operation.
  // (Three throttles in a row already cost 1 + 2 + 4 s of cooldown: longer runs outlast --timeout.)
  { name: 'burst', p: 0.3, make: ({ rng }) => ({ burstLength: rng.int(2, 3) }) },
  // An eventually consistent search: what was just associated is not listed yet, what was just removed still is.
  { name: 'search-lag', p: 0.3, make: ({ rng }) => ({ searchLagMs: rng.int(20, 400) }) },
  // Short pages (the worlds are small), so that page tokens exist, and some of them expire.
  {
    name: 'paging',
    p: 0.3,
    make: ({ rng }) => ({
      maxPageItems: rng.int(2, 6),
      // A lifetime shorter than a scan under throttling would make every scan impossible, not hard.
      ...(rng.chance(0.5) ? { expireTokens: [{ operation: 'SearchWorkspaceAssociations', times: rng.int(1, 2) }] } : { tokenTtlMs: rng.int(3000, 10_000) }),
    }),
  },
  // SearchCriteria on SearchWorkspaceAssociations honoured, refused or silently ignored (AWS does not document it).
  { name: 'search-criteria', p: 0.5, make: ({ rng }) => ({ searchCriteria: rng.pick(['honour', 'reject', 'ignore'] as const) }) },
  // The application-side view of WorkSpaces fails now and then, like any other read.
  {
    name: 'application-view-errors',
    p: 0.2,
    make: ({ rng }) => ({ scriptedErrors: [{ operation: rng.pick(['DescribeApplicationAssociations', 'DescribeApplications']), code: rng.pick(['InternalServerException', 'ThrottlingException']), times: rng.int(1, 3) }] }),
  },
];

/** Lists are concatenated; any other key is set by the last fault that gives it. */
export function mergeFaults(parts: readonly FaultOptions[]): FaultOptions {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [k, v] of Object.entries(part)) {
      const prev = out[k];
      out[k] = Array.isArray(v) && Array.isArray(prev) && k !== 'operations' ? [...prev, ...v] : v;
    }
  }
  return out as FaultOptions;
}

/**
 * The faults of one run. Each kind draws from its own PRNG, seeded from the run seed and the
 * kind's name, so adding a kind leaves the other kinds' draws (and so old seeds) as they were.
 */
export function generateFaults(
  seed: number,
  world: ChaosWorld,
  desired: ChaosDesired,
  kinds: readonly FaultKind[] = FAULT_KINDS,
): { faults: FaultOptions; kinds: string[] } {
  const parts: FaultOptions[] = [];
  const names: string[] = [];
  for (const k of kinds) {
    const rng = new Rng(hash(`${seed}/${k.name}`));
    if (!rng.chance(k.p)) continue;
    parts.push(k.make({ rng, world, desired }));
    names.push(k.name);
  }
  return { faults: mergeFaults(parts), kinds: names };
}

/** FNV-1a, 32 bits. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
