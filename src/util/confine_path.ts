/**
 * Path confinement: every file asterisk reads or writes on an agent's behalf
 * must stay inside the run directory, symlinks included.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";

/** A path that leaves the directory it is confined to. */
export class PathConfinementError extends Error {
  /** The path that was refused. */
  readonly path: string;
  /** The directory it had to stay in. */
  readonly root: string;

  /** Creates the error for `path` leaving `root`. */
  constructor(path: string, root: string, how: string, options?: ErrorOptions) {
    super(
      `Refusing path '${path}': ${how}; expected a path inside '${root}'`,
      options,
    );
    this.name = "PathConfinementError";
    this.path = path;
    this.root = root;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** The real path of `path`'s deepest existing ancestor (itself included). */
function realAncestor(path: string): string {
  let current = path;
  const rest: string[] = [];
  while (true) {
    try {
      return resolve(Deno.realPathSync(current), ...rest.reverse());
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(current.slice(parent.length).replace(/^\//, ""));
      current = parent;
    }
  }
}

/**
 * Real paths of confinement roots, kept per lexical root: a run confines
 * thousands of paths to one root, and `realpath` costs a `readlink` per
 * component. A root later replaced by a symlink is still caught: the paths
 * under it then resolve outside the real path kept here.
 */
const realRoots = new Map<string, string>();

function realRootOf(lexicalRoot: string): string {
  let real = realRoots.get(lexicalRoot);
  if (real === undefined) {
    real = realAncestor(lexicalRoot);
    // Only a root that exists has a real path worth keeping.
    try {
      Deno.statSync(lexicalRoot);
      if (realRoots.size >= 64) realRoots.clear();
      realRoots.set(lexicalRoot, real);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return real;
}

/**
 * The real path of `lexical`, a path under `lexicalRoot` whose real path is
 * `realRoot`: the components below the root are checked with one `lstat`
 * each, and only a symlink among them needs a full `realpath`.
 */
function realUnder(
  lexicalRoot: string,
  realRoot: string,
  lexical: string,
): string {
  const parts = relative(lexicalRoot, lexical).split(/[\\/]/).filter((p) =>
    p !== ""
  );
  let current = lexicalRoot;
  for (let i = 0; i < parts.length; i++) {
    current = resolve(current, parts[i]);
    try {
      if (Deno.lstatSync(current).isSymlink) return realAncestor(lexical);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      // Nothing below a missing component exists, so no symlink either.
      break;
    }
  }
  return resolve(realRoot, ...parts);
}

/**
 * Resolves `path` and checks it stays inside `root` once every symlink on the
 * way is followed, and that `path` itself, when it exists, is not a symlink
 * (a file an agent could point anywhere).
 *
 * Synchronous: an `lstat` per component below the root (the root's real path
 * is kept), far cheaper than as many awaited asynchronous operations, or a
 * `realpath` of the whole path, on the hot paths of the file transports.
 *
 * @example
 * ```ts
 * import { confinePathSync } from "./confine_path.ts";
 *
 * const root = Deno.makeTempDirSync();
 * const inside = confinePathSync(root, `${root}/C1/artifact.json`);
 * try {
 *   confinePathSync(root, `${root}/../run.json`);
 * } catch (error) {
 *   console.assert((error as Error).name === "PathConfinementError");
 * }
 * Deno.removeSync(root);
 * ```
 *
 * @returns the resolved (lexical) path.
 * @throws {PathConfinementError} when `path` leaves `root` or is a symlink.
 */
export function confinePathSync(root: string, path: string): string {
  const lexicalRoot = resolve(root);
  const lexical = resolve(lexicalRoot, path);
  if (!isInside(lexicalRoot, lexical)) {
    throw new PathConfinementError(
      path,
      lexicalRoot,
      "it leaves the directory",
    );
  }
  const realRoot = realRootOf(lexicalRoot);
  const real = realUnder(lexicalRoot, realRoot, lexical);
  if (!isInside(realRoot, real)) {
    throw new PathConfinementError(
      path,
      lexicalRoot,
      `a symlink leads it to '${real}'`,
    );
  }
  try {
    const info = Deno.lstatSync(lexical);
    if (info.isSymlink) {
      throw new PathConfinementError(path, lexicalRoot, "it is a symlink");
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return lexical;
}

/**
 * {@linkcode confinePathSync} as a promise: rejects instead of throwing.
 *
 * @example
 * ```ts
 * import { confinePath } from "./confine_path.ts";
 *
 * const root = await Deno.makeTempDir();
 * const inside = await confinePath(root, `${root}/C1/artifact.json`);
 * await confinePath(root, `${root}/../run.json`).catch((error) =>
 *   console.assert(error.name === "PathConfinementError")
 * );
 * await Deno.remove(root);
 * ```
 *
 * @returns the resolved (lexical) path.
 * @throws {PathConfinementError} when `path` leaves `root` or is a symlink.
 */
export function confinePath(root: string, path: string): Promise<string> {
  try {
    return Promise.resolve(confinePathSync(root, path));
  } catch (error) {
    return Promise.reject(error);
  }
}
