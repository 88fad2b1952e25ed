/**
 * A world with awkward names for the export tests: duplicates (two routing profiles, two Connect
 * workspaces, two applications and two WorkSpace users of one name), unicode, a YAML 1.1
 * boolean, characters YAML must quote, names the loader cannot take back (a leading space, one
 * that looks like an ARN or an id), a
 * name with no ASCII at all, and WorkSpaces in every association state that matters.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Seed } from '../../src/sandbox/index.js';
import { ROOT } from './helpers.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const INSTANCE = 'aaaa1111-2222-3333-4444-555566667777';
export const DIRECTORY = 'd-1234567890';
export const OTHER_DIRECTORY = 'd-abcdef0123';

const base = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE}`;
export const userArn = (id: string) => `${base}/agent/${id}`;
export const profileArn = (id: string) => `${base}/routing-profile/${id}`;

export const WS = {
  floor1: 'w-floor-1',
  floor2: 'w-floor-2',
  cafe: 'w-cafe',
  kanji: 'w-kanji',
  empty: 'w-empty',
};

export const USERS = {
  jose: { id: 'u-jose', username: 'José Núñez' },
  yes: { id: 'u-yes', username: 'yes' },
  colon: { id: 'u-colon', username: 'a: b #c' },
  plain: { id: 'u-plain', username: 'agent01' },
  arnLike: { id: 'u-arn', username: 'arn:not-really' },
};

export const PROFILES = {
  basic1: { id: 'rp-basic-1', name: 'Basic' },
  basic2: { id: 'rp-basic-2', name: 'Basic' },
  tier: { id: 'rp-tier', name: 'Support – Tier 1 ✓' },
  spaced: { id: 'rp-spaced', name: ' Leading space' },
};

/** Every association state that matters to export, on WorkSpaces that plan leaves alone. */
export function settledSeed(): Seed {
  return {
    accounts: [
      {
        id: ACCOUNT,
        regions: {
          [REGION]: {
            connect: {
              instances: [
                {
                  id: INSTANCE,
                  users: Object.values(USERS),
                  routingProfiles: Object.values(PROFILES),
                  workspaces: [
                    { id: WS.floor1, name: 'Support floor', associations: [USERS.jose.id, USERS.yes.id, PROFILES.basic1.id] },
                    { id: WS.floor2, name: 'Support floor', associations: [USERS.plain.id] },
                    { id: WS.cafe, name: 'Café ☕ #1', associations: [USERS.colon.id, PROFILES.tier.id, PROFILES.spaced.id, PROFILES.basic2.id] },
                    { id: WS.kanji, name: '日本語', associations: [USERS.plain.id, PROFILES.tier.id, USERS.arnLike.id] },
                    { id: WS.empty, name: 'Nobody here' },
                  ],
                },
              ],
            },
            workspaces: {
              applications: [
                { id: 'wsa-chrome0001', name: 'Google Chrome' },
                { id: 'wsa-chrome0002', name: 'Google Chrome' },
                { id: 'wsa-notepad001', name: 'Notepad++' },
                { id: 'wsa-office0001', name: 'Office – Ω' },
                { id: 'wsa-yes0000001', name: 'yes' },
                { id: 'wsa-zoom000001', name: 'Zoom' },
                // A name the loader would take for an application id.
                { id: 'wsa-idname0001', name: 'wsa-namedlikeid' },
              ],
              workspaces: [
                {
                  id: 'ws-zoe0000001',
                  directoryId: DIRECTORY,
                  userName: 'zoë',
                  applications: [
                    { id: 'wsa-chrome0001', state: 'COMPLETED' },
                    { id: 'wsa-notepad001', state: 'INSTALLING' },
                    { id: 'wsa-office0001', state: 'ERROR', errorCode: 'ValidationError.InsufficientDiskSpace' },
                    { id: 'wsa-zoom000001', state: 'UNINSTALLING' },
                    { id: 'wsa-yes0000001', state: 'REMOVED' },
                  ],
                },
                // The same user name in another directory: metadata.names must still be unique.
                { id: 'ws-zoe0000002', directoryId: OTHER_DIRECTORY, userName: 'zoë', applications: [{ id: 'wsa-chrome0002' }, { id: 'wsa-yes0000001' }, { id: 'wsa-idname0001' }] },
                { id: 'ws-emptyws001', directoryId: DIRECTORY, userName: 'nobody' },
                { id: 'ws-gone000001', directoryId: DIRECTORY, userName: 'gone', state: 'TERMINATED', applications: [{ id: 'wsa-zoom000001' }] },
              ],
            },
          },
        },
      },
    ],
  };
}

/** WorkSpaces whose states make plan deploy (never associate or disassociate), export or not. */
export function unsettledSeed(): Seed {
  const seed = settledSeed();
  seed.accounts[0]!.regions[REGION]!.workspaces!.workspaces = [
    {
      id: 'ws-pending0001',
      directoryId: DIRECTORY,
      userName: 'pat',
      applications: [
        { id: 'wsa-chrome0001', state: 'PENDING_INSTALL' },
        { id: 'wsa-notepad001', state: 'ERROR', errorCode: 'DeploymentError.WorkspaceUnreachable' },
        { id: 'wsa-zoom000001', state: 'PENDING_UNINSTALL' },
      ],
    },
  ];
  return seed;
}

const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'schema', 'desired-state.schema.json'), 'utf8')) as object;
const validate = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(SCHEMA);

/** Every document of `text` is valid for the shipped JSON Schema (the editors' view of it). */
export function assertSchemaAccepts(text: string): void {
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs) && docs.length > 0, 'no documents');
  for (const d of docs) {
    assert.deepEqual(d.errors, []);
    const ok = validate(d.toJS());
    assert.ok(ok, `the schema refuses an exported document:\n${JSON.stringify(validate.errors, null, 2)}\n${String(d)}`);
  }
}
