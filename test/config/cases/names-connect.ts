/** The cases of ../names-connect.test.ts (also held against the JSON Schema by ../schema.test.ts). */
import { agentArn, ARNS, CONNECT, edit, SUPPORT_FLOOR, WORKSPACES, type ProblemCase } from '../fixtures.js';
import { CONNECT_NAMES, HIERARCHY_GROUP, USER_SELECTOR } from '../fixtures-names.js';

const WORKSPACE_ID_LINE = `  workspaceId: ${SUPPORT_FLOOR}`;
const NAME_LINE = '  workspaceName: Support floor';
const USERS_LINE = '  users: [jdoe, asmith]';
const TAGS_LINE = '    tags: {team: support}';
const GROUPS_LINE = `    hierarchyGroupIds: [${HIERARCHY_GROUP}]`;

export const cases: ProblemCase[] = [
  // The workspace: exactly one of workspaceId / workspaceName
  {
    reason: 'workspaceId and workspaceName both given: an error at the second, naming the first',
    files: edit(CONNECT, [WORKSPACE_ID_LINE, `${WORKSPACE_ID_LINE}\n${NAME_LINE}`]),
    errors: [['a.yaml', 9, 3, 'spec: workspaceName and workspaceId (line 8) are both given; name the workspace by exactly one of workspaceId and workspaceName']],
  },
  {
    reason: 'workspaceName written before workspaceId: the error is at workspaceId',
    files: edit(CONNECT, [WORKSPACE_ID_LINE, `${NAME_LINE}\n${WORKSPACE_ID_LINE}`]),
    errors: [['a.yaml', 9, 3, 'spec: workspaceId and workspaceName (line 8) are both given']],
  },
  {
    reason: 'neither workspaceId nor workspaceName: at the spec key',
    files: edit(CONNECT, [`${WORKSPACE_ID_LINE}\n`, '']),
    errors: [['a.yaml', 5, 1, "spec: missing required field 'workspaceId' (or 'workspaceName')"]],
  },
  {
    reason: 'an empty workspaceName',
    files: edit(CONNECT_NAMES, [NAME_LINE, '  workspaceName: ""']),
    errors: [['a.yaml', 8, 18, 'spec.workspaceName: must not be empty']],
  },
  {
    reason: 'a workspaceName longer than 127 characters',
    files: edit(CONNECT_NAMES, [NAME_LINE, `  workspaceName: ${'w'.repeat(128)}`]),
    errors: [['a.yaml', 8, 18, 'spec.workspaceName: is 128 characters long; at most 127 are allowed']],
  },
  {
    reason: 'a workspaceName with a trailing space: at the space',
    files: edit(CONNECT_NAMES, [NAME_LINE, "  workspaceName: 'Support floor '"]),
    // The value starts at column 18 with its quote; the space is character 14.
    errors: [['a.yaml', 8, 32, 'spec.workspaceName: the name ends with whitespace; AWS compares names exactly: remove it']],
  },
  {
    reason: 'a workspaceName with a zero-width joiner: at the character',
    files: edit(CONNECT_NAMES, [NAME_LINE, '  workspaceName: Support\u200d floor']),
    errors: [['a.yaml', 8, 25, 'spec.workspaceName: the name contains U+200D ZERO WIDTH JOINER at character 8']],
  },
  // What to associate: at least one of four
  {
    reason: 'none of resourceArns, users, routingProfiles, userSelector: at the spec key',
    files: edit(CONNECT, [ARNS, '']),
    errors: [['a.yaml', 5, 1, "spec: missing required field 'resourceArns' (or 'users', 'routingProfiles' or 'userSelector')"]],
  },
  {
    reason: 'users alone, without resourceArns, is a valid document',
    files: edit(CONNECT, [ARNS, '  users: [jdoe]\n']),
  },
  {
    reason: 'instanceId and the workspace both missing: one error naming both',
    files: edit(CONNECT_NAMES, [`  instanceId: ${CONNECT_NAMES.split('\n')[6]!.slice(14)}\n`, ''], [`${NAME_LINE}\n`, '']),
    errors: [['a.yaml', 5, 1, "spec: missing required fields 'instanceId', 'workspaceId' (or 'workspaceName')"]],
  },
  // Usernames and routing-profile names
  {
    reason: 'a zero-width space inside a username: at the character',
    files: edit(CONNECT_NAMES, [USERS_LINE, '  users: [jdoe, a\u200bsmith]']),
    errors: [['a.yaml', 9, 18, 'spec.users[1]: the name contains U+200B ZERO WIDTH SPACE at character 2; names may be any text but no invisible or control characters']],
  },
  {
    reason: 'a right-to-left override inside a single-quoted username',
    files: edit(CONNECT_NAMES, [USERS_LINE, "  users: ['jd\u202eoe', asmith]"]),
    errors: [['a.yaml', 9, 14, 'spec.users[0]: the name contains U+202E RIGHT-TO-LEFT OVERRIDE at character 3']],
  },
  {
    reason: 'a C1 control character inside a username',
    files: edit(CONNECT_NAMES, [USERS_LINE, '  users: [jd\u009boe, asmith]']),
    errors: [['a.yaml', 9, 13, 'spec.users[0]: the name contains U+009B (a control character) at character 3']],
  },
  {
    reason: 'a tab (C0) inside a double-quoted username: at the item, as escapes cannot be mapped',
    files: edit(CONNECT_NAMES, [USERS_LINE, '  users: [jdoe, "a\\tsmith"]']),
    errors: [['a.yaml', 9, 17, 'spec.users[1]: the name contains U+0009 (a control character) at character 2']],
  },
  {
    reason: 'a routing-profile name with a leading space',
    files: edit(CONNECT_NAMES, ['    - Basic Routing Profile', "    - ' Basic Routing Profile'"]),
    errors: [['a.yaml', 11, 8, 'spec.routingProfiles[0]: the name starts with whitespace; AWS compares names exactly: remove it']],
  },
  {
    reason: 'names may be any Unicode text: accented letters, CJK, emoji, inner spaces',
    files: edit(CONNECT_NAMES, [USERS_LINE, '  users: [josé.garcía, 山田太郎, "🎧 lead"]'], ['    - Basic Routing Profile', '    - Support niveau 1']),
  },
  {
    reason: 'a username longer than 100 characters',
    files: edit(CONNECT_NAMES, [USERS_LINE, `  users: [${'u'.repeat(101)}]`]),
    errors: [['a.yaml', 9, 11, 'spec.users[0]: is 101 characters long; at most 100 are allowed']],
  },
  {
    reason: 'a routing-profile name longer than 127 characters',
    files: edit(CONNECT_NAMES, ['    - Basic Routing Profile', `    - ${'p'.repeat(128)}`]),
    errors: [['a.yaml', 11, 7, 'spec.routingProfiles[0]: is 128 characters long; at most 127 are allowed']],
  },
  {
    reason: 'an empty username',
    files: edit(CONNECT_NAMES, [USERS_LINE, '  users: [jdoe, ""]']),
    errors: [['a.yaml', 9, 17, 'spec.users[1]: must not be empty']],
  },
  {
    reason: 'a username that YAML reads as a number',
    files: edit(CONNECT_NAMES, [USERS_LINE, '  users: [jdoe, 42]']),
    errors: [['a.yaml', 9, 17, 'spec.users[1]: must be a string, got a number (42); quote it: "42"']],
  },
  {
    reason: 'an ARN among the usernames says where it belongs',
    files: edit(CONNECT_NAMES, [USERS_LINE, `  users: [${agentArn(1)}]`]),
    errors: [['a.yaml', 9, 11, 'is an ARN, which belongs in spec.resourceArns; this list holds names']],
  },
  {
    reason: 'a repeated username is a warning at the repeat, as a repeated ARN is',
    files: edit(CONNECT_NAMES, [USERS_LINE, '  users: [jdoe, asmith, jdoe]']),
    warnings: [['a.yaml', 9, 25, 'spec.users[2]: duplicate of spec.users[0] (line 9); listed once']],
  },
  {
    reason: 'names are compared exactly: the same name in another case is not a repeat',
    files: edit(CONNECT_NAMES, [USERS_LINE, '  users: [jdoe, JDoe]']),
  },
  // userSelector
  {
    reason: 'an empty userSelector',
    files: edit(CONNECT_NAMES, [USER_SELECTOR, '  userSelector: {}\n']),
    errors: [['a.yaml', 12, 17, 'spec.userSelector: selects on nothing: give tags, routingProfiles or hierarchyGroupIds']],
  },
  {
    reason: 'a userSelector with only includeChildGroups',
    files: edit(CONNECT_NAMES, [USER_SELECTOR, '  userSelector:\n    includeChildGroups: true\n']),
    errors: [['a.yaml', 13, 5, 'spec.userSelector: selects on nothing']],
  },
  {
    reason: 'a userSelector that is not a mapping',
    files: edit(CONNECT_NAMES, [USER_SELECTOR, '  userSelector: [jdoe]\n']),
    errors: [['a.yaml', 12, 17, 'spec.userSelector: must be a mapping, got a sequence']],
  },
  {
    reason: 'includeChildGroups without hierarchyGroupIds is a warning',
    files: edit(CONNECT_NAMES, [`${GROUPS_LINE}\n`, '']),
    warnings: [['a.yaml', 15, 5, 'spec.userSelector.includeChildGroups: has no effect without hierarchyGroupIds']],
  },
  {
    reason: 'includeChildGroups: false without hierarchyGroupIds is as meaningless, and warned about',
    files: edit(CONNECT_NAMES, [`${GROUPS_LINE}\n`, ''], ['includeChildGroups: true', 'includeChildGroups: false']),
    warnings: [['a.yaml', 15, 5, 'has no effect without hierarchyGroupIds']],
  },
  {
    reason: 'includeChildGroups must be a boolean',
    files: edit(CONNECT_NAMES, ['includeChildGroups: true', 'includeChildGroups: "true"']),
    errors: [['a.yaml', 16, 25, 'spec.userSelector.includeChildGroups: must be a boolean (true or false), got a string "true"; remove the quotes']],
  },
  {
    reason: 'an empty routingProfiles filter in a userSelector',
    files: edit(CONNECT_NAMES, ['    routingProfiles: [Support Tier 1]', '    routingProfiles: []']),
    errors: [['a.yaml', 14, 22, 'spec.userSelector.routingProfiles: must list at least one routing-profile name; leave it out to not filter on routing profiles']],
  },
  {
    reason: 'an empty hierarchyGroupIds filter',
    files: edit(CONNECT_NAMES, [GROUPS_LINE, '    hierarchyGroupIds: []']),
    errors: [['a.yaml', 15, 24, 'spec.userSelector.hierarchyGroupIds: must list at least one hierarchy group id']],
  },
  {
    reason: 'hierarchy group ids are ASCII: a Cyrillic а is an error at it',
    files: edit(CONNECT_NAMES, [GROUPS_LINE, `    hierarchyGroupIds: [\u0430${HIERARCHY_GROUP.slice(1)}]`]),
    errors: [['a.yaml', 15, 25, "spec.userSelector.hierarchyGroupIds[0]: the item contains U+0430 CYRILLIC SMALL LETTER A (looks like 'a') at character 1; ids and ARNs are ASCII only"]],
  },
  {
    reason: 'a hierarchy group id longer than 100 characters',
    files: edit(CONNECT_NAMES, [GROUPS_LINE, `    hierarchyGroupIds: [${'g'.repeat(101)}]`]),
    errors: [['a.yaml', 15, 25, 'spec.userSelector.hierarchyGroupIds[0]: is 101 characters long; at most 100 are allowed']],
  },
  {
    reason: 'an empty tags filter',
    files: edit(CONNECT_NAMES, [TAGS_LINE, '    tags: {}']),
    errors: [['a.yaml', 13, 11, 'spec.userSelector.tags: must hold at least one tag (key: value); leave it out to not filter on tags']],
  },
  {
    reason: 'more than 50 tags',
    files: edit(CONNECT_NAMES, [TAGS_LINE, `    tags: {${Array.from({ length: 51 }, (_, i) => `k${i}: v`).join(', ')}}`]),
    errors: [['a.yaml', 13, 11, 'spec.userSelector.tags: has 51 tags; at most 50 are allowed']],
  },
  {
    reason: 'exactly 50 tags are allowed',
    files: edit(CONNECT_NAMES, [TAGS_LINE, `    tags: {${Array.from({ length: 50 }, (_, i) => `k${i}: v`).join(', ')}}`]),
  },
  {
    reason: 'a tag key longer than 128 characters (Connect): at the key',
    files: edit(CONNECT_NAMES, [TAGS_LINE, `    tags: {${'k'.repeat(129)}: support}`]),
    errors: [['a.yaml', 13, 12, 'spec.userSelector.tags: a tag key is 129 characters long; at most 128 are allowed']],
  },
  {
    reason: 'a tag key of 128 characters and a value of 256 are allowed (Connect)',
    files: edit(CONNECT_NAMES, [TAGS_LINE, `    tags: {${'k'.repeat(128)}: ${'v'.repeat(256)}}`]),
  },
  {
    reason: 'a tag value longer than 256 characters: at the value',
    files: edit(CONNECT_NAMES, [TAGS_LINE, `    tags: {team: ${'v'.repeat(257)}}`]),
    errors: [['a.yaml', 13, 18, 'spec.userSelector.tags.team: is 257 characters long; at most 256 are allowed']],
  },
  {
    reason: 'a zero-width space inside a tag key: at the character',
    files: edit(CONNECT_NAMES, [TAGS_LINE, '    tags: {te\u200bam: support}']),
    errors: [['a.yaml', 13, 14, 'spec.userSelector.tags: a tag key contains U+200B ZERO WIDTH SPACE at character 3']],
  },
  {
    reason: 'a tag value that YAML reads as a number',
    files: edit(CONNECT_NAMES, [TAGS_LINE, '    tags: {tier: 1}']),
    errors: [['a.yaml', 13, 18, 'spec.userSelector.tags.tier: must be a string, got a number (1); quote it: "1"']],
  },
  {
    reason: 'an empty tag value is allowed (tags may have empty values)',
    files: edit(CONNECT_NAMES, [TAGS_LINE, '    tags: {team: ""}']),
  },
  // Unknown fields near the new ones
  {
    reason: 'a misspelt workspaceName: a suggestion, and the workspace missing',
    files: edit(CONNECT_NAMES, [NAME_LINE, '  workspaceNmae: Support floor']),
    errors: [
      ['a.yaml', 5, 1, "spec: missing required field 'workspaceId' (or 'workspaceName')"],
      ['a.yaml', 8, 3, "spec: unknown field 'workspaceNmae' (did you mean 'workspaceName'?)"],
    ],
  },
  {
    reason: 'a misspelt userSelector',
    files: edit(CONNECT_NAMES, ['  userSelector:', '  userSelectr:']),
    errors: [['a.yaml', 12, 3, "spec: unknown field 'userSelectr' (did you mean 'userSelector'?)"]],
  },
  {
    reason: "'user' for 'users'",
    files: edit(CONNECT_NAMES, [USERS_LINE, '  user: [jdoe, asmith]']),
    errors: [['a.yaml', 9, 3, "spec: unknown field 'user' (did you mean 'users'?)"]],
  },
  {
    reason: 'a misspelt field inside userSelector',
    files: edit(CONNECT_NAMES, ['    includeChildGroups: true', '    includeChildGroup: true']),
    errors: [['a.yaml', 16, 5, "spec.userSelector: unknown field 'includeChildGroup' (did you mean 'includeChildGroups'?)"]],
  },
  {
    reason: 'a userSelector field directly under spec says where it belongs',
    files: edit(CONNECT_NAMES, [USERS_LINE, `${USERS_LINE}\n  hierarchyGroupIds: [${HIERARCHY_GROUP}]`]),
    errors: [['a.yaml', 10, 3, "spec: unknown field 'hierarchyGroupIds' (it belongs under 'spec.userSelector')"]],
  },
  {
    reason: 'a spec field inside userSelector says where it belongs',
    files: edit(CONNECT_NAMES, ['    includeChildGroups: true', '    includeChildGroups: true\n    prune: true']),
    errors: [['a.yaml', 17, 5, "spec.userSelector: unknown field 'prune' (it belongs directly under 'spec')"]],
  },
  {
    reason: 'a Connect field in a WorkSpaces document',
    files: edit(WORKSPACES, ['  prune: false', '  users: [jdoe]']),
    errors: [['a.yaml', 11, 3, "spec: unknown field 'users' (that field belongs to kind ConnectWorkspaceAssociations)"]],
  },
  // Nothing to associate: every list, and the selector
  {
    reason: 'prune: true, resourceArns and users both empty, no allowEmpty: one warning at the first list',
    files: edit(CONNECT, [ARNS, '  resourceArns: []\n  users: []\n'], ['prune: false', 'prune: true']),
    warnings: [['a.yaml', 9, 17, 'spec.resourceArns, spec.users: empty lists with prune: true would remove every association of the target; apply refuses that unless the document sets allowEmpty: true']],
  },
  {
    reason: 'prune: true with resourceArns empty but users listed: not empty, no warning',
    files: edit(CONNECT, [ARNS, '  resourceArns: []\n  users: [jdoe]\n'], ['prune: false', 'prune: true']),
  },
  {
    reason: 'prune: true with empty lists and a userSelector: not empty (what it matches is known only online)',
    files: edit(CONNECT_NAMES, [USERS_LINE, '  users: []'], ['    - Basic Routing Profile\n', ''], ['  routingProfiles:', '  routingProfiles: []'], ['prune: false', 'prune: true']),
  },
  {
    reason: 'an empty users list alone, without prune: nothing to associate',
    files: edit(CONNECT, [ARNS, '  users: []\n']),
    warnings: [['a.yaml', 9, 10, 'spec.users: empty list and prune is not true: nothing to associate']],
  },
];
