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

/** A text compared with cases (a symptom's error pattern), with its words. */
interface TextEntry {
  /** Position in the order texts were first seen. */
  readonly index: number;
  readonly words: ReadonlySet<string>;
  /** The text is empty or white space: it scores 0 against every case. */
  readonly blank: boolean;
}

/**
 * Scores against one case's signature, each O(1) after
 * {@linkcode CaseSimilarity.scorer} counted the shared words once.
 */
export interface SimilarityScorer {
  /** {@linkcode CaseSimilarity.between} the case and `otherId`. */
  caseScore(otherId: number): number;
  /** {@linkcode CaseSimilarity.toText} the case and `text`. */
  textScore(text: string): number;
  /**
   * {@linkcode textScore} of the text with id `textId` (see
   * {@linkcode CaseSimilarity.textIds}).
   */
  textScoreOf(textId: number): number;
  /**
   * {@linkcode caseScore} of a case in the group `groupId` (see
   * {@linkcode CaseSimilarity.groupIds}; -1, an unknown case, scores 0).
   */
  caseScoreOfGroup(groupId: number): number;
}

/** Ids derived from the keys of an array's items, by position. */
interface KeyedIds<K> {
  readonly items: unknown;
  readonly keys: readonly K[];
  readonly ids: Int32Array;
}

/**
 * The id of each item's key: `last`'s when `items` is the same array, and
 * for a new array (a snapshot taken after a write: most rows kept, some
 * replaced, some added) `last`'s id at every position whose key is the same
 * value, so only the keys that changed are looked up.
 */
function keyedIds<T, K>(
  last: KeyedIds<K> | undefined,
  items: readonly T[],
  keyOf: (item: T) => K,
  idOf: (key: K) => number,
): KeyedIds<K> {
  if (last?.items === items) return last;
  const keys = new Array<K>(items.length);
  const ids = new Int32Array(items.length);
  for (let at = 0; at < items.length; at++) {
    const key = keyOf(items[at]);
    keys[at] = key;
    ids[at] = last !== undefined && at < last.keys.length &&
        last.keys[at] === key
      ? last.ids[at]
      : idOf(key);
  }
  return { items, keys, ids };
}

/** How many signatures' scorers {@linkcode CaseSimilarity} keeps. */
const MAX_CACHED_SCORERS = 256;
/**
 * How many texts may be first seen after a scorer counted before it is
 * counted again (each of those is compared word by word).
 */
const MAX_TEXTS_AFTER_SCORER = 64;

