/**
 * interpretBatch: the per-ARN reading of AssociateWorkspace / DisassociateWorkspace answers, for
 * answers the sandbox never gives (contradictions, omissions). Real answers are covered in
 * connect.test.ts against the sandbox.
 */
import assert from 'node:assert/strict';
import { interpretBatch, type BatchOperation } from '../../src/providers/connect/batch.js';
import type { ActionResult } from '../../src/providers/types.js';

const A = 'arn:aws:connect:us-east-1:123456789012:instance/i/agent/a';
const B = 'arn:aws:connect:us-east-1:123456789012:instance/i/agent/b';

interface Case {
  reason: string;
  operation: BatchOperation;
  sent: string[];
  output: Parameters<typeof interpretBatch>[2];
  want: ActionResult;
}

const cases: Case[] = [
  {
    reason: 'an ARN in neither list is a retryable Missing failure, never assumed done',
    operation: 'AssociateWorkspace',
    sent: [A, B],
    output: { SuccessfulList: [{ ResourceArn: A }], $metadata: { requestId: 'r1' } },
    want: {
      done: [A],
      failed: [{ item: B, code: 'Missing', message: 'AssociateWorkspace answered without listing this ARN as successful or failed', terminal: false, requestId: 'r1' }],
      requestId: 'r1',
    },
  },
  {
    reason: 'an ARN listed as both successful and failed counts as failed',
    operation: 'DisassociateWorkspace',
    sent: [A],
    output: { SuccessfulList: [{ ResourceArn: A }], FailedList: [{ ResourceArn: A, ErrorCode: '500', ErrorMessage: 'boom' }] },
    want: { done: [], failed: [{ item: A, code: '500', message: 'boom', terminal: false, requestId: undefined }], requestId: undefined },
  },
  {
    reason: '409 is done only on associate; on disassociate it is a terminal failure',
    operation: 'DisassociateWorkspace',
    sent: [A],
    output: { FailedList: [{ ResourceArn: A, ErrorCode: '409', ErrorMessage: 'dup' }] },
    want: { done: [], failed: [{ item: A, code: '409', message: 'dup', terminal: true, requestId: undefined }], requestId: undefined },
  },
  {
    reason: '404 is done only on disassociate; on associate it is a terminal failure',
    operation: 'AssociateWorkspace',
    sent: [A],
    output: { FailedList: [{ ResourceArn: A, ErrorCode: '404', ErrorMessage: 'nf' }] },
    want: { done: [], failed: [{ item: A, code: '404', message: 'nf', terminal: true, requestId: undefined }], requestId: undefined },
  },
  {
    reason: 'entries for ARNs that were not sent are ignored, and a FailedList entry without a code is terminal',
    operation: 'AssociateWorkspace',
    sent: [A],
    output: { SuccessfulList: [{ ResourceArn: B }], FailedList: [{ ResourceArn: A }] },
    want: {
      done: [],
      failed: [{ item: A, code: 'Unknown', message: 'AssociateWorkspace failed with Unknown', terminal: true, requestId: undefined }],
      requestId: undefined,
    },
  },
  {
    reason: 'an ARN sent twice is reported once',
    operation: 'AssociateWorkspace',
    sent: [A, A],
    output: { SuccessfulList: [{ ResourceArn: A }] },
    want: { done: [A], failed: [], requestId: undefined },
  },
];

describe('providers/connect interpretBatch', () => {
  for (const tc of cases) {
    it(tc.reason, () => {
      assert.deepEqual(interpretBatch(tc.operation, tc.sent, tc.output), tc.want);
    });
  }
});
