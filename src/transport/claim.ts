/**
 * Claims of the file protocol: an agent that takes a signal creates
 * `claim.json` beside `signal.json` with an exclusive create, so exactly one
 * agent wins, and the dispatcher reports the claim (the batch manifest shows
 * the slot `claimed`).
 *
 * `claim.json` holds
 * `{"dispatch_id": …, "agent": "…", "claimed_at": "…"}`.
 * The dispatcher removes a leftover claim before it writes a new signal; a
 * claim with another dispatch's id is stale.
 *
 * @module
 */
import { join } from "node:path";
import {
  delay,
  formatTimestamp,
  systemClock,
  type TimerClock,
} from "../util/clock.ts";
import { readOwnTextFileSync } from "../util/read_own_file.ts";
import { settle } from "../util/settle.ts";
import { readSignalSync, SIGNAL_FILE } from "./signal.ts";

/** File name of the claim, in the directory of the signal. */
export const CLAIM_FILE = "claim.json";

/** Contents of `claim.json`. */
export interface Claim {
  /** The `dispatch_id` of the signal the agent took. */
  readonly dispatch_id: number;
  /** Who took it (free text, `""` when the agent did not say). */
  readonly agent: string;
  /** When it was taken, UTC RFC 3339 (`""` when the agent did not say). */
  readonly claimed_at: string;
}

/**
 * Parses the text of a claim leniently: only an integer `dispatch_id` is
 * required; a missing or non-string `agent` or `claimed_at` reads as `""`.
 *
 * @returns the claim, or `undefined` when the text is not a JSON object with
 * an integer `dispatch_id` (for example a claim still being written).
 */
export function parseClaim(text: string): Claim | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (!Number.isSafeInteger(record.dispatch_id)) return undefined;
  return {
    dispatch_id: record.dispatch_id as number,
    agent: typeof record.agent === "string" ? record.agent : "",
    claimed_at: typeof record.claimed_at === "string" ? record.claimed_at : "",
  };
}

/**
 * Reads the claim at `path`, never through a symlink.
 *
 * @returns the claim, or `undefined` when the file is missing, not a regular
 * file of its own (a symlink an agent put there), or not (yet) a valid claim.
 * @throws {Deno.errors.PermissionDenied} and other I/O errors except
 * `NotFound`.
 */
export function readClaim(path: string): Promise<Claim | undefined> {
  return settle(() => {
    const found = readOwnTextFileSync(path);
    return found.kind === "text" ? parseClaim(found.text) : undefined;
  });
}

/** Options of {@linkcode claimSignal}. */
export interface ClaimSignalOptions {
  /** The `dispatch_id` of the signal to claim. */
  readonly dispatchId: number;
  /** Who claims it (free text, e.g. `subagent-2`). */
  readonly agent: string;
  /**
   * Source of `claimed_at`, of the time a lock's age is measured against,
   * and of the pauses while a claim being written settles.
   *
   * @default {systemClock}
   */
  readonly clock?: TimerClock;
}

/** Reads of an unparseable claim before it counts as garbage. */
const SETTLE_READS = 10;
/** Pause between those reads, in ms. */
const SETTLE_PAUSE_MS = 10;

const encoder = new TextEncoder();

/**
 * Creates `path` with `text` unless it exists. Synchronous: a claim is a
 * small file, and a synchronous create, write and close cost a fraction of
 * three awaited operations.
 *
 * @returns false when the file already exists.
 */
function createExclusive(path: string, text: string): boolean {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { createNew: true, write: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  }
  let failure: { error: unknown } | undefined;
  try {
    const bytes = encoder.encode(text);
    let written = 0;
    while (written < bytes.length) {
      written += file.writeSync(bytes.subarray(written));
    }
  } catch (error) {
    failure = { error };
  } finally {
    file.close();
  }
  if (failure) {
    // An empty claim would block everyone; give the signal back.
    try {
      Deno.removeSync(path);
    } catch {
      // Nothing more can be done; the write error is the one to report.
    }
    throw failure.error;
  }
  return true;
}

type Held =
  | { readonly kind: "missing" }
  | { readonly kind: "claim"; readonly claim: Claim }
  | { readonly kind: "garbage" };

/**
 * Reads the existing claim, giving a claim that is still being written (the
 * winner creates the file, then writes it) a moment to become valid.
 */
async function readHeld(path: string, clock: TimerClock): Promise<Held> {
  for (let read = 1;; read++) {
    const found = readOwnTextFileSync(path);
    if (found.kind === "missing") return { kind: "missing" };
    // A symlink (pointing outside the signal's directory, or nowhere) is
    // never read through: it holds no claim, and is removed as garbage.
    if (found.kind === "other") return { kind: "garbage" };
    const claim = parseClaim(found.text);
    if (claim) return { kind: "claim", claim };
    if (read >= SETTLE_READS) return { kind: "garbage" };
    await delay(SETTLE_PAUSE_MS, { clock });
  }
}

/**
 * Whether `claim` keeps the agent claiming dispatch `dispatchId` from
 * answering: it names that dispatch (another agent holds it), or a newer one
 * that `signal.json` has moved on to (the signal was superseded). A claim
 * naming a dispatch newer than the signal still shows is forged or garbage,
 * like one of an older dispatch: it is stale.
 */
