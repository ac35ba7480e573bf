/**
 * The figures issue 11 sets targets for, and their table: each measured
 * median against its target (and the Go version's figure where there is one).
 *
 * @module
 */

/** One target figure. */
export interface Target {
  readonly name: string;
  /** Median of the runs, in `unit`. */
  readonly value: number;
  readonly unit: string;
  /** The target bound. */
  readonly target: number;
  /** `max`: the value must not exceed the target; `min`: not fall below. */
  readonly kind: "max" | "min";
  /** The Go version's figure, same unit. */
  readonly go?: number;
  /** Extra text: runs, spread, noise. */
  readonly note?: string;
}

function figure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return "n/a";
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`.trim();
}

/** Whether `t` meets its target. */
export function met(t: Target): boolean {
  return t.kind === "max" ? t.value <= t.target : t.value >= t.target;
}

/** The table lines of `targets`. */
export function formatTargets(targets: readonly Target[]): string[] {
  const width = Math.max(...targets.map((t) => t.name.length));
  return targets.map((t) => {
    const bound = `${t.kind === "max" ? "≤" : "≥"} ${figure(t.target, t.unit)}`;
    const ratio = t.kind === "max" ? t.value / t.target : t.target / t.value;
    const go = t.go === undefined
      ? ""
      : `  Go ${figure(t.go, t.unit)} (${(t.go / t.value).toFixed(2)}x Go)`;
    return `  ${met(t) ? "MET " : "MISS"} ${t.name.padEnd(width)}  ${
      figure(t.value, t.unit).padStart(10)
    }  target ${bound.padEnd(10)} (${ratio.toFixed(2)} of target)${go}${
      t.note ? `  ${t.note}` : ""
    }`;
  });
}
