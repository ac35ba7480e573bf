/**
 * Value parsers for command-line options (commander `argParser`s).
 *
 * @module
 */
import { InvalidArgumentError } from "commander";

/** Parses a positive integer (`--runs=3`). */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError("expected a positive integer");
  }
  return n;
}

/** Parses a non-negative integer (`--token-budget=0`). */
export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError("expected a non-negative integer");
  }
  return n;
}

/** Parses a number between 0 and 1 (`--recall-hit=0.8`). */
export function unitInterval(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError("expected a number between 0 and 1");
  }
  return n;
}

/** Parses a non-negative number (`--input-price=3`). */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError("expected a non-negative number");
  }
  return n;
}

/** Parses `true` / `false` for options such as `--clean=false`. */
export function booleanValue(value: string): boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  throw new InvalidArgumentError("expected 'true' or 'false'");
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

function parseDuration(value: string): number {
  const text = value.trim();
  // Zero needs no unit; any other number without one is ambiguous
  // (`--dispatch-timeout=600` reads as 600 ms but was meant as seconds).
  if (/^0+(?:\.0+)?$/.test(text)) return 0;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (match === null) {
    throw new InvalidArgumentError(
      /^\d+(?:\.\d+)?$/.test(text)
        ? `'${text}' has no unit; expected a duration such as '${text}ms' or '${text}s'`
        : "expected a duration such as '500ms', '30s' or '10m'",
    );
  }
  return Math.round(Number(match[1]) * UNITS[match[2]]);
}

/** Parses a positive duration with its unit: `500ms`, `30s`, `10m`, `1h`. */
export function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms <= 0) throw new InvalidArgumentError("expected a positive duration");
  return ms;
}

/** Parses a delay: like {@linkcode duration}, but `0` is allowed. */
export function delay(value: string): number {
  return parseDuration(value);
}
