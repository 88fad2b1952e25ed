/**
 * `workspace-reconciler sandbox`: runs the local AWS emulator until SIGINT / SIGTERM and prints the
 * environment that points the AWS SDK (and this tool) at it.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  assertFaults, readSeedFile, SandboxOptionError, SeedError, seededRandom, startSandbox,
  type CallRecord, type FaultOptions, type SandboxOptions,
} from '../../src/sandbox/index.js';
import { CommandError } from '../errors.js';

export interface SandboxCommandIO {
  /** Default: process.stdout. */
  stdout?: (text: string) => void;
  /** Default: process.stderr. */
  stderr?: (text: string) => void;
  /** Stops the sandbox when aborted, in addition to SIGINT / SIGTERM. Default none. */
  signal?: AbortSignal;
  /** Called once the sandbox listens (tests use it to find the endpoint). Default none. */
  onListening?: (endpoint: string) => void;
}

interface Flags {
  seed?: string;
  port: number;
  host: string;
  quotas: boolean;
  quotaScale?: number;
  stepDelay: number;
  throttleRate?: number;
  errorRate?: number;
  resetRate?: number;
  latency?: number;
  faultFile?: string;
  randomSeed?: number;
  logCalls?: boolean;
}

function number(expected: string, ok: (n: number) => boolean): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new InvalidArgumentError(`Expected ${expected}.`);
    return n;
  };
}

const probability = number('a probability between 0 and 1', (n) => n >= 0 && n <= 1);
const nonNegative = number('a number >= 0', (n) => n >= 0);

export function sandboxCommand(io: SandboxCommandIO = {}): Command {
  const out = io.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = io.stderr ?? ((s: string) => void process.stderr.write(s));
  return new Command('sandbox')
    .description('run a local emulator of the Connect workspace and WorkSpaces application APIs')
    .option('--seed <file>', 'seed YAML describing the world (src/sandbox/SEED.md); default: the demo world')
    .option('--port <n>', 'port to listen on (0 = pick one)', number('an integer 0..65535', (n) => Number.isInteger(n) && n <= 65535 && n >= 0), 4599)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--no-quotas', 'switch off the per-operation rate quotas')
    .option('--quota-scale <x>', 'multiply every quota rate and burst', number('a number > 0', (n) => n > 0))
    .option('--step-delay <ms>', 'how long each in-flight WorkSpaces state lasts', nonNegative, 1000)
    .option('--throttle-rate <p>', 'probability of answering ThrottlingException', probability)
    .option('--error-rate <p>', 'probability of answering HTTP 500', probability)
    .option('--reset-rate <p>', 'probability of resetting the connection', probability)
    .option('--latency <ms>', 'latency added to every call', nonNegative)
    .option('--fault-file <file>', 'YAML with fault options (failedList, deployOutcomes, scriptedErrors, rates)')
    .addOption(new Option('--random-seed <n>', 'seed the fault PRNG for repeatable runs').argParser(number('an integer', Number.isInteger)))
    .option('--log-calls', 'print one line per call to stderr')
    .action(async function (this: Command, flags: Flags) {
      const options: SandboxOptions = { port: flags.port, host: flags.host, stepDelayMs: flags.stepDelay };
      if (flags.seed !== undefined) options.seed = flags.seed;
      if (!flags.quotas) options.quotas = false;
      else if (flags.quotaScale !== undefined) options.quotas = { scale: flags.quotaScale };
      if (flags.randomSeed !== undefined) options.random = seededRandom(flags.randomSeed);
      if (flags.logCalls === true) options.onCall = (c) => err(`${callLine(c)}\n`);
      let faults: FaultOptions = {};
      try {
        if (flags.faultFile !== undefined) faults = assertFaults(await readSeedFile(flags.faultFile), `--fault-file ${flags.faultFile}`);
      } catch (e) {
        this.error(`error: option '--fault-file <file>' value '${flags.faultFile}' is invalid: ${(e as Error).message}`, { exitCode: 1 });
      }
      const rates: [keyof FaultOptions, number | undefined][] = [
        ['throttleRate', flags.throttleRate], ['errorRate', flags.errorRate], ['resetRate', flags.resetRate], ['latencyMs', flags.latency],
      ];
      for (const [k, v] of rates) if (v !== undefined) Object.assign(faults, { [k]: v });
      options.faults = faults;

      let sandbox;
      try {
        sandbox = await startSandbox(options);
      } catch (e) {
        // A port in use is not a usage mistake: one line with the way out, no "--help" hint.
        if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new CommandError(`cannot listen on ${flags.host}:${flags.port}: the port is in use; choose another --port, or --port 0 for a free one`);
        }
        const what = e instanceof SeedError ? `option '--seed <file>' value '${flags.seed ?? 'demo-seed.yaml'}' is invalid: ` : '';
        if (e instanceof SeedError || e instanceof SandboxOptionError) this.error(`error: ${what}${(e as Error).message}`, { exitCode: 1 });
        throw e;
      }
      out(
        `# workspace-reconciler sandbox listening on ${sandbox.endpoint} (seed: ${flags.seed ?? 'demo world'})\n` +
          Object.entries(sandbox.env).map(([k, v]) => `export ${k}=${v}\n`).join('') +
          '# Stop with Ctrl-C.\n',
      );
      io.onListening?.(sandbox.endpoint);
      await stopped(io.signal);
      await sandbox.close();
      err('# sandbox stopped\n');
    });
}

/** Resolves on the first SIGINT / SIGTERM (or abort), removing its listeners. */
function stopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (signal?.aborted === true) done();
    else signal?.addEventListener('abort', done);
  });
}

function callLine(c: CallRecord): string {
  const outcome = c.errorCode === undefined ? `${c.status}` : `${c.status} ${c.errorCode}`;
  return `${new Date(c.time).toISOString()} ${c.service} ${c.region} ${c.operation} → ${outcome}${c.fault ? ` (injected ${c.fault})` : ''}`;
}