function blocks(
  claim: Claim,
  dispatchId: number,
  signalDir: string,
): boolean {
  if (claim.dispatch_id === dispatchId) return true;
  if (claim.dispatch_id < dispatchId) return false;
  const signal = readSignalSync(join(signalDir, SIGNAL_FILE));
  return signal?.dispatch_id !== dispatchId;
}

/** Suffix of the lock that guards the removal of a stale claim. */
const LOCK_SUFFIX = ".lock";
/** Age after which a lock counts as left by a crashed agent, in ms. */
const LOCK_STALE_MS = 10_000;

/**
 * Takes the lock beside the claim, breaking a lock older than
 * `LOCK_STALE_MS` (left by an agent that crashed while holding it).
 *
 * @returns false when another agent holds it.
 */
function takeLock(lock: string, now: number): boolean {
  if (createExclusive(lock, "")) return true;
  let stat: Deno.FileInfo;
  try {
    stat = Deno.statSync(lock);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return createExclusive(lock, "");
    }
    throw error;
  }
  if (stat.mtime === null || now - stat.mtime.getTime() < LOCK_STALE_MS) {
    return false;
  }
  try {
    Deno.removeSync(lock);
  } catch {
    // Another agent broke it first; the create below decides.
  }
  return createExclusive(lock, "");
}

/**
 * Removes the claim at `path` if, read again under the lock, it is still
 * stale: an older dispatch's, or a file that stays unparseable. Only the lock
 * holder removes a claim, and nothing but a removal replaces one, so a valid
 * claim is never removed.
 *
 * @returns `held` when the claim names `dispatchId` or a newer dispatch,
 * `busy` when another agent holds the lock, else `removed`.
 */
async function removeStale(
  path: string,
  dispatchId: number,
  signalDir: string,
  clock: TimerClock,
): Promise<"removed" | "held" | "busy"> {
  const lock = `${path}${LOCK_SUFFIX}`;
  if (!takeLock(lock, clock.now().getTime())) return "busy";
  try {
    // Read again, giving a claim being written (created, not yet filled) its
    // moment: only a claim that is still stale now may go.
    const held = await readHeld(path, clock);
    if (held.kind === "missing") return "removed";
    if (
      held.kind === "claim" && blocks(held.claim, dispatchId, signalDir)
    ) {
      return "held";
    }
    try {
      Deno.removeSync(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return "removed";
  } finally {
    try {
      Deno.removeSync(lock);
    } catch {
      // Gone already (broken as stale by another agent); nothing to release.
    }
  }
}

/**
 * Claims the signal in `signalDir` for dispatch `dispatchId`: creates
 * `claim.json` with an exclusive create, so of several agents exactly one
 * wins.
 *
 * When a claim is already there: one naming `dispatchId` is held by another
 * agent (false); one naming a newer dispatch that `signal.json` names too
 * means this signal was superseded (false); one naming an older dispatch is
 * stale (left by a late agent of an earlier dispatch), as is one naming a
 * dispatch newer than `signal.json` still shows (forged) and a file that
 * stays unparseable for about 100 ms, and a symlink (never read through) —
 * it is removed and the create is tried once more. The
 * removal happens under a lock (`claim.json.lock`, taken with an exclusive
 * create) after the claim is read again, so a valid claim is never removed
 * and still exactly one agent wins.
 *
 * An agent that loses does not answer the signal. Read the signal first and
 * claim its `dispatch_id`.
 *
 * @example
 * ```ts ignore
 * const signal = await readSignal(join(dir, "signal.json"));
 * if (signal?.status === "waiting") {
 *   const won = await claimSignal(dir, {
 *     dispatchId: signal.dispatch_id,
 *     agent: "subagent-1",
 *   });
 *   if (won) {
 *     // read the prompt, write the artifact
 *   }
 * }
 * ```
 *
 * @returns true when this call won the claim; false when another agent holds
 * a claim for this or a newer dispatch.
 * @throws {RangeError} when `dispatchId` is not a safe non-negative integer.
 * @throws {TypeError} when `agent` is not a string.
 * @throws {Deno.errors.NotFound} when `signalDir` does not exist, and other
 * I/O errors.
 */
export async function claimSignal(
  signalDir: string,
  options: ClaimSignalOptions,
): Promise<boolean> {
  const { dispatchId, agent, clock = systemClock } = options;
  if (!Number.isSafeInteger(dispatchId) || dispatchId < 0) {
    throw new RangeError(
      `Cannot claim signal in '${signalDir}' with dispatch id ${dispatchId}: expected a safe non-negative integer`,
    );
  }
  if (typeof agent !== "string") {
    throw new TypeError(
      `Cannot claim signal in '${signalDir}' with agent ${
        String(agent)
      }: expected a string`,
    );
  }
  const path = join(signalDir, CLAIM_FILE);
  const text = `${
    JSON.stringify(
      {
        dispatch_id: dispatchId,
        agent,
        claimed_at: formatTimestamp(clock.now()),
      },
      null,
      2,
    )
  }\n`;
  if (createExclusive(path, text)) return true;
  const held = await readHeld(path, clock);
  if (
    held.kind === "claim" && blocks(held.claim, dispatchId, signalDir)
  ) {
    return false;
  }
  if (
    held.kind !== "missing" &&
    await removeStale(path, dispatchId, signalDir, clock) === "held"
  ) {
    return false;
  }
  // After a removal, or while another agent removes the stale claim: one
  // more exclusive create, which exactly one of the racing agents wins.
  return createExclusive(path, text);
}
