/** The cases of ../accounts.test.ts (also held against the JSON Schema by ../schema.test.ts). */
import { CONNECT, edit, WORKSPACES, type ProblemCase } from '../fixtures.js';

/** A valid Account document (its own file in most cases). */
export const ACCOUNT = [
  'apiVersion: workspace-reconciler/v1', // 1
  'kind: Account', // 2
  'metadata:', // 3
  '  name: contact-center-prod', // 4
  'spec:', // 5
  '  roleArn: arn:aws:iam::123456789012:role/workspace-reconciler', // 6
  '  externalId: reconciler-7f3a', // 7
  '',
].join('\n');

/** CONNECT (account 123456789012 in its ARNs) in the Account above. */
export const CONNECT_IN_ACCOUNT = edit(CONNECT, ['  region: us-east-1', '  account: contact-center-prod\n  region: us-east-1']);
export const WORKSPACES_IN_ACCOUNT = edit(WORKSPACES, ['  region: us-east-1', '  account: contact-center-prod\n  region: us-east-1']);

const role = (arn: string) => edit(ACCOUNT, ['arn:aws:iam::123456789012:role/workspace-reconciler', arn]);

export const cases: ProblemCase[] = [
  {
    reason: 'an Account and documents that name it: valid',
    files: { 'accounts.yaml': ACCOUNT, 'a.yaml': CONNECT_IN_ACCOUNT, 'b.yaml': WORKSPACES_IN_ACCOUNT },
  },
  {
    reason: 'an Account no document names is a warning, at its name',
    files: { 'accounts.yaml': ACCOUNT, 'a.yaml': CONNECT },
    warnings: [['accounts.yaml', 4, 9, "Account 'contact-center-prod' is not used: no document names it in spec.account"]],
  },
  {
    reason: 'spec.account naming no Account, with a did-you-mean',
    files: { 'accounts.yaml': ACCOUNT, 'a.yaml': edit(CONNECT_IN_ACCOUNT, ['  account: contact-center-prod', '  account: contact-centre-prod']) },
    errors: [['a.yaml', 6, 12, "spec.account: no Account document is named 'contact-centre-prod'; did you mean 'contact-center-prod'?"]],
    warnings: [['accounts.yaml', 4, 9, 'is not used']],
  },
  {
    reason: 'spec.account without any Account document says to add one',
    files: { 'b.yaml': WORKSPACES_IN_ACCOUNT },
    errors: [['b.yaml', 6, 12, 'add a document of kind Account with this metadata.name']],
  },
  {
    reason: 'spec.account given an account id says it names an Account document',
    files: { 'b.yaml': edit(WORKSPACES_IN_ACCOUNT, ['  account: contact-center-prod', '  account: "123456789012"']) },
    errors: [['b.yaml', 6, 12, 'spec.account names an Account document (kind: Account), not an account id']],
  },
  {
    reason: "a Connect ARN in another account than the Account's role is an error at the ARN",
    files: { 'accounts.yaml': edit(ACCOUNT, ['::123456789012:', '::210987654321:']), 'a.yaml': CONNECT_IN_ACCOUNT },
    errors: [
      ['a.yaml', 11, 7, "spec.resourceArns: this ARN is in account 123456789012, but spec.account 'contact-center-prod' assumes arn:aws:iam::210987654321:role/workspace-reconciler in account 210987654321"],
      ['a.yaml', 12, 7, 'this ARN is in account 123456789012'],
    ],
  },
  {
    reason: "an instance given as an ARN of another account than the role's is an error at spec.account",
    files: {
      'accounts.yaml': ACCOUNT,
      'a.yaml': edit(CONNECT_IN_ACCOUNT, ['  instanceId: 4c1b2f0e', '  instanceId: arn:aws:connect:us-east-1:210987654321:instance/4c1b2f0e'], ['  resourceArns:\n', '  users: [jdoe]\n  xresourceArns:\n']).replace(/  xresourceArns:\n( {4}- .*\n)+/, ''),
    },
    errors: [['a.yaml', 6, 12, 'spec.instanceId is in account 210987654321']],
  },
  {
    reason: 'roleArn of a user is not a role',
    files: { 'accounts.yaml': role('arn:aws:iam::123456789012:user/deploy') },
    errors: [['accounts.yaml', 6, 12, 'spec.roleArn: not an IAM role ARN: this is an IAM user ARN']],
    warnings: [],
  },
  {
    reason: 'roleArn of an assumed-role session names the role instead',
    files: { 'accounts.yaml': role('arn:aws:sts::123456789012:assumed-role/workspace-reconciler/s') },
    errors: [['accounts.yaml', 6, 12, 'an assumed-role session ARN']],
  },
  {
    reason: 'roleArn with a short account id',
    files: { 'accounts.yaml': role('arn:aws:iam::12345:role/workspace-reconciler') },
    errors: [['accounts.yaml', 6, 12, "account '12345' is not a 12-digit AWS account id"]],
  },
  {
    reason: 'roleArn with a region',
    files: { 'accounts.yaml': role('arn:aws:iam:us-east-1:123456789012:role/workspace-reconciler') },
    errors: [['accounts.yaml', 6, 12, 'IAM ARNs have no region']],
  },
  {
    reason: 'roleArn missing, and an unknown field with a did-you-mean',
    files: { 'accounts.yaml': edit(ACCOUNT, ['  roleArn:', '  roleARN:']) },
    errors: [['accounts.yaml', 5, 1, "spec: missing required field 'roleArn'"], ['accounts.yaml', 6, 3, "unknown field 'roleARN' (did you mean 'roleArn'?)"]],
  },
  {
    reason: 'externalId and sessionName follow the STS patterns',
    files: { 'accounts.yaml': edit(ACCOUNT, ['  externalId: reconciler-7f3a', '  externalId: "x"\n  sessionName: has space']) },
    errors: [['accounts.yaml', 7, 15, 'spec.externalId: "x" is not valid'], ['accounts.yaml', 8, 16, 'spec.sessionName: "has space" is not valid']],
  },
  {
    reason: 'a target field in an Account says where it belongs',
    files: { 'accounts.yaml': `${ACCOUNT}  region: us-east-1\n` },
    errors: [['accounts.yaml', 8, 3, "unknown field 'region' (an Account holds only roleArn, externalId and sessionName"]],
    warnings: [['accounts.yaml', 4, 9, 'is not used']],
  },
  {
    reason: 'roleArn in a target document says it belongs to kind Account',
    files: { 'b.yaml': edit(WORKSPACES, ['  region: us-east-1', '  roleArn: arn:aws:iam::123456789012:role/x\n  region: us-east-1']) },
    errors: [['b.yaml', 6, 3, "unknown field 'roleArn' (that field belongs to kind Account"]],
  },
  {
    reason: 'two Accounts of one AWS account',
    files: { 'accounts.yaml': `${ACCOUNT}---\n${edit(ACCOUNT, ['contact-center-prod', 'second'])}`, 'a.yaml': CONNECT_IN_ACCOUNT },
    errors: [['accounts.yaml', 14, 12, "account 123456789012 already has Account 'contact-center-prod' (accounts.yaml:4:9)"]],
  },
  {
    reason: 'two Accounts of one name',
    files: { 'accounts.yaml': `${ACCOUNT}---\n${ACCOUNT}`, 'a.yaml': CONNECT_IN_ACCOUNT },
    errors: [['accounts.yaml', 12, 9, "metadata.name: duplicate Account name 'contact-center-prod' (also defined at accounts.yaml:4:9)"]],
  },
];
