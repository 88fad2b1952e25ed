/**
 * Reading the answer of AssociateWorkspace / DisassociateWorkspace, a partial-success batch: a
 * 200 answer lists each ARN in SuccessfulList or FailedList (aws-api.md §2.1). Pure: no I/O.
 */
import type { AssociateWorkspaceResponse } from '@aws-sdk/client-connect';
import { isRetryableItemCode } from '../errors.js';
import type { ActionResult, ItemFailure } from '../types.js';

export type BatchOperation = 'AssociateWorkspace' | 'DisassociateWorkspace';

/** AssociateWorkspace / DisassociateWorkspace accept 1..25 ResourceArns (the SDK does not check). */
export const MAX_BATCH = 25;

/**
 * FailedList codes that mean the ARN is already in the wanted state, so the item is done:
 * - associate "409": a duplicate, the ARN is already associated.
 * - disassociate "404": the association does not exist (any more). Removal is idempotent: a
 *   repeated disassociate, or one racing a person in the console, must not be reported as a
 *   failure. The planner only removes ARNs it observed a moment ago, so this is "already gone",
 *   not a typo in the desired state (desired ARNs are never disassociated).
 */
const ALREADY_SO: Record<BatchOperation, string> = {
  AssociateWorkspace: '409',
  DisassociateWorkspace: '404',
};

type BatchOutput = Pick<AssociateWorkspaceResponse, 'SuccessfulList' | 'FailedList'> & {
  $metadata?: { requestId?: string };
};

/**
 * One outcome per ARN sent, in the order sent. An ARN that AWS lists in neither list is a
 * retryable `Missing` failure: success is never assumed. An ARN listed as failed wins over the
 * same ARN listed as successful (contradictory answers are retried; every call is idempotent).
 * Entries for ARNs that were not sent are ignored.
 */
export function interpretBatch(operation: BatchOperation, sent: readonly string[], output: BatchOutput): ActionResult {
  const requestId = output.$metadata?.requestId;
  const succeeded = new Set<string>();
  for (const s of output.SuccessfulList ?? []) if (s.ResourceArn) succeeded.add(s.ResourceArn);
  const failedBy = new Map<string, { code: string; message: string }>();
  for (const f of output.FailedList ?? []) {
    if (!f.ResourceArn || failedBy.has(f.ResourceArn)) continue;
    const code = f.ErrorCode ?? 'Unknown';
    failedBy.set(f.ResourceArn, { code, message: f.ErrorMessage ?? `${operation} failed with ${code}` });
  }

  const done: string[] = [];
  const failed: ItemFailure[] = [];
  for (const arn of new Set(sent)) {
    const f = failedBy.get(arn);
    if (f) {
      if (f.code === ALREADY_SO[operation]) done.push(arn);
      else failed.push({ item: arn, code: f.code, message: f.message, terminal: !isRetryableItemCode(f.code), requestId });
    } else if (succeeded.has(arn)) {
      done.push(arn);
    } else {
      failed.push({
        item: arn,
        code: 'Missing',
        message: `${operation} answered without listing this ARN as successful or failed`,
        terminal: false,
        requestId,
      });
    }
  }
  return { done, failed, requestId };
}
