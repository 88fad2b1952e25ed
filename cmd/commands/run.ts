import { setMaxListeners } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Daemon } from '../../src/daemon/daemon.js';
import { parseListen, startHttpServer } from '../../src/daemon/http.js';
import type { ListenAddress } from '../../src/daemon/http.js';
import { Metrics } from '../../src/daemon/metrics.js';
import { createLogger } from '../../src/log.js';
import { resolveDefaultRegion } from '../../src/providers/clients.js';
import { systemClock } from '../../src/reconciler/clock.js';
import { addAwsOptions, addCommonOptions, durationOption, limitsOf } from '../common.js';
import type { AwsOptions } from '../common.js';
import { CommandError, EXIT_OK } from '../errors.js';
import { createRuntime } from '../runtime.js';

interface RunOptions extends AwsOptions {
  interval: number;
  listen: ListenAddress;
  shutdownTimeout: number;
  pollInterval: number;
  debounce: number;
  watch: boolean;
}

function listenOption(value: string): ListenAddress {
  try {
    return parseListen(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

export function runCommand(): Command {
  const cmd = new Command('run')
    .description('the daemon: reconcile, watch the files, resync every --interval; serves /healthz, /readyz, /metrics')
    .argument('<path...>', 'YAML files or directories')
    .addOption(durationOption('--interval <duration>', 'full resync period (jittered ±10 %)', '5m'))
    .addOption(new Option('--listen <host:port>', 'address of /healthz, /readyz and /metrics').argParser(listenOption).default(parseListen('127.0.0.1:9464'), '127.0.0.1:9464'))
    .addOption(durationOption('--shutdown-timeout <duration>', 'on SIGTERM/SIGINT, how long to wait for calls in flight', '30s'))
    .addOption(durationOption('--poll-interval <duration>', 'how often to re-check WorkSpaces deployments in flight', '5s'))
    .addOption(durationOption('--debounce <duration>', 'quiet time after a file change before reloading', '1s'))
    .option('--no-watch', 'do not watch the files (reload on SIGHUP and every --interval only)');
  addAwsOptions(addCommonOptions(cmd, { logLevel: 'info' })).action(async (paths: string[], o: RunOptions) => {
    process.exitCode = await runDaemon(paths, o);
  });
  return cmd;
}

async function runDaemon(paths: string[], o: RunOptions): Promise<number> {
  const log = createLogger({ level: o.logLevel, format: o.logFormat });
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const metrics = new Metrics();
  metrics.zero();
  let daemon: Daemon | undefined;
  const rt = createRuntime({
    ...limitsOf(o),
    signal: abort.signal,
    onCall: (e) => {
      metrics.onCall(e);
      daemon?.onCall(e);
      if (e.outcome === 'throttled') log.debug({ service: e.service, operation: e.operation, requestId: e.requestId }, 'throttled');
    },
  });
  daemon = new Daemon({
    paths,
    defaultRegion: await resolveDefaultRegion(o.region),
    providers: rt.providers,
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
  });
  const d = daemon;
  let http;
  try {
    http = await startHttpServer(o.listen, metrics, () => d.readiness());
  } catch (err) {
    rt.close();
    throw new CommandError(`cannot listen on ${o.listen.host}:${o.listen.port}: ${(err as Error).message}`);
  }
  log.info({ listen: http.url, paths, interval: o.interval }, 'daemon starting');

  // First SIGTERM/SIGINT: drain (bounded), exit 0. A second: exit at once.
  let signals = 0;
  let stopping: Promise<void> | undefined;
  let abandoned = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = (async () => {
      log.info({ signal, shutdownTimeoutMs: o.shutdownTimeout }, 'shutting down: no new work, finishing calls in flight');
      abort.abort(new Error(`received ${signal}`));
      const drained = await d.stop(o.shutdownTimeout);
      abandoned = !drained;
      log.info({ drained }, drained ? 'shut down cleanly' : 'shutdown timeout: calls still in flight were abandoned');
    })();
  };
  const onHup = () => {
    log.info({}, 'SIGHUP: reloading the desired state');
    void d.resync('SIGHUP');
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', onHup);
  try {
    const started = await d.start();
    // A signal during the first load is a shutdown, not a desired state that cannot be loaded.
    if (!started && !abort.signal.aborted) {
      throw new CommandError('the desired state could not be loaded at start (see the errors above); not starting');
    }
    // The 'abort' event fires once: a signal that came during start() already fired it.
    if (!abort.signal.aborted) await new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
    await stopping;
    return EXIT_OK;
  } finally {
    process.off('SIGHUP', onHup);
    await http.close();
    rt.close();
    // Abandoned calls would keep the process alive until answered (the SDK even resends those
    // whose sockets rt.close() destroyed): --shutdown-timeout must bound the exit.
    if (abandoned) process.exit(EXIT_OK);
  }
}
