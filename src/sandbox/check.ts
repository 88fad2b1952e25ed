/** A small collecting validator: every problem with its path, so a wrong seed reports all at once. */
export class Checker {
  readonly problems: string[] = [];

  fail(path: string, message: string): undefined {
    this.problems.push(`${path}: ${message}`);
    return undefined;
  }

  object(path: string, v: unknown, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> | undefined {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return this.fail(path, `expected a mapping, got ${show(v)}`);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(`${path}.${k}`, `unknown field (allowed: ${allowed.join(', ')})`);
    }
    for (const k of required) {
      if (o[k] === undefined || o[k] === null) this.fail(`${path}.${k}`, 'required');
    }
    return o;
  }

  string(path: string, v: unknown, rule: { pattern?: RegExp; oneOf?: readonly string[]; min?: number; max?: number } = {}): string | undefined {
    if (typeof v !== 'string') return this.fail(path, `expected a string, got ${show(v)}`);
    if (rule.min !== undefined && v.length < rule.min) return this.fail(path, `must be at least ${rule.min} characters`);
    if (rule.max !== undefined && v.length > rule.max) return this.fail(path, `must be at most ${rule.max} characters`);
    if (rule.pattern !== undefined && !rule.pattern.test(v)) return this.fail(path, `${show(v)} does not match ${rule.pattern}`);
    if (rule.oneOf !== undefined && !rule.oneOf.includes(v)) return this.fail(path, `${show(v)} is not one of ${rule.oneOf.join(', ')}`);
    return v;
  }

  optString(path: string, v: unknown, rule: Parameters<Checker['string']>[2] = {}): string | undefined {
    return v === undefined ? undefined : this.string(path, v, rule);
  }

  number(path: string, v: unknown, rule: { min: number; max: number; integer?: boolean }): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(path, `expected a number, got ${show(v)}`);
    if (rule.integer === true && !Number.isInteger(v)) return this.fail(path, `expected an integer, got ${v}`);
    if (v < rule.min || v > rule.max) return this.fail(path, `must be between ${rule.min} and ${rule.max}, got ${v}`);
    return v;
  }

  optNumber(path: string, v: unknown, rule: { min: number; max: number; integer?: boolean }): number | undefined {
    return v === undefined ? undefined : this.number(path, v, rule);
  }

  array(path: string, v: unknown): unknown[] | undefined {
    if (!Array.isArray(v)) return this.fail(path, `expected a list, got ${show(v)}`);
    return v;
  }

  /** An optional list; absent gives []. */
  list(path: string, v: unknown): unknown[] {
    return v === undefined || v === null ? [] : (this.array(path, v) ?? []);
  }

  /**
   * A tag map (key → value); absent gives {}. `{}` is allowed and means none (an API TagMap has at
   * least one entry, so the sandbox then omits it). Keys starting with `aws:` are reserved by AWS.
   */
  tags(path: string, v: unknown, rule: { maxTags: number; maxKey: number; maxValue: number; keyPattern?: RegExp }): Record<string, string> {
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(path, `expected a mapping of tag keys to values, got ${show(v)}`) ?? {};
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length > rule.maxTags) this.fail(path, `at most ${rule.maxTags} tags, got ${entries.length}`);
    const out: Record<string, string> = {};
    for (const [k, value] of entries) {
      const kp = `${path}.${k}`;
      if (k.length < 1 || k.length > rule.maxKey) this.fail(kp, `a tag key must be 1 to ${rule.maxKey} characters`);
      else if (k.toLowerCase().startsWith('aws:')) this.fail(kp, 'tag keys starting with aws: are reserved');
      else if (rule.keyPattern !== undefined && !rule.keyPattern.test(k)) this.fail(kp, `tag key ${show(k)} does not match ${rule.keyPattern}`);
      const s = this.string(kp, value, { max: rule.maxValue });
      if (s !== undefined) out[k] = s;
    }
    return out;
  }

  strings(path: string, v: unknown, rule: Parameters<Checker['string']>[2] = {}): string[] | undefined {
    const arr = this.array(path, v);
    if (arr === undefined) return undefined;
    const out: string[] = [];
    arr.forEach((x, i) => {
      const s = this.string(`${path}[${i}]`, x, rule);
      if (s !== undefined) out.push(s);
    });
    return out;
  }
}

export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
