/** The chaos suite's one source of randomness: the sandbox's seeded PRNG (mulberry32) with helpers. */
import { seededRandom } from '../../src/sandbox/random.js';

export class Rng {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = seededRandom(seed);
  }

  /** [0, 1) */
  next(): number {
    return this.r();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.r() * (max - min + 1));
  }

  /** A number in [min, max), rounded to 3 decimals (so it prints as it is used). */
  range(min: number, max: number): number {
    return Math.round((min + this.r() * (max - min)) * 1000) / 1000;
  }

  chance(p: number): boolean {
    return this.r() < p;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[Math.floor(this.r() * xs.length)];
  }

  /** Each element independently with probability p, order kept. */
  subset<T>(xs: readonly T[], p = 0.5): T[] {
    return xs.filter(() => this.r() < p);
  }

  /** n lowercase hex digits. */
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.r() * 16).toString(16);
    return s;
  }

  /** A lowercase UUID-shaped id (Connect ids). */
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-${this.hex(4)}-${this.hex(4)}-${this.hex(12)}`;
  }
}
