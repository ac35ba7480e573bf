/**
 * The watch seam of the file transport: a stream of "something changed in
 * this directory" events. {@linkcode denoWatchFactory} uses `Deno.watchFs`;
 * tests pass a factory they trigger by hand.
 *
 * @module
 */

/**
 * An event from a directory watch.
 *
 * - `change`: files in the directory changed (`paths` are the ones reported).
 * - `rescan`: the watcher may have missed events; look at the files again.
 * - `error`: the watcher failed; no further events follow.
 */
export type WatchEvent =
  | { readonly kind: "change"; readonly paths: readonly string[] }
  | { readonly kind: "rescan" }
  | { readonly kind: "error"; readonly error: unknown };

/**
 * A running directory watch. Iterate it for events; {@linkcode close} stops
 * the watch and ends the iteration.
 */
export interface WatchHandle extends AsyncIterable<WatchEvent> {
  /** Stops watching. Safe to call more than once. */
  close(): void;
}

/**
 * Starts watching the directory `dir` (not its subdirectories).
 *
 * @throws when the watch cannot be set up (missing directory, watch limits).
 */
export type WatchFactory = (dir: string) => WatchHandle;

/**
 * A {@linkcode WatchFactory} built on `Deno.watchFs(dir, { recursive: false })`.
 * Deno's `rescan` flag becomes a `rescan` event, every other event a `change`
 * event, and a failure while iterating one `error` event, after which the
 * iteration ends.
 *
 * @example
 * ```ts ignore
 * const handle = denoWatchFactory("/tmp/run/C1");
 * for await (const event of handle) {
 *   if (event.kind === "change") console.log(event.paths);
 * }
 * ```
 */
export const denoWatchFactory: WatchFactory = (dir: string): WatchHandle => {
  const watcher = Deno.watchFs(dir, { recursive: false });
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      try {
        watcher.close();
      } catch {
        // Already closed by the end of the iteration.
      }
    },
    async *[Symbol.asyncIterator]() {
      try {
        for await (const event of watcher) {
          yield event.flag === "rescan"
            ? { kind: "rescan" }
            : { kind: "change", paths: event.paths };
        }
      } catch (error) {
        if (!closed) yield { kind: "error", error };
      }
    },
  };
};