/** Cases sharing one signature. */
interface SignatureGroup {
  /** Position in the order groups were created (by their lowest id). */
  readonly index: number;
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
  /** The group of each case id. */
  readonly #groupOf = new Map<number, SignatureGroup>();
  /**
   * The head of each signature's ranking (case ids, best first), built
   * lazily and only as long as a call needed: a whole ranking per signature
   * held every case id once per distinct signature (at 10,000 cases about
   * 5,000 rankings of 10,000 ids, most of calibrate's memory).
   */
  readonly #ranked = new Map<string, readonly number[]>();
  /** The groups holding each word (a group's words are a set). */
  readonly #groupsByWord = new Map<string, SignatureGroup[]>();
  /** The groups in the order they were created: by their lowest id. */
  readonly #groupList: SignatureGroup[] = [];
  /** The groups without words (blank-signature failures). */
  readonly #wordless: SignatureGroup[] = [];
  /** Texts compared with cases (symptom error patterns), by text. */
  readonly #texts = new Map<string, TextEntry>();
  /** Texts by their id (the order they were first seen). */
  readonly #textList: TextEntry[] = [];
  /**
   * Word count of each text by id, -1 for a blank one: scoring every
   * symptom of a prompt reads this packed array, not the entry objects
   * scattered over the heap.
   */
  readonly #textSizes: number[] = [];
  /** Word count of each signature group by index, packed likewise. */
  readonly #groupSizes: number[] = [];
  /** The items {@linkcode groupIds} was last called with, and their ids. */
  #lastGroupIds: KeyedIds<number> | undefined;
  /** The items {@linkcode textIds} was last called with, and their ids. */
  #lastTextIds: KeyedIds<string> | undefined;
  /** Recent scorers by signature group, oldest first. */
  readonly #scorers = new Map<
    SignatureGroup,
    { readonly scorer: SimilarityScorer; readonly texts: number }
  >();
  /** The texts holding each word. */
  readonly #textsByWord = new Map<string, TextEntry[]>();

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
        const created = {
          index: this.#groupList.length,
          words: signatureWords(signature),
          caseIds: [c.id],
        };
        this.#groups.set(signature, created);
        this.#groupList.push(created);
        this.#groupSizes.push(created.words.size);
        if (created.words.size === 0) this.#wordless.push(created);
        for (const word of created.words) {
          const holding = this.#groupsByWord.get(word);
          if (holding === undefined) this.#groupsByWord.set(word, [created]);
          else holding.push(created);
        }
        this.#groupOf.set(c.id, created);
      } else {
        group.caseIds.push(c.id);
        this.#groupOf.set(c.id, group);
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
    return this.#groupOf.get(caseId);
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
    const entry = this.#text(text);
    return group === undefined || entry.blank
      ? 0
      : similarity(group.words, entry.words);
  }

  /**
   * The text id of each item's text, for
   * {@linkcode SimilarityScorer.textScoreOf}: the same array again while
   * `items` is the same array (the store's symptom snapshot), and for a new
   * one the ids of the last at every position whose text did not change, so
   * scoring every symptom reads arrays instead of looking each pattern up.
   */
  textIds<T>(items: readonly T[], textOf: (item: T) => string): Int32Array {
    this.#lastTextIds = keyedIds(
      this.#lastTextIds,
      items,
      textOf,
      (text) => this.#text(text).index,
    );
    return this.#lastTextIds.ids;
  }

  /**
   * The signature group of each item's case (-1 for a case the index does
   * not hold), for {@linkcode SimilarityScorer.caseScoreOfGroup}: reused
   * and carried over as {@linkcode textIds} are (the RCA snapshot, by
   * origin case).
   */
  groupIds<T>(items: readonly T[], caseIdOf: (item: T) => number): Int32Array {
    this.#lastGroupIds = keyedIds(
      this.#lastGroupIds,
      items,
      caseIdOf,
      (caseId) => this.#group(caseId)?.index ?? -1,
    );
    return this.#lastGroupIds.ids;
  }

  /** The entry of `text`, made (and its words indexed) on first sight. */
  #text(text: string): TextEntry {
    let entry = this.#texts.get(text);
    if (entry !== undefined) return entry;
    entry = {
      index: this.#texts.size,
      words: signatureWords(
        failureSignature({ errorMessage: text, testName: "" }),
      ),
      blank: text.trim() === "",
    };
    this.#texts.set(text, entry);
    this.#textList.push(entry);
    this.#textSizes.push(entry.blank ? -1 : entry.words.size);
    for (const word of entry.words) {
      const holding = this.#textsByWord.get(word);
      if (holding === undefined) this.#textsByWord.set(word, [entry]);
      else holding.push(entry);
    }
    return entry;
  }

  /**
   * Scores of other cases and of texts against `caseId`, equal to
   * {@linkcode between} and {@linkcode toText}: the words the case shares
   * with every signature and every text seen so far are counted once,
   * through the word lists, so a prompt scoring every RCA and symptom of the
   * run costs one array read each instead of a comparison of word sets. A
   * text first seen after this call is compared directly.
   */
  scorer(caseId: number): SimilarityScorer {
    const own = this.#group(caseId);
    if (own === undefined) {
      const zero = () => 0;
      return {
        caseScore: zero,
        textScore: zero,
        textScoreOf: zero,
        caseScoreOfGroup: zero,
      };
    }
    // Cases of one signature share a scorer while few texts were added
    // since it counted (the later ones are compared directly).
    const cached = this.#scorers.get(own);
    if (
      cached !== undefined &&
      this.#texts.size - cached.texts <= MAX_TEXTS_AFTER_SCORER
    ) {
      return cached.scorer;
    }
    const scorer = this.#newScorer(own);
    this.#scorers.delete(own);
    this.#scorers.set(own, { scorer, texts: this.#texts.size });
    if (this.#scorers.size > MAX_CACHED_SCORERS) {
      this.#scorers.delete(this.#scorers.keys().next().value!);
    }
    return scorer;
  }

  #newScorer(own: SignatureGroup): SimilarityScorer {
    const size = own.words.size;
    const groupShared = new Int32Array(this.#groupList.length);
    const textShared = new Int32Array(this.#texts.size);
    for (const word of own.words) {
      for (const group of this.#groupsByWord.get(word) ?? []) {
        groupShared[group.index] += 1;
      }
      for (const entry of this.#textsByWord.get(word) ?? []) {
        textShared[entry.index] += 1;
      }
    }
    // Jaccard as `similarity` computes it: two empty sets are alike.
    const jaccard = (n: number, other: number) =>
      size === 0 && other === 0 ? 1 : n / (size + other - n);
    const groupScoreOf = (group: SignatureGroup | undefined) => {
      if (group === undefined) return 0;
      if (group === own) return 1;
      return jaccard(groupShared[group.index], group.words.size);
    };
    const textScoreOf = (entry: TextEntry) => {
      if (entry.blank) return 0;
      return entry.index < textShared.length
        ? jaccard(textShared[entry.index], entry.words.size)
        : similarity(own.words, entry.words);
    };
    const groupSizes = this.#groupSizes;
    const textSizes = this.#textSizes;
    const counted = textShared.length;
    return {
      caseScore: (otherId) => groupScoreOf(this.#group(otherId)),
      caseScoreOfGroup: (groupId) => {
        if (!(groupId >= 0)) return 0; // -1: not a case of the index
        if (groupId === own.index) return 1;
        return jaccard(groupShared[groupId], groupSizes[groupId]);
      },
      textScore: (text) => textScoreOf(this.#text(text)),
      textScoreOf: (textId) => {
        const words = textSizes[textId];
        if (words < 0) return 0;
        return textId < counted
          ? jaccard(textShared[textId], words)
          : similarity(own.words, this.#textList[textId].words);
      },
    };
  }

  /**
   * The first `length` (or all, when fewer) case ids of the ranking of
   * `signature`: every group by similarity to it, best first, ties by the
   * group holding the lowest id; within a group by id. Only the groups
   * sharing a word with it can score above 0; the rest follow in order of
   * their lowest id (the order `#groups` was filled in), so the head costs
   * one comparison per such group, not a sort of every group.
   */
  #ranking(signature: string, length: number): readonly number[] {
    const cached = this.#ranked.get(signature);
    if (cached !== undefined && cached.length >= Math.min(length, this.size)) {
      return cached;
    }
    const own = this.#groups.get(signature)!;
    // Words shared with each group, counted through the word lists: only
    // groups sharing a word score above 0 (Jaccard), and counting is far
    // cheaper than comparing word sets.
    const shared = new Int32Array(this.#groupList.length);
    const touched: SignatureGroup[] = [];
    if (own.words.size === 0) {
      // Two empty word sets are alike (similarity 1); empty against any
      // other is 0.
      for (const group of this.#wordless) {
        shared[group.index] = 1;
        touched.push(group);
      }
    } else {
      for (const word of own.words) {
        for (const group of this.#groupsByWord.get(word) ?? []) {
          if (shared[group.index]++ === 0) touched.push(group);
        }
      }
    }
    const scoreOf = (group: SignatureGroup): number => {
      if (group === own || own.words.size === 0) return 1;
      const n = shared[group.index];
      return n / (own.words.size + group.words.size - n);
    };
    // The best `length` groups are enough (each holds at least one id):
    // kept sorted by score, ties by the group holding the lowest id.
    const best: { group: SignatureGroup; score: number }[] = [];
    const before = (
      a: { group: SignatureGroup; score: number },
      b: { group: SignatureGroup; score: number },
    ) =>
      a.score > b.score ||
      (a.score === b.score && a.group.index < b.group.index);
    for (const group of touched) {
      const entry = { group, score: scoreOf(group) };
      if (best.length >= length && !before(entry, best[best.length - 1])) {
        continue;
      }
      let at = best.length;
      while (at > 0 && before(entry, best[at - 1])) at -= 1;
      best.splice(at, 0, entry);
      if (best.length > length) best.pop();
    }
    const ranking: number[] = [];
    for (const { group } of best) {
      if (ranking.length >= length) break;
      ranking.push(...group.caseIds);
    }
    // Then the groups scoring 0, by their lowest id.
    for (const group of this.#groupList) {
      if (ranking.length >= length) break;
      if (shared[group.index] === 0 && group !== own) {
        ranking.push(...group.caseIds);
      }
    }
    this.#ranked.set(signature, ranking);
    return ranking;
  }

  /**
   * The `count` other cases most similar to `caseId`, best first (ties by
   * id), `caseId` itself left out; empty when the case is unknown. The head
   * of a signature's ranking is computed once (longer when a call needs
   * more) and shared by every case carrying it, so a call costs `count`
   * steps, not one per case of the run.
   */
  nearest(caseId: number, count: number): number[] {
    const signature = this.#signatureOf.get(caseId);
    if (signature === undefined) return [];
    const found: number[] = [];
    // `count` others: one more id than that, in case this case is among them.
    for (const id of this.#ranking(signature, count + 1)) {
      if (found.length >= count) break;
      if (id !== caseId) found.push(id);
    }
    return found;
  }
}
