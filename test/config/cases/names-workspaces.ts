/** The cases of ../names-workspaces.test.ts (also held against the JSON Schema by ../schema.test.ts). */
import { edit, WORKSPACES, type ProblemCase } from '../fixtures.js';
import { SELECTORS, WORKSPACES_SELECTED } from '../fixtures-names.js';

const DIR = '    - directoryId: d-1234567890';
const USERS = '      userNames: [jdoe, asmith]';
const BUNDLE = '    - bundleId: wsb-0123456789';
const TAGS = '      tags: {dept: eng}';
const APPS = '  applications: [Google Chrome]';
const COMBINE = 'a selector is {directoryId}, {directoryId, userNames}, {directoryId, tags} or {bundleId}, the filters DescribeWorkspaces can apply';

/** Replaces the second selector (line 10) with `lines`. */
const second = (...lines: string[]) => edit(WORKSPACES_SELECTED, [BUNDLE, lines.join('\n')]);
/** Replaces the first selector's directoryId value (line 8, column 20). */
const directory = (id: string) => edit(WORKSPACES_SELECTED, [`${DIR}\n${USERS}`, `    - directoryId: ${id}\n${USERS}`]);

export const cases: ProblemCase[] = [
  // Combinations DescribeWorkspaces cannot filter
  {
    reason: 'bundleId with directoryId',
    files: second(BUNDLE, '      directoryId: d-1234567890'),
    errors: [['a.yaml', 10, 7, `spec.workspaces[1]: bundleId cannot be combined with directoryId; ${COMBINE}`]],
  },
  {
    reason: 'bundleId with userNames',
    files: second(BUNDLE, '      userNames: [jdoe]'),
    errors: [['a.yaml', 10, 7, 'spec.workspaces[1]: bundleId cannot be combined with userNames; a selector is']],
  },
  {
    reason: 'bundleId with tags',
    files: second(BUNDLE, TAGS),
    errors: [['a.yaml', 10, 7, 'spec.workspaces[1]: bundleId cannot be combined with tags; a selector is']],
  },
  {
    reason: 'userNames with tags: at tags',
    files: edit(WORKSPACES_SELECTED, [USERS, `${USERS}\n${TAGS}`]),
    errors: [['a.yaml', 10, 7, `spec.workspaces[0]: userNames and tags cannot be combined; ${COMBINE}`]],
  },
  {
    reason: 'tags without a directoryId',
    files: edit(WORKSPACES_SELECTED, [`${DIR}\n${TAGS}`, '    - tags: {dept: eng}']),
    errors: [['a.yaml', 11, 7, `spec.workspaces[2]: tags need a directoryId; ${COMBINE}`]],
  },
  {
    reason: 'userNames without a directoryId',
    files: edit(WORKSPACES_SELECTED, [`${DIR}\n${USERS}`, '    - userNames: [jdoe, asmith]']),
    errors: [['a.yaml', 8, 7, `spec.workspaces[0]: userNames needs a directoryId; ${COMBINE}`]],
  },
  {
    reason: 'an empty selector',
    files: second('    - {}'),
    errors: [['a.yaml', 10, 7, `spec.workspaces[1]: empty selector; ${COMBINE}`]],
  },
  {
    reason: 'a selector that is not a mapping',
    files: second('    - [wsb-0123456789]'),
    errors: [['a.yaml', 10, 7, 'spec.workspaces[1]: must be a mapping, got a sequence']],
  },
  {
    reason: 'a WorkSpace id among the selectors says where it belongs',
    files: second('    - ws-abcd1234ef'),
    errors: [['a.yaml', 10, 7, "spec.workspaces[1]: 'ws-abcd1234ef' is a WorkSpace id, which belongs in spec.workspaceIds"]],
  },
  // Ids
  {
    reason: 'a directoryId that is too short',
    files: directory('d-123'),
    errors: [['a.yaml', 8, 20, "spec.workspaces[0].directoryId: 'd-123' is not a directory id (expected 'd-' followed by 8 to 63 lowercase hexadecimal digits, or 'wsd-' followed by 8 to 63 lowercase letters or digits)"]],
  },
  {
    reason: 'a d- directoryId with letters beyond hexadecimal',
    files: directory('d-12345678zz'),
    errors: [['a.yaml', 8, 20, "'d-12345678zz' is not a directory id"]],
  },
  {
    reason: 'a directoryId with a valid prefix and trailing text: the pattern holds from start to end',
    files: directory('d-1234567890/x'),
    errors: [['a.yaml', 8, 20, "'d-1234567890/x' is not a directory id"]],
  },
  {
    reason: 'a directoryId with text before a valid wsd- id',
    files: directory('x-wsd-abcdefgh12'),
    errors: [['a.yaml', 8, 20, "'x-wsd-abcdefgh12' is not a directory id"]],
  },
  {
    reason: 'a wsd- directoryId is valid',
    files: directory('wsd-abcdefgh12'),
  },
  {
    reason: 'a wsd- directoryId over the 65 characters DirectoryId allows',
    files: directory(`wsd-${'a'.repeat(62)}`),
    errors: [['a.yaml', 8, 20, 'spec.workspaces[0].directoryId: is 66 characters long; at most 65 are allowed']],
  },
  {
    reason: 'directory ids are ASCII: a Cyrillic а is an error at it',
    files: directory('d-1234\u0430567890'),
    errors: [['a.yaml', 8, 26, "spec.workspaces[0].directoryId: the id contains U+0430 CYRILLIC SMALL LETTER A (looks like 'a') at character 7"]],
  },
  {
    reason: 'an invalid bundleId',
    files: second('    - bundleId: wsb-x'),
    errors: [['a.yaml', 10, 17, "spec.workspaces[1].bundleId: 'wsb-x' is not a bundle id (expected 'wsb-' followed by 8 to 63 lowercase letters or digits)"]],
  },
  // userNames and tags
  {
    reason: 'a user name longer than 63 characters',
    files: edit(WORKSPACES_SELECTED, [USERS, `      userNames: [${'u'.repeat(64)}]`]),
    errors: [['a.yaml', 9, 19, 'spec.workspaces[0].userNames[0]: is 64 characters long; at most 63 are allowed']],
  },
  {
    reason: 'an empty userNames list',
    files: edit(WORKSPACES_SELECTED, [USERS, '      userNames: []']),
    errors: [['a.yaml', 9, 18, 'spec.workspaces[0].userNames: must list at least one user name; leave it out to select every WorkSpace of the directory']],
  },
  {
    reason: 'a soft hyphen inside a user name: at the character',
    files: edit(WORKSPACES_SELECTED, [USERS, '      userNames: [jdoe, as\u00admith]']),
    errors: [['a.yaml', 9, 27, 'spec.workspaces[0].userNames[1]: the name contains U+00AD SOFT HYPHEN at character 3']],
  },
  {
    reason: 'a repeated user name is a warning at the repeat',
    files: edit(WORKSPACES_SELECTED, [USERS, '      userNames: [jdoe, jdoe]']),
    warnings: [['a.yaml', 9, 25, 'spec.workspaces[0].userNames[1]: duplicate of spec.workspaces[0].userNames[0] (line 9); listed once']],
  },
  {
    reason: 'a tag key longer than the 127 characters WorkSpaces allows',
    files: edit(WORKSPACES_SELECTED, [TAGS, `      tags: {${'k'.repeat(128)}: eng}`]),
    errors: [['a.yaml', 12, 14, 'spec.workspaces[2].tags: a tag key is 128 characters long; at most 127 are allowed']],
  },
  {
    reason: 'a tag value longer than the 255 characters WorkSpaces allows',
    files: edit(WORKSPACES_SELECTED, [TAGS, `      tags: {dept: ${'v'.repeat(256)}}`]),
    errors: [['a.yaml', 12, 20, 'spec.workspaces[2].tags.dept: is 256 characters long; at most 255 are allowed']],
  },
  {
    reason: 'an empty tags filter in a selector',
    files: edit(WORKSPACES_SELECTED, [TAGS, '      tags: {}']),
    errors: [['a.yaml', 12, 13, 'spec.workspaces[2].tags: must hold at least one tag']],
  },
  {
    reason: 'tags that are a list',
    files: edit(WORKSPACES_SELECTED, [TAGS, '      tags: [dept]']),
    errors: [['a.yaml', 12, 13, 'spec.workspaces[2].tags: must be a mapping, got a sequence']],
  },
  {
    reason: 'the same selector twice (user names in another order) is a warning at the repeat',
    files: edit(WORKSPACES_SELECTED, [BUNDLE, `${BUNDLE}\n${DIR}\n      userNames: [asmith, jdoe]`]),
    warnings: [['a.yaml', 11, 7, 'spec.workspaces[2]: selects what spec.workspaces[0] (line 8) selects; listed once']],
  },
  // Choosing WorkSpaces and naming applications
  {
    reason: 'neither workspaceIds nor workspaces: at the spec key',
    files: edit(WORKSPACES_SELECTED, [SELECTORS, '']),
    errors: [['a.yaml', 5, 1, "spec: missing required field 'workspaceIds' (or 'workspaces')"]],
  },
  {
    reason: 'neither applicationIds nor applications: at the spec key',
    files: edit(WORKSPACES_SELECTED, [`${APPS}\n`, '']),
    errors: [['a.yaml', 5, 1, "spec: missing required field 'applicationIds' (or 'applications')"]],
  },
  {
    reason: 'no WorkSpace and no application at all: one error naming both',
    files: edit(WORKSPACES, ['  workspaceIds: [ws-eng0000001, ws-eng0000002]\n', ''], ['  applicationIds:\n    - wsa-vscode0001\n    - wsa-chrome0001\n', '']),
    errors: [['a.yaml', 5, 1, "spec: missing required fields 'workspaceIds' (or 'workspaces'), 'applicationIds' (or 'applications')"]],
  },
  {
    reason: 'an empty workspaces list and no workspaceIds',
    files: edit(WORKSPACES_SELECTED, [SELECTORS, '  workspaces: []\n']),
    errors: [['a.yaml', 7, 15, 'spec.workspaces: must list at least one selector (or WorkSpace ids in spec.workspaceIds)']],
  },
  {
    reason: 'empty workspaceIds and empty workspaces',
    files: edit(WORKSPACES_SELECTED, [SELECTORS, '  workspaceIds: []\n  workspaces: []\n']),
    errors: [['a.yaml', 7, 17, 'spec.workspaceIds: must list at least one WorkSpace id (spec.workspaces selects none either)']],
  },
  {
    reason: 'empty workspaceIds beside selectors are fine',
    files: edit(WORKSPACES_SELECTED, [SELECTORS, `  workspaceIds: []\n${SELECTORS}`]),
  },
  {
    reason: 'an application name with a zero-width space: at the character',
    files: edit(WORKSPACES_SELECTED, [APPS, '  applications: [Google\u200b Chrome]']),
    errors: [['a.yaml', 13, 24, 'spec.applications[0]: the name contains U+200B ZERO WIDTH SPACE at character 7']],
  },
  {
    reason: 'an application id among the application names says where it belongs',
    files: edit(WORKSPACES_SELECTED, [APPS, '  applications: [wsa-chrome0001]']),
    errors: [['a.yaml', 13, 18, "spec.applications[0]: 'wsa-chrome0001' is an application id, which belongs in spec.applicationIds"]],
  },
  {
    reason: 'an empty application name',
    files: edit(WORKSPACES_SELECTED, [APPS, '  applications: [""]']),
    errors: [['a.yaml', 13, 18, 'spec.applications[0]: must not be empty']],
  },
  {
    reason: 'application names have no maximum length (DescribeApplications: NonEmptyString)',
    files: edit(WORKSPACES_SELECTED, [APPS, `  applications: [${'a'.repeat(1000)}]`]),
  },
  {
    reason: 'a repeated application name is a warning at the repeat',
    files: edit(WORKSPACES_SELECTED, [APPS, '  applications: [Google Chrome, Google Chrome]']),
    warnings: [['a.yaml', 13, 33, 'spec.applications[1]: duplicate of spec.applications[0] (line 13); listed once']],
  },
  // Unknown fields near the new ones
  {
    reason: 'a misspelt field in a selector',
    files: edit(WORKSPACES_SELECTED, [DIR, '    - directoryID: d-1234567890']),
    errors: [
      ['a.yaml', 8, 7, "spec.workspaces[0]: unknown field 'directoryID' (did you mean 'directoryId'?)"],
      ['a.yaml', 9, 7, 'spec.workspaces[0]: userNames needs a directoryId'],
    ],
  },
  {
    reason: "'userName' for 'userNames'",
    files: edit(WORKSPACES_SELECTED, [USERS, '      userName: [jdoe, asmith]']),
    errors: [['a.yaml', 9, 7, "spec.workspaces[0]: unknown field 'userName' (did you mean 'userNames'?)"]],
  },
  {
    reason: 'a selector with only a misspelt field: that error alone, not also "empty selector"',
    files: second('    - bundleID: wsb-0123456789'),
    errors: [['a.yaml', 10, 7, "spec.workspaces[1]: unknown field 'bundleID' (did you mean 'bundleId'?)"]],
  },
  {
    reason: "'application' for 'applications'",
    files: edit(WORKSPACES_SELECTED, [APPS, '  application: [Google Chrome]']),
    errors: [
      ['a.yaml', 5, 1, "spec: missing required field 'applicationIds' (or 'applications')"],
      ['a.yaml', 13, 3, "spec: unknown field 'application' (did you mean 'applications'?)"],
    ],
  },
  {
    reason: 'a selector field directly under spec says where it belongs',
    files: edit(WORKSPACES_SELECTED, [APPS, `${APPS}\n  bundleId: wsb-0123456789`]),
    errors: [['a.yaml', 14, 3, "spec: unknown field 'bundleId' (it belongs in a selector under 'spec.workspaces')"]],
  },
  {
    reason: 'a spec field inside a selector says where it belongs',
    files: second(BUNDLE, '      prune: true'),
    errors: [['a.yaml', 11, 7, "spec.workspaces[1]: unknown field 'prune' (it belongs directly under 'spec')"]],
  },
  // Nothing to associate: selectors choose WorkSpaces, not applications
  {
    reason: 'prune: true with both application lists empty: a warning, selectors notwithstanding',
    files: edit(WORKSPACES_SELECTED, [APPS, '  applicationIds: []\n  applications: []'], ['prune: false', 'prune: true']),
    warnings: [['a.yaml', 13, 19, 'spec.applicationIds, spec.applications: empty lists with prune: true would remove every association of the target']],
  },
  {
    reason: 'prune: true with applicationIds empty but an application named: no warning',
    files: edit(WORKSPACES_SELECTED, [APPS, `  applicationIds: []\n${APPS}`], ['prune: false', 'prune: true']),
  },
];
