/**
 * Failures of the environment during a run — the run directory or a case
 * directory removed, a full disk, a read-only file system, an I/O error, the
 * store unable to persist — which stop the whole run instead of failing one
 * case. Everything accepted before stays in the store, so `--resume`
 * continues once the cause is fixed.
 *
 * @module
 */
import { StoreIoError } from "../store/store.ts";
import { DispatchError } from "../transport/dispatch_error.ts";

/** System error codes that mean the environment failed, not the answer. */
const ENVIRONMENT_CODES = new Set([
  "ENOENT",
  "ENOTDIR",
  "ENOSPC",
  "EDQUOT",
  "EROFS",
  "EIO",
  "EACCES",
  "EPERM",
  "ESTALE",
]);

/** The run stopped because its environment failed. */
export class RunStoppedError extends Error {
  /** Creates the error; `cause` is the failure. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RunStoppedError";
  }
}

function isSystemFailure(error: unknown): boolean {
  if (
    error instanceof Deno.errors.NotFound ||
    error instanceof Deno.errors.PermissionDenied ||
    error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.NotADirectory
  ) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && ENVIRONMENT_CODES.has(code);
}

/**
 * Returns true when `error` (or an error in its `cause` chain) is a failure
 * of the environment rather than of one case's answer.
 */
export function isEnvironmentFailure(error: unknown): boolean {
  for (let e = error, depth = 0; e !== undefined && depth < 8; depth++) {
    if (e instanceof StoreIoError || e instanceof RunStoppedError) return true;
    if (
      e instanceof DispatchError &&
      (e.reason === "io" || e.reason === "input-closed")
    ) return true;
    if (isSystemFailure(e)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}
