import { setMaxListeners } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Coordinator, createLeaseTable, defaultIdentity, LeaseTableError, shardOf } from '../../src/coordination/index.js';
import type { LeaseTable } from '../../src/coordination/index.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { parseListen, startHttpServer } from '../../src/daemon/http.js';
import type { ListenAddress } from '../../src/daemon/http.js';
import { Metrics } from '../../src/daemon/metrics.js';
import { createLogger } from '../../src/log.js';
import { acquireLock, LockError, lockKeyForPaths } from '../../src/ops/lock.js';
import type { Lock } from '../../src/ops/lock.js';
import { ClientConfigError, resolveDefaultRegion } from '../../src/providers/clients.js';
import { systemClock } from '../../src/reconciler/clock.js';
import { addAwsOptions, addCommonOptions, durationOption, limitsOf } from '../common.js';
import type { AwsOptions } from '../common.js';
import { CommandError, EXIT_OK } from '../errors.js';
import { durationAtLeast, parseRegion } from '../options.js';
import { createRuntime } from '../runtime.js';
import type { Runtime } from '../runtime.js';

interface RunOptions extends AwsOptions {
  interval: number;
  lockDir?: string;
  listen: ListenAddress;
  shutdownTimeout: number;
  pollInterval: number;
  debounce: number;
  watch: boolean;
  observeOnly?: boolean;
  leaseTable?: string;
  leaseRegion?: string;
  createLeaseTable?: boolean;
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
  leaseIdentity?: string;
}

