/**
 * Token accounting (reference §9): one record per successful dispatch, with
 * per-case and per-step summaries and a cost estimate.
 *
 * @module
 */

/** One successful dispatch. */
export interface TokenRecord {
  /** Scenario case id. */
  readonly case_id: string;
  /** Step enum value, e.g. `F0_RECALL`. */
  readonly step: string;
  readonly prompt_bytes: number;
  readonly artifact_bytes: number;
  readonly prompt_tokens: number;
  readonly artifact_tokens: number;
  /** Dispatch start (UTC RFC 3339). */
  readonly timestamp: string;
  /** Duration of the dispatch in milliseconds. */
  readonly wall_clock_ms: number;
}

/** Token totals of one case. */
export interface CaseTokenSummary {
  prompt_tokens: number;
  artifact_tokens: number;
  total_tokens: number;
  steps: number;
  wall_clock_ms: number;
}

/** Token totals of one step. */
export interface StepTokenSummary {
  prompt_tokens: number;
  artifact_tokens: number;
  total_tokens: number;
  invocations: number;
}

/** Prices in US dollars per million tokens. */
export interface TokenPrices {
  /**
   * Price of prompt (input) tokens.
   *
   * @default {3}
   */
  readonly inputPerMillion: number;
  /**
   * Price of artifact (output) tokens.
   *
   * @default {15}
   */
  readonly outputPerMillion: number;
}

/** Default prices: $3 input, $15 output per million tokens. */
export const DEFAULT_PRICES: TokenPrices = Object.freeze({
  inputPerMillion: 3,
  outputPerMillion: 15,
});

/** Totals over all records (the `token-report.json` content without records). */
export interface TokenSummary {
  total_prompt_tokens: number;
  total_artifact_tokens: number;
  total_tokens: number;
  total_cost_usd: number;
  input_price_per_million: number;
  output_price_per_million: number;
  per_case: Record<string, CaseTokenSummary>;
  per_step: Record<string, StepTokenSummary>;
  total_steps: number;
  /** Sum of dispatch durations (overstates elapsed time when dispatches overlap). */
  total_wall_clock_ms: number;
  /** Elapsed time of the whole run, when the caller measured it. */
  run_wall_clock_ms?: number;
}

/** Estimated tokens for a byte count: floor(bytes / 4), 0 for none. */
export function estimateTokens(bytes: number): number {
  return bytes <= 0 ? 0 : Math.floor(bytes / 4);
}

/** Cost in US dollars of a token count pair. */
export function tokenCost(
  promptTokens: number,
  artifactTokens: number,
  prices: TokenPrices = DEFAULT_PRICES,
): number {
  return (promptTokens * prices.inputPerMillion +
    artifactTokens * prices.outputPerMillion) / 1_000_000;
}

/** Append-only collection of token records. */
export class TokenTracker {
  #records: TokenRecord[] = [];

  /** Adds one record. */
  record(record: TokenRecord): void {
    this.#records.push({ ...record });
  }

  /** Copies of every record, in recording order. */
  records(): TokenRecord[] {
    return this.#records.map((r) => ({ ...r }));
  }

  /** Number of records. */
  get size(): number {
    return this.#records.length;
  }

  /** Summarises the records, costed at `prices`. */
  summary(prices: TokenPrices = DEFAULT_PRICES): TokenSummary {
    const perCase: Record<string, CaseTokenSummary> = {};
    const perStep: Record<string, StepTokenSummary> = {};
    let prompt = 0;
    let artifact = 0;
    let wall = 0;
    for (const r of this.#records) {
      prompt += r.prompt_tokens;
      artifact += r.artifact_tokens;
      wall += r.wall_clock_ms;
      const c = perCase[r.case_id] ??= {
        prompt_tokens: 0,
        artifact_tokens: 0,
        total_tokens: 0,
        steps: 0,
        wall_clock_ms: 0,
      };
      c.prompt_tokens += r.prompt_tokens;
      c.artifact_tokens += r.artifact_tokens;
      c.total_tokens += r.prompt_tokens + r.artifact_tokens;
      c.steps += 1;
      c.wall_clock_ms += r.wall_clock_ms;
      const s = perStep[r.step] ??= {
        prompt_tokens: 0,
        artifact_tokens: 0,
        total_tokens: 0,
        invocations: 0,
      };
      s.prompt_tokens += r.prompt_tokens;
      s.artifact_tokens += r.artifact_tokens;
      s.total_tokens += r.prompt_tokens + r.artifact_tokens;
      s.invocations += 1;
    }
    return {
      total_prompt_tokens: prompt,
      total_artifact_tokens: artifact,
      total_tokens: prompt + artifact,
      total_cost_usd: tokenCost(prompt, artifact, prices),
      input_price_per_million: prices.inputPerMillion,
      output_price_per_million: prices.outputPerMillion,
      per_case: perCase,
      per_step: perStep,
      total_steps: this.#records.length,
      total_wall_clock_ms: wall,
    };
  }
}
