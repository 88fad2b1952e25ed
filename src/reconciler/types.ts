/**
 * What providers observe and what the planner decides. Plain data: no clients, no clocks.
 */
import type { ConnectTarget, WorkSpaceTarget, Target } from '../model/desired.js';

export type { AssociationState, Observed, ObservedApplication, ObservedConnect, ObservedState, ObservedWorkSpace } from '../model/observed.js';
export { ASSOCIATION_STATES } from '../model/observed.js';
import type { AssociationState } from '../model/observed.js';

export interface ConnectPlan {
  type: 'connect';
  target: ConnectTarget;
  /** ARNs to associate, in batches of at most 25. */
  associate: string[][];
  /** ARNs to disassociate (prune only), in batches of at most 25. */
  disassociate: string[][];
}

export interface WaitItem {
  applicationId: string;
  state: AssociationState;
}

export interface RetryItem {
  applicationId: string;
  reasonCode: string;
}

export interface FailedItem {
  /** Application id (WorkSpaces) or resource ARN (Connect). */
  item: string;
  /** AWS error code or StateReason.ErrorCode. */
  code: string;
  message: string;
  terminal: boolean;
}

export interface WorkSpacePlan {
  type: 'workspaces';
  target: WorkSpaceTarget;
  associate: string[];
  disassociate: string[];
  /** One DeployWorkspaceApplications for this WorkSpace after the pair changes, or null. */
  deploy: { force: boolean } | null;
  /**
   * The application ids whose pending change the deploy carries (associated, pending install or
   * uninstall, retried, disassociated after COMPLETED/ERROR). The executor sends the deploy only
   * if one of them is still pending after the pass's calls: a deploy for an association that
   * failed, or for a removal that was held, would carry nothing.
   */
  deployFor: string[];
  /** Pairs in flight (`*_DEPLOYMENT`, INSTALLING, UNINSTALLING): poll again later. */
  wait: WaitItem[];
  /** Pairs in ERROR with a retryable (`DeploymentError.*`) reason: redeploy with Force. */
  retry: RetryItem[];
  /** Pairs in ERROR with a terminal (`ValidationError.*`) reason: reported, not retried. */
  failed: FailedItem[];
}

export type TargetPlan = ConnectPlan | WorkSpacePlan;

export interface PlanSummary {
  /** Items (ARNs or application ids) to associate. */
  associate: number;
  /** Items to disassociate. */
  disassociate: number;
  /** DeployWorkspaceApplications calls. */
  deploy: number;
  /** Pairs in flight. */
  wait: number;
  /** Pairs to redeploy with Force. */
  retry: number;
  /** Pairs failed terminally. */
  failed: number;
}

export interface Plan {
  /** One entry per desired target, in the order of the desired targets. */
  targets: TargetPlan[];
  summary: PlanSummary;
}

export type { Target };
