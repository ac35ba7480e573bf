/**
 * Path confinement: every file asterisk reads or writes on an agent's behalf
 * must stay inside the run directory, symlinks included.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { settle } from "./settle.ts";

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

/**
 * `relative(root, path)` for resolved paths, without its work in the common
 * case of a path below the root (a slice of it).
 */
function relativeTo(root: string, path: string): string {
  if (path === root) return "";
  const prefix = root.endsWith(sep) ? root : root + sep;
  return path.startsWith(prefix)
    ? path.slice(prefix.length)
    : relative(root, path);
}

/** `dir` joined with `name`, for a resolved `dir` and a plain name. */
function under(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/**
 * Whether `resolve` returns `path` unchanged: a POSIX absolute path without
 * `.` or `..` components, empty components or a trailing separator.
 */
function isResolved(path: string): boolean {
  return sep === "/" && path.startsWith("/") && !path.includes("//") &&
    !path.includes("/./") && !path.includes("/../") &&
    !path.endsWith("/.") && !path.endsWith("/..") &&
    (path.length === 1 || !path.endsWith("/"));
}

/** `resolve(base, path)`, skipping the work for a path already resolved. */
function resolveFrom(base: string, path: string): string {
  return isResolved(path) ? path : resolve(base, path);
}

/** Resolved roots: a run confines thousands of paths to a few roots. */
const resolvedRoots = new Map<string, string>();

function resolveRoot(root: string): string {
  let resolved = resolvedRoots.get(root);
  if (resolved === undefined) {
    resolved = resolve(root);
    // The working directory matters only to a relative root.
    if (isAbsolute(root)) {
      if (resolvedRoots.size >= 64) resolvedRoots.clear();
      resolvedRoots.set(root, resolved);
    }
  }
  return resolved;
}

function isInside(root: string, path: string): boolean {
  const rel = relativeTo(root, path);
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

/** What the walk below the root found. */
interface Walk {
  /** The real path the lexical path leads to. */
  readonly real: string;
  /**
   * The `lstat` of the path itself when the walk made it (no symlink on the
   * way), `null` when the path (or a directory on its way) does not exist,
   * `undefined` when the walk did not get there (a symlink on the way).
   */
  readonly last: Deno.FileInfo | null | undefined;
  /**
   * `true` when the walk found the path's directory, `undefined` when it
   * did not (missing, or not looked at).
   */
  readonly dirExists?: boolean;
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
): Walk {
  const parts = relativeTo(lexicalRoot, lexical).split(/[\\/]/).filter((p) =>
    p !== ""
  );
  const realPath = () =>
    parts.length === 0 ? realRoot : under(realRoot, parts.join(sep));
  let current = lexicalRoot;
  let last: Deno.FileInfo | null | undefined;
  for (let i = 0; i < parts.length; i++) {
    current = under(current, parts[i]);
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(current);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      // Nothing below a missing component exists, so no symlink either.
      return {
        real: realPath(),
        last: null,
        // The directory was seen when it is below the root (the root
        // itself is not looked at).
        dirExists: i > 0 && i === parts.length - 1 ? true : undefined,
      };
    }
    if (info.isSymlink) {
      return { real: realAncestor(lexical), last: undefined };
    }
    if (i === parts.length - 1) last = info;
  }
  return {
    real: realPath(),
    last,
    dirExists: parts.length > 0 ? true : undefined,
  };
}

/** The checks of {@linkcode confinePathSync} and its variants. */
function confineWalk(
  root: string,
  path: string,
): { readonly lexical: string; readonly lexicalRoot: string; walk: Walk } {
  const lexicalRoot = resolveRoot(root);
  const lexical = resolveFrom(lexicalRoot, path);
  if (!isInside(lexicalRoot, lexical)) {
    throw new PathConfinementError(
      path,
      lexicalRoot,
      "it leaves the directory",
    );
  }
  const realRoot = realRootOf(lexicalRoot);
  const walk = realUnder(lexicalRoot, realRoot, lexical);
  if (!isInside(realRoot, walk.real)) {
    throw new PathConfinementError(
      path,
      lexicalRoot,
      `a symlink leads it to '${walk.real}'`,
    );
  }
  return { lexical, lexicalRoot, walk };
}

/** A path checked by {@linkcode lstatConfinedSync}, with its `lstat`. */
export interface ConfinedPath {
  /** The resolved (lexical) path. */
  readonly path: string;
  /** The `lstat` of the path (never a symlink); `undefined` when missing. */
  readonly info: Deno.FileInfo | undefined;
  /**
   * Whether the path's directory exists, when the check found out (it does
   * whenever `info` is set).
   */
  readonly dirExists: boolean | undefined;
}

/**
 * {@linkcode confinePathSync}, also returning the path's `lstat` (taken by
 * the check itself, so a caller needs no second one).
 *
 * @throws {PathConfinementError} when `path` leaves `root` or is a symlink.
 */
export function lstatConfinedSync(root: string, path: string): ConfinedPath {
  const { lexical, lexicalRoot, walk } = confineWalk(root, path);
  let info = walk.last;
  if (info === undefined) {
    try {
      info = Deno.lstatSync(lexical);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      info = null;
    }
  }
  if (info?.isSymlink) {
    throw new PathConfinementError(path, lexicalRoot, "it is a symlink");
  }
  return {
    path: lexical,
    info: info ?? undefined,
    dirExists: info ? true : walk.dirExists,
  };
}

/**
 * The last step of {@linkcode lstatConfinedSync} alone, for a path whose
 * directory {@linkcode lstatConfinedSync} checked in the same synchronous
 * step (no other code ran since): the path's own `lstat`; a symlink gets
 * the full check, which refuses it.
 *
 * @returns the `lstat`, or `undefined` when `path` does not exist.
 * @throws {PathConfinementError} when `path` is a symlink.
 */
export function lstatInCheckedDirSync(
  root: string,
  path: string,
): Deno.FileInfo | undefined {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return undefined;
  }
  // The full check refuses it, with the message it always gives (where the
  // symlink leads, when outside).
  if (info.isSymlink) return lstatConfinedSync(root, path).info;
  return info;
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
  return lstatConfinedSync(root, path).path;
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
  return settle(() => confinePathSync(root, path));
}
