import assert from 'node:assert/strict';
import {
  AccessDeniedException, AssociateWorkspaceCommand, ConnectServiceException, DescribeWorkspaceCommand, DuplicateResourceException,
  InternalServiceException, InvalidParameterException, InvalidRequestException, ListUsersCommand, ListWorkspacesCommand,
  ResourceNotFoundException, SearchWorkspaceAssociationsCommand, ThrottlingException,
} from '@aws-sdk/client-connect';
import { startSandbox, type FaultOptions, type Sandbox } from '../../src/sandbox/index.js';
import { clients, INSTANCE, rejection, SUPPORT_FLOOR, userArn } from './helpers.js';

type Connect = ReturnType<typeof clients>['connect'];
const arns = (n: number) => Array.from({ length: n }, (_, i) => userArn((i % 20) + 1));

interface Case {
  reason: string;
  call: (c: Connect) => Promise<unknown>;
  faults?: FaultOptions;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type: abstract new (...args: any[]) => Error;
  status: number;
}

const cases: Case[] = [
  { reason: 'unknown instance → ResourceNotFoundException 404', type: ResourceNotFoundException, status: 404,
    call: (c) => c.send(new AssociateWorkspaceCommand({ InstanceId: 'no-such-instance', WorkspaceId: SUPPORT_FLOOR, ResourceArns: [userArn(1)] })) },
  { reason: 'unknown workspace → ResourceNotFoundException 404', type: ResourceNotFoundException, status: 404,
    call: (c) => c.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: 'no-such-workspace', ResourceArns: [userArn(1)] })) },
  { reason: 'DescribeWorkspace of an unknown workspace → ResourceNotFoundException', type: ResourceNotFoundException, status: 404,
    call: (c) => c.send(new DescribeWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: 'nope' })) },
  { reason: 'ListUsers of an unknown instance → ResourceNotFoundException', type: ResourceNotFoundException, status: 404,
    call: (c) => c.send(new ListUsersCommand({ InstanceId: 'nope' })) },
  { reason: '26 ResourceArns → InvalidParameterException 400', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: arns(26) })) },
  { reason: '26 ResourceArns for an unknown instance → InvalidParameterException (model constraints before look-ups, as AWS)', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new AssociateWorkspaceCommand({ InstanceId: 'no-such-instance', WorkspaceId: SUPPORT_FLOOR, ResourceArns: arns(26) })) },
  { reason: 'no ResourceArns → InvalidParameterException 400', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: [] })) },
  { reason: 'an empty WorkspaceId label → InvalidParameterException', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: '', ResourceArns: [userArn(1)] })) },
  { reason: 'MaxResults 501 → InvalidParameterException', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 501 })) },
  { reason: 'MaxResults 0 → InvalidParameterException', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, MaxResults: 0 })) },
  { reason: 'ListWorkspaces maxResults 101 → InvalidParameterException', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new ListWorkspacesCommand({ InstanceId: INSTANCE, MaxResults: 101 })) },
  { reason: 'ListUsers maxResults 1001 → InvalidParameterException', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new ListUsersCommand({ InstanceId: INSTANCE, MaxResults: 1001 })) },
  { reason: 'a forged NextToken → InvalidParameterException', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, NextToken: 'forged' })) },
  { reason: 'an unknown SearchCriteria FieldName → InvalidParameterException', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, SearchCriteria: { StringCondition: { FieldName: 'Colour', Value: 'x', ComparisonType: 'EXACT' } } })) },
  { reason: 'SearchWorkspaceAssociations without InstanceId → InvalidParameterException', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new SearchWorkspaceAssociationsCommand({} as never)) },
  { reason: 'a SearchFilter the sandbox cannot honour is refused, not ignored', type: InvalidParameterException, status: 400,
    call: (c) => c.send(new SearchWorkspaceAssociationsCommand({ InstanceId: INSTANCE, SearchFilter: { AttributeFilter: { TagCondition: { TagKey: 'a', TagValue: 'b' } } } })) },
  { reason: 'ResourceArns that are not strings → InvalidRequestException 400', type: InvalidRequestException, status: 400,
    call: (c) => c.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: [42 as never] })) },
  { reason: 'scripted AccessDeniedException 403', type: AccessDeniedException, status: 403,
    faults: { scriptedErrors: [{ operation: 'ListUsers', code: 'AccessDeniedException' }] },
    call: (c) => c.send(new ListUsersCommand({ InstanceId: INSTANCE })) },
  { reason: 'scripted DuplicateResourceException 409', type: DuplicateResourceException, status: 409,
    faults: { scriptedErrors: [{ operation: 'AssociateWorkspace', code: 'DuplicateResourceException' }] },
    call: (c) => c.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: [userArn(5)] })) },
  { reason: 'injected 500 → InternalServiceException', type: InternalServiceException, status: 500,
    faults: { errorRate: 1 },
    call: (c) => c.send(new ListUsersCommand({ InstanceId: INSTANCE })) },
  { reason: 'injected throttle → ThrottlingException 429', type: ThrottlingException, status: 429,
    faults: { throttleRate: 1 },
    call: (c) => c.send(new ListUsersCommand({ InstanceId: INSTANCE })) },
];

describe('sandbox: every Connect error arrives as its SDK exception class', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await startSandbox({ quotas: false });
  });
  afterEach(() => sb.close());

  for (const tc of cases) {
    it(tc.reason, async () => {
      if (tc.faults) sb.setFaults(tc.faults);
      const e = await rejection(tc.call(clients(sb).connect));
      assert.ok(e instanceof tc.type, `expected ${tc.type.name}, got ${e.name}: ${e.message}`);
      assert.ok(e instanceof ConnectServiceException);
      assert.equal(e.$metadata.httpStatusCode, tc.status);
      assert.ok(e.message.length > 0);
      assert.equal(sb.calls.at(-1)?.status, tc.status);
    });
  }

  it('an invalid batch changes nothing', async () => {
    await rejection(clients(sb).connect.send(new AssociateWorkspaceCommand({ InstanceId: INSTANCE, WorkspaceId: SUPPORT_FLOOR, ResourceArns: arns(26) })));
    assert.deepEqual(sb.connectAssociations('us-east-1', INSTANCE, SUPPORT_FLOOR).length, 3);
  });

  it('an unknown route answers UnknownOperationException, which the SDK surfaces', async () => {
    const res = await fetch(`${sb.endpoint}/no/such/route`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/connect/aws4_request' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    assert.match(res.headers.get('x-amzn-requestid') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('a malformed JSON body answers SerializationException 400', async () => {
    const res = await fetch(`${sb.endpoint}/workspaces/${INSTANCE}/${SUPPORT_FLOOR}/associate`, {
      method: 'POST', body: '{"ResourceArns": [', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/connect/aws4_request' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'SerializationException');
  });

  it('a request without credentials is refused', async () => {
    const res = await fetch(`${sb.endpoint}/users-summary/${INSTANCE}`);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
  });
});