function listenOption(value: string): ListenAddress {
  try {
    return parseListen(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function runCommand(): Command {
  // Lower bounds: a 0 resync period or poll interval would spin in a hot loop against AWS.
  const cmd = new Command('run')
    .description('the daemon: reconcile, watch the files, resync every --interval; serves /healthz, /readyz, /metrics')
    .argument('<path...>', 'YAML files or directories')
    .addOption(durationOption('--interval <duration>', 'full resync period (jittered ±10 %), at least 1s', '5m').argParser(durationAtLeast('1s')))
    .addOption(new Option('--listen <host:port>', 'address of /healthz, /readyz and /metrics').argParser(listenOption).default(parseListen('127.0.0.1:9464'), '127.0.0.1:9464'))
    .addOption(durationOption('--shutdown-timeout <duration>', 'on SIGTERM/SIGINT, how long to wait for calls in flight (0: do not wait)', '30s').argParser(durationAtLeast('0')))
    .addOption(durationOption('--poll-interval <duration>', 'how often to re-check WorkSpaces deployments in flight, at least 10ms', '5s').argParser(durationAtLeast('10ms')))
    .addOption(durationOption('--debounce <duration>', 'quiet time after a file change before reloading (0: none)', '1s').argParser(durationAtLeast('0')))
    .option('--no-watch', 'do not watch the files (reload on SIGHUP and every --interval only)')
    .option('--observe-only', 'a drift detector: resolve, observe and plan every --interval, export and log drift, never change anything')
    .option('--lock-dir <dir>', 'directory of the overlap lock file (default: the system temp directory)')
    .option('--lease-table <name>', 'several replicas: share the shards (account + region) through this DynamoDB lease table')
    .option('--lease-region <region>', 'region of the lease table (default: the AWS SDK chain, e.g. AWS_REGION)', parseRegion)
    .option('--create-lease-table', 'create the lease table if it does not exist (otherwise a missing table is an error at start)')
    .addOption(durationOption('--lease-duration <duration>', 'a lease not renewed for this long is taken over by another replica', '15s').argParser(durationAtLeast('10ms')))
    .addOption(durationOption('--renew-deadline <duration>', 'a replica that could not renew its lease for this long stops using it (shorter than --lease-duration)', '10s').argParser(durationAtLeast('10ms')))
    .addOption(durationOption('--retry-period <duration>', 'how often leases are renewed and free shards looked for (shorter than --renew-deadline)', '2s').argParser(durationAtLeast('10ms')))
    .option('--lease-identity <name>', "this replica's name in the lease table and in its calls' User-Agent (default: host name and a random suffix)");
  addAwsOptions(addCommonOptions(cmd, { logLevel: 'info' })).action(async (paths: string[], o: RunOptions) => {
    process.exitCode = await runDaemon(paths, o);
  });
  return cmd;
}

/** A bad AWS_MAX_ATTEMPTS / AWS_REGION, or a held lock, is the operator's to fix: one line, exit 1. */
function operatorError(err: unknown): unknown {
  return err instanceof ClientConfigError || err instanceof LockError ? new CommandError(err.message) : err;
}

/** The lease options make sense together, and only with --lease-table. */
function checkLeaseOptions(o: RunOptions): void {
  if (!o.leaseTable) {
    const stray = ([['leaseRegion', '--lease-region'], ['createLeaseTable', '--create-lease-table'], ['leaseIdentity', '--lease-identity']] as const).find(([k]) => o[k] !== undefined);
    if (stray) throw new CommandError(`${stray[1]} needs --lease-table`);
    return;
  }
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(o.leaseTable)) throw new CommandError(`--lease-table: expected a DynamoDB table name (3-255 of A-Z a-z 0-9 _ - .), got '${o.leaseTable}'`);
  if (o.leaseIdentity !== undefined && !/^[A-Za-z0-9._-]{1,128}$/.test(o.leaseIdentity)) throw new CommandError(`--lease-identity: expected 1-128 of A-Z a-z 0-9 . _ -, got '${o.leaseIdentity}'`);
  if (o.renewDeadline >= o.leaseDuration) throw new CommandError(`--renew-deadline (${o.renewDeadline} ms) must be shorter than --lease-duration (${o.leaseDuration} ms)`);
  if (o.retryPeriod >= o.renewDeadline) throw new CommandError(`--retry-period (${o.retryPeriod} ms) must be shorter than --renew-deadline (${o.renewDeadline} ms)`);
}

async function runDaemon(paths: string[], o: RunOptions): Promise<number> {
  checkLeaseOptions(o);
  const log = createLogger({ level: o.logLevel, format: o.logFormat });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  let daemon: Daemon | undefined;
  let table: LeaseTable | undefined;
  let coordinator: Coordinator | undefined;
  let lock: Lock | undefined;
  const releaseOnExit = () => lock?.releaseSync();

  // The signal handlers come first, before any await: without a listener Node's default action
  // kills the process, so a SIGTERM during start-up (a rollout, a quick systemctl stop) must find
  // them in place. First SIGTERM/SIGINT: drain (bounded), exit 0. A second: exit at once.
  let signals = 0;
  let stopping: Promise<void> | undefined;
  let abandoned = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    const d = daemon;
    stopping = (async () => {
      log.info({ signal, shutdownTimeoutMs: o.shutdownTimeout }, 'shutting down: no new work, finishing calls in flight');
      abort.abort(new Error(`received ${signal}`));
      // Keep the leases held (renewed) while the calls in flight finish, but take no new ones.
      coordinator?.stopTaking();
      const drained = d ? await d.stop(o.shutdownTimeout) : true;
      abandoned = !drained;
      log.info({ drained }, drained ? 'shut down cleanly' : 'shutdown timeout: calls still in flight were abandoned');
    })();
  };
  const onHup = () => {
    if (!daemon) return; // not started yet: the first load reads the files anyway
    log.info({}, 'SIGHUP: reloading the desired state');
    void daemon.resync('SIGHUP');
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHup);
  const stopped = async () => {
    await stopping;
    return EXIT_OK;
  };

  let rt: Runtime | undefined;
  let http: Awaited<ReturnType<typeof startHttpServer>> | undefined;
  try {
    const metrics = new Metrics();
    metrics.zero();
    const identity = o.leaseTable ? (o.leaseIdentity ?? defaultIdentity()) : undefined;
    const userAgent: [string, string][] | undefined = identity ? [['replica', identity]] : undefined;
    if (o.leaseTable && identity) {
      metrics.enableCoordination();
      table = createLeaseTable({ table: o.leaseTable, region: o.leaseRegion, timeoutMs: o.renewDeadline, userAgent });
      coordinator = new Coordinator({
        table,
        identity,
        logger: log,
        leaseDurationMs: o.leaseDuration,
        renewDeadlineMs: o.renewDeadline,
        retryPeriodMs: o.retryPeriod,
        onEvent: (e) => metrics.onCoordination(e),
      });
    }
    const c = coordinator;
    try {
      rt = createRuntime({
        ...limitsOf(o),
        // Every attempt of a mutating call for a shard needs that shard's lease (see coordinator.ts).
        fence: c ? (call) => c.enter(shardOf(call), call) : undefined,
        userAgent,
        signal: abort.signal,
        observeOnly: o.observeOnly,
        logger: log,
        onCall: (e) => {
          metrics.onCall(e);
          daemon?.onCall(e);
          if (e.outcome === 'throttled') log.debug({ account: e.account, service: e.service, operation: e.operation, requestId: e.requestId }, 'throttled');
        },
      });
    } catch (err) {
      throw operatorError(err);
    }
    const defaultRegion = await resolveDefaultRegion(o.region).catch((err: unknown) => Promise.reject(operatorError(err)));
    if (abort.signal.aborted) return await stopped();
    const runtime = rt;
    const d = new Daemon({
      paths,
      defaultRegion,
      providers: rt.providers,
      resolve: (state) => runtime.resolve(state, abort.signal),
      clock: systemClock,
      logger: log,
      metrics,
      intervalMs: o.interval,
      debounceMs: o.debounce,
      pollIntervalMs: o.pollInterval,
      maxPrune: o.maxPrune,
      allowEmpty: o.allowEmpty,
      watch: o.watch,
      signal: abort.signal,
      observeOnly: o.observeOnly,
      ownership: coordinator,
      // A cron `apply` and this daemon on the same desired state must not overlap: the daemon holds
      // apply's lock, keyed on where the desired state lives (lockKeyForPaths), for its whole life.
      // An observe-only daemon changes nothing, so it takes no lock: it may watch while apply runs.
      beforeFirstUse: o.observeOnly ? undefined : async () => {
        const taken = await acquireLock({ key: await lockKeyForPaths(paths), paths, dir: o.lockDir }).catch((err: unknown) => Promise.reject(operatorError(err)));
        lock = taken;
        process.once('exit', releaseOnExit);
        if (taken.staleFrom) log.warn({ pid: taken.staleFrom.pid, lock: taken.path }, 'took over a stale lock');
      },
    });
    daemon = d;
    try {
      http = await startHttpServer(o.listen, metrics, () => {
        const r = d.readiness();
        const cr = c?.readiness();
        if (!r.ready || !cr) return r;
        return cr.ready ? { ready: true, reason: `${r.reason}; ${cr.reason}` } : cr;
      });
    } catch (err) {
      throw new CommandError(`cannot listen on ${o.listen.host}:${o.listen.port}: ${(err as Error).message}`);
    }
    log.info({ listen: http.url, paths, interval: o.interval, observeOnly: o.observeOnly ?? false, ...(c ? { leaseTable: o.leaseTable, identity: c.identity } : {}) }, 'daemon starting');
    if (abort.signal.aborted) return await stopped();
    if (c && table) {
      const created = await table.ensure({ create: o.createLeaseTable ?? false, clock: systemClock }).catch((err: unknown) => {
        throw new CommandError(err instanceof LeaseTableError ? err.message : `cannot use the lease table '${table?.name}': ${(err as Error).message}`);
      });
      if (created === 'created') log.info({ leaseTable: table.name }, 'lease table created');
      if (abort.signal.aborted) return await stopped();
      c.start();
    }

    const started = await d.start();
    // A signal during the first load is a shutdown, not a desired state that cannot be loaded.
    if (!started && !abort.signal.aborted) {
      throw new CommandError('the desired state could not be loaded at start (see the errors above); not starting');
    }
    // The 'abort' event fires once: a signal that came during start() already fired it.
    if (!abort.signal.aborted) await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
    return await stopped();
  } finally {
    process.off('SIGHUP', onHup);
    // After the drain: give the leases back, so another replica takes over at once. Calls
    // abandoned in flight (shutdown timeout) keep them: they expire instead.
    await coordinator?.stop({ release: !abandoned });
    table?.client.destroy();
    await http?.close();
    rt?.close();
    await lock?.release();
    process.off('exit', releaseOnExit);
    // Abandoned calls would keep the process alive until answered (the SDK even resends those
    // whose sockets rt.close() destroyed): --shutdown-timeout must bound the exit.
    if (abandoned) process.exit(EXIT_OK);
  }
}
