/**
 * Watching the desired-state files. Any change under the given paths (and a swap of the paths
 * themselves, as git-sync does with a symlink) calls `onChange` once per burst: events are
 * debounced, so an editor's save-rename-chmod or a checkout of many files is one reload.
 * Watching is a hint, not the source of truth: the daemon also reloads on SIGHUP and on every
 * resync, so a missed event delays a change, it never loses it.
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Clock, Timer } from '../reconciler/clock.js';

export interface Watcher {
  /** Re-create the watches (after a reload: a swapped symlink points somewhere new). */
  rearm(): Promise<void>;
  close(): void;
}

export async function watchPaths(paths: readonly string[], o: { debounceMs: number; clock: Clock; onChange: () => void; onError?: (err: Error) => void }): Promise<Watcher> {
  let watchers: FSWatcher[] = [];
  let timer: Timer | undefined;
  let closed = false;
  const fire = () => {
    if (closed) return;
    timer?.cancel();
    timer = o.clock.setTimer(o.debounceMs, () => {
      timer = undefined;
      o.onChange();
    });
  };
  const add = (path: string, recursive: boolean) => {
    try {
      const w = watch(path, { recursive, persistent: false }, fire);
      w.on('error', (err) => o.onError?.(err));
      watchers.push(w);
    } catch (err) {
      o.onError?.(err as Error);
    }
  };
  const arm = async () => {
    for (const w of watchers) w.close();
    watchers = [];
    const parents = new Set<string>();
    for (const p of paths) {
      const abs = resolve(p);
      const info = await stat(abs).catch(() => undefined);
      if (info) add(abs, info.isDirectory());
      parents.add(dirname(abs));
    }
    // The parent catches the path being replaced, removed or created.
    for (const parent of parents) add(parent, false);
  };
  await arm();
  return {
    rearm: arm,
    close() {
      closed = true;
      timer?.cancel();
      for (const w of watchers) w.close();
      watchers = [];
    },
  };
}
