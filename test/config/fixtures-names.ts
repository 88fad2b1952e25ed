/** Valid documents that use names and selectors; line numbers are in the comments. */
import { INSTANCE } from './fixtures.js';

export const HIERARCHY_GROUP = 'a1b2c3d4-0000-1111-2222-333344445555';

/** A Connect document naming its workspace, users and routing profiles, with a userSelector. */
export const CONNECT_NAMES = [
  'apiVersion: workspace-reconciler/v1', // 1
  'kind: ConnectWorkspaceAssociations', // 2
  'metadata:', // 3
  '  name: support-names', // 4
  'spec:', // 5
  '  region: us-east-1', // 6
  `  instanceId: ${INSTANCE}`, // 7
  '  workspaceName: Support floor', // 8
  '  users: [jdoe, asmith]', // 9
  '  routingProfiles:', // 10
  '    - Basic Routing Profile', // 11
  '  userSelector:', // 12
  '    tags: {team: support}', // 13
  '    routingProfiles: [Support Tier 1]', // 14
  `    hierarchyGroupIds: [${HIERARCHY_GROUP}]`, // 15
  '    includeChildGroups: true', // 16
  '  prune: false', // 17
  '',
].join('\n');

/** CONNECT_NAMES's userSelector, lines 12-16, for cases that replace it. */
export const USER_SELECTOR = [
  '  userSelector:',
  '    tags: {team: support}',
  '    routingProfiles: [Support Tier 1]',
  `    hierarchyGroupIds: [${HIERARCHY_GROUP}]`,
  '    includeChildGroups: true',
  '',
].join('\n');

/** A WorkSpaces document selecting WorkSpaces three ways and naming an application. */
export const WORKSPACES_SELECTED = [
  'apiVersion: workspace-reconciler/v1', // 1
  'kind: WorkSpaceApplications', // 2
  'metadata:', // 3
  '  name: engineering-selected', // 4
  'spec:', // 5
  '  region: us-east-1', // 6
  '  workspaces:', // 7
  '    - directoryId: d-1234567890', // 8
  '      userNames: [jdoe, asmith]', // 9
  '    - bundleId: wsb-0123456789', // 10
  '    - directoryId: d-1234567890', // 11
  '      tags: {dept: eng}', // 12
  '  applications: [Google Chrome]', // 13
  '  prune: false', // 14
  '',
].join('\n');

/** WORKSPACES_SELECTED's selectors, lines 7-12, for cases that replace them. */
export const SELECTORS = [
  '  workspaces:',
  '    - directoryId: d-1234567890',
  '      userNames: [jdoe, asmith]',
  '    - bundleId: wsb-0123456789',
  '    - directoryId: d-1234567890',
  '      tags: {dept: eng}',
  '',
].join('\n');
