/**
 * When an export may write a name instead of an id: only when the resolver will turn that name
 * back into exactly the same resource. The resolver matches names exactly and refuses a name that
 * several resources share (src/resolve/resolve.ts, `pick`), and the loader refuses names with
 * invisible characters or surrounding whitespace: such names stay ids, with the reason beside them.
 */
import { isWritableName } from '../config/spec-common.js';
import type { Named } from '../model/lookup.js';

export type NameVerdict = { ok: true; name: string } | { ok: false; name?: string; why: string };

export class NameBook {
  private readonly count = new Map<string, number>();
  private readonly byKey = new Map<string, Named>();

  /**
   * `key` picks what identifies an entry in the world: its ARN (Connect) or its id. `refused`
   * is the loader's own objection to a name in that list (an ARN or an id written as a name).
   */
  constructor(
    entries: readonly Named[],
    private readonly kind: string,
    private readonly where: string,
    private readonly max: number,
    private readonly o: { key?: (n: Named) => string | undefined; refused?: (name: string) => string | undefined } = {},
  ) {
    const key = o.key ?? ((n: Named) => n.id);
    for (const n of entries) {
      this.count.set(n.name, (this.count.get(n.name) ?? 0) + 1);
      const k = key(n);
      if (k !== undefined) this.byKey.set(k, n);
    }
  }

  /** The name of the resource `key`, if the export may write it as a name. */
  verdict(key: string): NameVerdict {
    const n = this.byKey.get(key);
    if (!n) return { ok: false, why: `no name: ${this.where} lists no ${this.kind} with this id` };
    const shared = this.count.get(n.name) ?? 0;
    if (shared > 1) return { ok: false, name: n.name, why: `${shared} ${this.kind}s of ${this.where} are named so` };
    if (!isWritableName(n.name)) return { ok: false, name: n.name, why: 'the name has invisible characters or surrounding spaces' };
    if (n.name.length > this.max) return { ok: false, name: n.name, why: `the name is longer than ${this.max} characters` };
    if (this.o.refused?.(n.name) !== undefined) return { ok: false, name: n.name, why: 'the loader would read the name as an id' };
    return { ok: true, name: n.name };
  }

  /** What the resource is called, for a comment beside its id (whether or not the name is usable). */
  label(key: string): string | undefined {
    const v = this.verdict(key);
    if (v.ok) return v.name;
    return v.name === undefined ? undefined : `${quoteIfOdd(v.name)} (${v.why})`;
  }
}

/** A name as a comment shows it: quoted where spaces at its ends or odd characters would hide. */
export function quoteIfOdd(name: string): string {
  return isWritableName(name) ? name : JSON.stringify(name);
}
