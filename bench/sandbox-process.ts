/**
 * The sandbox of bench/sandbox-child.ts in a process of its own, so its CPU and memory never count
 * against what a benchmark measures: start it, read its call counts, stop it.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FleetOptions } from '../src/sandbox/index.js';

export interface SandboxStats {
  total: number;
  throttled: number;
  byOperation: Record<string, number>;
}

export class SandboxChild {
  private lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>, readonly endpoint: string, lines: AsyncIterator<string>) {
    this.lines = lines;
  }

  /**
   * `driftEvery`: every n-th Connect workspace and WorkSpace starts with nothing associated.
   * `accounts`: the fleet in each of these accounts instead of one (see accounts-world.ts).
   */
  static async start(fleet: FleetOptions, o: { quotaScale: number; stepDelayMs: number; driftEvery?: number; accounts?: string[] }): Promise<SandboxChild> {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'sandbox-child.js');
    const child = spawn(process.execPath, [script, JSON.stringify({ fleet, quotaScale: o.quotaScale, stepDelayMs: o.stepDelayMs, driftEvery: o.driftEvery, accounts: o.accounts })], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error('the sandbox child exited before listening');
    return new SandboxChild(child, (JSON.parse(first.value) as { endpoint: string }).endpoint, lines);
  }

  async stats(): Promise<SandboxStats> {
    this.child.stdin.write('stats\n');
    const line = await this.lines.next();
    return JSON.parse(line.value as string) as SandboxStats;
  }

  /** Forget the calls counted so far. */
  async reset(): Promise<void> {
    this.child.stdin.write('reset\n');
    await this.stats(); // answered after the reset: the reset is done
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.write('exit\n');
    await exited;
  }
}

