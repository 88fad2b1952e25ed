/** The whole emulated world: accounts → regions → Connect instances and WorkSpaces. */
import type { ConnectInstance } from './connect-state.js';
import { WorkSpacesRegion } from './workspaces-state.js';

export interface RegionState {
  connect: Map<string, ConnectInstance>;
  workspaces: WorkSpacesRegion;
}

export interface Account {
  id: string;
  accessKeyIds: string[];
  regions: Map<string, RegionState>;
  /** IAM roles that STS AssumeRole can assume, by name. */
  roles?: Map<string, Role>;
}

/** An IAM role of the sandbox: who may assume it (trust policy) and with which external id. */
export interface Role {
  name: string;
  /** Account ids whose principals the trust policy allows. */
  trust: string[];
  /** The trust policy's sts:ExternalId condition, if any. */
  externalId?: string;
}

/** Temporary credentials issued by AssumeRole: they act in the role's account until they expire. */
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  account: Account;
  roleName: string;
  sessionName: string;
  /** Sandbox clock, ms. */
  expiresAt: number;
}

/** Who signed a request, or why AWS would refuse it. */
export type Caller =
  | { ok: true; account: Account; arn: string; userId: string }
  | { ok: false; reason: 'unknown-key' | 'expired' | 'bad-token' };

/** Access key ids STS issues start so (AWS: ASIA… for temporary keys, AKIA… for long-term ones). */
export const SESSION_KEY_PREFIX = 'ASIA';

export class World {
  readonly accounts: Account[] = [];
  private readonly byKey = new Map<string, Account>();
  /** Regions a seed does not mention are empty, never an error of their own. */
  private readonly empty = new Map<string, RegionState>();

  /** Sessions issued by AssumeRole, by access key id. */
  readonly sessions = new Map<string, Session>();

  /** Secret access keys of long-term keys the sandbox knows, by access key id: their signatures are verified. */
  readonly secretKeys = new Map<string, string>();

  /** The secret to verify a request's signature with: a session's, or a known long-term key's; else none (not verified). */
  secretOf(accessKeyId: string): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
    const session = this.sessions.get(accessKeyId);
    if (session) return { accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken };
    const secret = this.secretKeys.get(accessKeyId);
    return secret === undefined ? undefined : { accessKeyId, secretAccessKey: secret };
  }

  addAccount(a: Account): void {
    this.accounts.push(a);
    for (const k of a.accessKeyIds) this.byKey.set(k, a);
  }

  /**
   * The account of an access key id; any unknown key maps to the first account (dummy credentials
   * just work), unless that account lists accessKeyIds (see identify).
   */
  accountFor(accessKeyId: string | undefined): Account {
    return (accessKeyId !== undefined ? this.byKey.get(accessKeyId) : undefined) ?? this.accounts[0];
  }

  /**
   * Who signed a request, as AWS would tell: a session key (ASIA…) must be one STS issued, carry
   * its session token and not be expired; a long-term key acts in the account that lists it, else
   * in the first account, unless the first account lists accessKeyIds of its own: then an unknown
   * key is refused (UnrecognizedClientException / InvalidClientTokenId), as AWS refuses a key it
   * never issued.
   */
  identify(accessKeyId: string, sessionToken: string | undefined, now: number): Caller {
    const session = this.sessions.get(accessKeyId);
    if (session) {
      if (sessionToken !== session.sessionToken) return { ok: false, reason: 'bad-token' };
      if (now >= session.expiresAt) return { ok: false, reason: 'expired' };
      return {
        ok: true,
        account: session.account,
        arn: `arn:aws:sts::${session.account.id}:assumed-role/${session.roleName}/${session.sessionName}`,
        userId: `AROA${session.account.id}:${session.sessionName}`,
      };
    }
    if (accessKeyId.startsWith(SESSION_KEY_PREFIX)) return { ok: false, reason: 'unknown-key' };
    const listed = this.byKey.get(accessKeyId);
    const first = this.accounts[0]!;
    const account = listed ?? (first.accessKeyIds.length === 0 ? first : undefined);
    if (!account) return { ok: false, reason: 'unknown-key' };
    return { ok: true, account, arn: `arn:aws:iam::${account.id}:user/sandbox`, userId: `AIDA${account.id}` };
  }

  account(id: string | undefined): Account {
    if (id === undefined) return this.accounts[0];
    const a = this.accounts.find((x) => x.id === id);
    if (a === undefined) throw new Error(`the sandbox has no account ${id}`);
    return a;
  }

  region(account: Account, region: string): RegionState {
    const r = account.regions.get(region);
    if (r !== undefined) return r;
    const key = `${account.id}|${region}`;
    let e = this.empty.get(key);
    if (e === undefined) {
      e = { connect: new Map(), workspaces: new WorkSpacesRegion() };
      this.empty.set(key, e);
    }
    return e;
  }
}
