declare module 'dynalite' {
  import type { Server } from 'node:http';
  /** createTableMs etc.: how long a table stays CREATING (default 500 ms). path: a LevelDB directory (default in memory). */
  export default function dynalite(options?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string; ssl?: boolean }): Server;
}
