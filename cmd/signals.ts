/**
 * Graceful interruption: the first SIGINT/SIGTERM calls `onFirst` (stop taking new work, let
 * calls in flight finish); a second one exits at once (controller-runtime's signal handler).
 * Returns a function that removes the handlers.
 */
export function onInterrupt(onFirst: (signal: NodeJS.Signals) => void): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) onFirst(signal);
    else process.exit(130);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
