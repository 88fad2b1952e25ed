/**
 * Every AWS operation of the two services, read-only or mutating: the one table `run
 * --observe-only` is enforced by. The rate limiter, through which every AWS call goes, refuses
 * a call that is not read-only here when the process is observe-only (see ObserveOnlyViolation),
 * so a mutation under observe-only is impossible even if the loop above it has a bug.
 *
 * It lists the operations of the trimmed service models the project is built against
 * (/work/shared/aws/*-model.json, see aws-api.md), and a test holds it against them: same
 * operations, and every one that is not Describe*, List*, Search* or Get* is mutating. An
 * operation missing from the table counts as mutating (fail closed).
 */
import type { CallInfo, Service } from './types.js';

export type OperationKind = 'read' | 'mutating';

export const OPERATIONS: Readonly<Record<Service, Readonly<Record<string, OperationKind>>>> = {
  connect: {
    AssociateWorkspace: 'mutating',
    DisassociateWorkspace: 'mutating',
    DescribeUser: 'read',
    DescribeWorkspace: 'read',
    ListRoutingProfiles: 'read',
    ListUsers: 'read',
    ListWorkspaces: 'read',
    SearchRoutingProfiles: 'read',
    SearchUsers: 'read',
    SearchWorkspaceAssociations: 'read',
    SearchWorkspaces: 'read',
  },
  workspaces: {
    AssociateWorkspaceApplication: 'mutating',
    DeployWorkspaceApplications: 'mutating',
    DisassociateWorkspaceApplication: 'mutating',
    DescribeApplicationAssociations: 'read',
    DescribeApplications: 'read',
    DescribeTags: 'read',
    DescribeWorkspaceAssociations: 'read',
    DescribeWorkspaces: 'read',
  },
};

/** True unless the table lists the operation as read-only for its service. */
export function isMutatingOperation(info: Pick<CallInfo, 'service' | 'operation'>): boolean {
  return OPERATIONS[info.service]?.[info.operation] !== 'read';
}
