/**
 * Which other cases, symptoms and RCAs a prompt shows: the ones whose failure
 * looks most like the case's own, by the similarity of their error signatures
 * ({@linkcode failureSignature}, Jaccard similarity of their words).
 *
 * The index is built once per run from the run's cases (their test names and
 * error messages never change) and caches the ranking of each distinct
 * signature, so a prompt reads only the few cases it shows from the store
 * instead of copying every case of the run.
 *
 * @module
 */
import {
  failureSignature,
  signatureWords,
  similarity,
} from "../basic/basic_request.ts";

/** The fields of a case the index needs. */
export interface SimilarityCase {
  /** Store case id. */
  readonly id: number;
  /** Test name. */
  readonly name: string;
  /** Error message; may be empty. */
  readonly errorMessage: string;
}

/** Cases sharing one signature. */
interface SignatureGroup {
  readonly words: ReadonlySet<string>;
  /** Store case ids, ascending. */
  readonly caseIds: number[];
}

/**
 * Error-signature similarity of a run's cases, for choosing what a prompt
 * shows.
 */
export class CaseSimilarity {
  readonly #groups = new Map<string, SignatureGroup>();
  readonly #signatureOf = new Map<number, string>();
  /** Other case ids by similarity (best first), per signature; built lazily. */
  readonly #ranked = new Map<string, readonly number[]>();
  /** Word sets of texts compared with cases (symptom error patterns). */
  readonly #textWords = new Map<string, ReadonlySet<string>>();

  /** Indexes `cases` (any order). */
  constructor(cases: Iterable<SimilarityCase>) {
    const sorted = [...cases].sort((a, b) => a.id - b.id);
    for (const c of sorted) {
      const signature = failureSignature({
        errorMessage: c.errorMessage,
        testName: c.name,
      });
      this.#signatureOf.set(c.id, signature);
      const group = this.#groups.get(signature);
      if (group === undefined) {
        this.#groups.set(signature, {
          words: signatureWords(signature),
          caseIds: [c.id],
        });
      } else {
        group.caseIds.push(c.id);
      }
    }
  }

  /** How many cases the index holds. */
  get size(): number {
    return this.#signatureOf.size;
  }

  /** Whether the index holds case `caseId`. */
  has(caseId: number): boolean {
    return this.#signatureOf.has(caseId);
  }

  #group(caseId: number): SignatureGroup | undefined {
    const signature = this.#signatureOf.get(caseId);
    return signature === undefined ? undefined : this.#groups.get(signature);
  }

  /**
   * Similarity (0..1) of two cases' signatures; 0 when either is unknown.
   */
  between(caseId: number, otherId: number): number {
    const a = this.#group(caseId);
    const b = this.#group(otherId);
    return a === undefined || b === undefined
      ? 0
      : a === b
      ? 1
      : similarity(a.words, b.words);
  }

  /**
   * Similarity (0..1) of a case's signature to the signature of `text` (an
   * error message or pattern); 0 when the case is unknown or `text` blank.
   */
  toText(caseId: number, text: string): number {
    const group = this.#group(caseId);
    if (group === undefined || text.trim() === "") return 0;
    let words = this.#textWords.get(text);
    if (words === undefined) {
      words = signatureWords(
        failureSignature({ errorMessage: text, testName: "" }),
      );
      this.#textWords.set(text, words);
    }
    return similarity(group.words, words);
  }

  /** Every case id, most similar to `signature` first; computed once. */
  #ranking(signature: string): readonly number[] {
    let ranking = this.#ranked.get(signature);
    if (ranking === undefined) {
      const own = this.#groups.get(signature)!;
      const scored = [...this.#groups.values()].map((group) => ({
        group,
        score: group === own ? 1 : similarity(own.words, group.words),
      }));
      // Same score: the group holding the lowest id first, so the order is
      // deterministic; within a group by id.
      scored.sort((a, b) =>
        b.score - a.score || a.group.caseIds[0] - b.group.caseIds[0]
      );
      ranking = scored.flatMap((s) => s.group.caseIds);
      this.#ranked.set(signature, ranking);
    }
    return ranking;
  }

  /**
   * The `count` other cases most similar to `caseId`, best first (ties by
   * id), `caseId` itself left out; empty when the case is unknown. The
   * ranking of a signature is computed once and shared by every case
   * carrying it, so a call costs `count` steps, not one per case of the run.
   */
  nearest(caseId: number, count: number): number[] {
    const signature = this.#signatureOf.get(caseId);
    if (signature === undefined) return [];
    const found: number[] = [];
    for (const id of this.#ranking(signature)) {
      if (found.length >= count) break;
      if (id !== caseId) found.push(id);
    }
    return found;
  }
}
