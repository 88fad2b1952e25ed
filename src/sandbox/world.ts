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
}

export class World {
  readonly accounts: Account[] = [];
  private readonly byKey = new Map<string, Account>();
  /** Regions a seed does not mention are empty, never an error of their own. */
  private readonly empty = new Map<string, RegionState>();

  addAccount(a: Account): void {
    this.accounts.push(a);
    for (const k of a.accessKeyIds) this.byKey.set(k, a);
  }

  /** The account of an access key id; any unknown key maps to the first account (dummy credentials just work). */
  accountFor(accessKeyId: string | undefined): Account {
    return (accessKeyId !== undefined ? this.byKey.get(accessKeyId) : undefined) ?? this.accounts[0];
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
