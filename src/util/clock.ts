/**
 * The clock seam: code that reads the time takes a {@linkcode Clock} so tests
 * can control it.
 *
 * @module
 */

/** A source of the current time. */
export interface Clock {
  /** Current wall-clock time. */
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** Formats a date as UTC RFC 3339 with whole seconds (`2026-02-17T10:00:00Z`). */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
