/**
 * The batch briefing (`briefing.md`): run-wide context shared by the parallel
 * subagents of one batch, read from the store — known symptoms, cluster
 * assignments, prior RCAs and common error patterns.
 *
 * @module
 */
import type { Case, Rca, Store, Symptom } from "../store/store.ts";
import type { BatchPhase } from "../transport/batch_dispatcher.ts";
import { errorSignature } from "./error_signature.ts";
import { indexById } from "../util/index_by_id.ts";

/** One cluster of the investigation phase. */
export interface BriefingCluster {
  /** The clustering key the members share. */
  readonly key: string;
  /** Label of the case investigated for the cluster, e.g. `C1 (case #1)`. */
  readonly representative: string;
  /** Labels of every member, the representative included. */
  readonly members: readonly string[];
}

/** A case of the batch: dispatched now, beside the others of the batch. */
export interface BriefingCaseInFlight {
  /** Store case id. */
  readonly storeCaseId: number;
  /** The step it is asked for, short name (`F0`). */
  readonly step: string;
  /** Test name. */
  readonly testName: string;
  /** Error message; may be empty. */
  readonly errorMessage: string;
}

/** What {@linkcode generateBriefing} needs besides the store's contents. */
export interface BriefingInput {
  /** The store the run writes to; read, never written. */
  readonly store: Store;
  /** The scenario name. */
  readonly scenario: string;
  /** Store id of the run's investigation suite. */
  readonly suiteId: number;
  /** The phase the batch belongs to. */
  readonly phase: BatchPhase;
  /** The batch number. */
  readonly batchId: number;
  /** How many signals the batch holds. */
  readonly batchSize: number;
  /** How many cases the run has. */
  readonly totalCases: number;
  /** How many of them have finished their pipeline; at most `totalCases`. */
  readonly completedCases: number;
  /** Cluster assignments (investigation phase); in the order given. */
  readonly clusters?: readonly BriefingCluster[];
  /**
   * The cases dispatched in this batch, one per slot: none has an RCA from
   * the others yet, so a parent agent recalls across them from this list.
   */
  readonly inFlight?: readonly BriefingCaseInFlight[];
}

/** The most signatures listed under "Common error patterns". */
export const MAX_ERROR_PATTERNS = 10;

/**
 * The most rows listed under "Known symptoms", "Cluster assignments" and
 * "Prior RCAs": a briefing stays a few pages long (and cheap to write for
 * every batch) however large the run.
 */
export const MAX_LISTED_ROWS = 50;

/** Shown in a table cell that has no value. */
const EMPTY_CELL = "—";

const CLOSING = [
  "## How to use this briefing",
  "",
  "Read your own signal and prompt first: they define your task. Use this briefing for",
  "run-wide context only (recurring symptoms, components, prior RCAs) and do not copy its",
  "conclusions without checking them against your case's evidence. All `#n` ids are store ids.",
].join("\n");

/** Compares strings by UTF-16 code units: locale-independent, deterministic. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct non-empty values, sorted. */
function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((value) => value !== ""))].sort(
    compareStrings,
  );
}

/** Folds whitespace runs (newlines included) into one space and trims. */
function oneLine(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}

/** A markdown table cell: one line, `|` escaped, `—` when empty. */
function cell(text: string): string {
  const line = oneLine(text).replaceAll("|", "\\|");
  return line === "" ? EMPTY_CELL : line;
}

/** A markdown code span holding `text` whatever backticks it contains. */
function codeSpan(text: string): string {
  const longestRun = Math.max(
    0,
    ...(text.match(/`+/g) ?? []).map((run) => run.length),
  );
  const fence = "`".repeat(longestRun + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A markdown table; `rows` are raw texts, escaped here. */
function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(headers),
    line(headers.map(() => "---")),
    ...rows.map((row) => line(row.map(cell))),
  ].join("\n");
}

/** The most ids one table cell lists; the rest are counted. */
export const MAX_IDS_PER_CELL = 20;

/** Sorted ids as `{prefix}{id}`, at most {@linkcode MAX_IDS_PER_CELL}. */
function idList(ids: Iterable<number>, prefix: string): string {
  const sorted = [...ids].sort((a, b) => a - b);
  return capped(
    sorted.slice(0, MAX_IDS_PER_CELL).map((id) => `${prefix}${id}`),
    sorted.length,
  );
}

/** `shown` (at most {@linkcode MAX_IDS_PER_CELL}) and how many of `total` not. */
function capped(shown: readonly string[], total: number): string {
  const hidden = total - shown.length;
  return hidden > 0
    ? `${shown.join(", ")} and ${hidden} more`
    : shown.join(", ");
}

/**
 * At most {@linkcode MAX_IDS_PER_CELL} of `items`, in their order, then how
 * many more: a cluster of thousands of cases listed every member in one cell.
 */
function cappedList(items: readonly string[]): string {
  return capped(items.slice(0, MAX_IDS_PER_CELL), items.length);
}

function caseIds(ids: Iterable<number>): string {
  return idList(ids, "#");
}

function rcaIds(ids: Iterable<number>): string {
  return idList(ids, "RCA #");
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function requireCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(
      `Cannot generate the briefing: ${name} is ${value}; expected an integer ≥ 0`,
    );
  }
}

/** The store contents the sections are built from. */
interface Snapshot {
  /** Every symptom, for the error patterns' components. */
  readonly symptoms: readonly Readonly<Symptom>[];
  /** The symptoms "Known symptoms" lists, by id. */
  readonly shownSymptoms: readonly Readonly<Symptom>[];
  readonly cases: readonly Case[];
  /** RCAs that are not archived, by id. */
  readonly liveRcas: ReadonlyMap<number, Rca>;
  /** Ids of the live RCAs related to each symptom. */
  readonly symptomRcas: ReadonlyMap<number, ReadonlySet<number>>;
  /** Ids of the cases linked to each RCA, in store order. */
  readonly rcaCases: ReadonlyMap<number, readonly number[]>;
  /** The RCAs "Prior RCAs" lists, by id. */
  readonly shownRcas: readonly Rca[];
}

/**
 * The `max` items that `rank` orders first (ties by the given order), listed
 * in the given order.
 */
function mostRelevant<T>(
  items: readonly T[],
  max: number,
  rank: (a: T, b: T) => number,
): T[] {
  if (items.length <= max) return [...items];
  // One pass keeping the best `max` positions, ordered as a stable sort by
  // `rank` would order them: most items lose to the last kept one at once
  // (a briefing per batch picks 50 of every symptom and RCA of the run).
  const best: number[] = [];
  const before = (i: number, j: number) => {
    const order = rank(items[i], items[j]);
    return order < 0 || (order === 0 && i < j);
  };
  for (let i = 0; i < items.length; i++) {
    if (best.length >= max && !before(i, best[best.length - 1])) continue;
    let at = best.length;
    while (at > 0 && before(i, best[at - 1])) at -= 1;
    best.splice(at, 0, i);
    if (best.length > max) best.pop();
  }
  return best.sort((a, b) => a - b).map((i) => items[i]);
}

/** Most error messages whose signatures are remembered. */
const SIGNATURE_CACHE_SIZE = 50_000;
/** Signatures of the error messages seen so far (they repeat every batch). */
const signatureCache = new Map<string, string>();

/**
 * {@linkcode errorSignature}, remembered: a run's error messages never
 * change, and every batch's briefing groups all of them.
 */
function signatureOf(message: string): string {
  let signature = signatureCache.get(message);
  if (signature === undefined) {
    signature = errorSignature(message);
    if (signatureCache.size >= SIGNATURE_CACHE_SIZE) signatureCache.clear();
    signatureCache.set(message, signature);
  }
  return signature;
}

/**
 * Reads what the briefing shows. A symptom's RCAs are those linked to it
 * (`getRcasForSymptom`) plus those of the cases that carry it, archived ones
 * left out. Past {@linkcode MAX_LISTED_ROWS}, the symptoms with the most
 * occurrences and the RCAs with the most cases are shown (ties: lower ids).
 */
async function readSnapshot(store: Store): Promise<Snapshot> {
  const [symptoms, rcas, cases] = await Promise.all([
    store.snapshotSymptoms(),
    store.snapshotRcas(),
    store.snapshotCases(),
  ]);
  const liveRcas = new Map(
    rcas.filter((rca) => rca.status !== "archived").map((rca) => [rca.id, rca]),
  );
  const shownSymptoms = mostRelevant(
    [...symptoms].sort((a, b) => a.id - b.id),
    MAX_LISTED_ROWS,
    (a, b) => b.occurrenceCount - a.occurrenceCount,
  );
  const links = await Promise.all(
    shownSymptoms.map((symptom) => store.getRcasForSymptom(symptom.id)),
  );
  // One pass over the cases, not one per symptom and per RCA.
  const caseRcasBySymptom = new Map<number, number[]>();
  const rcaCases = new Map<number, number[]>();
  for (const c of cases) {
    if (c.rcaId === 0) continue;
    const rcasOfSymptom = caseRcasBySymptom.get(c.symptomId);
    if (rcasOfSymptom === undefined) {
      caseRcasBySymptom.set(c.symptomId, [c.rcaId]);
    } else rcasOfSymptom.push(c.rcaId);
    const casesOfRca = rcaCases.get(c.rcaId);
    if (casesOfRca === undefined) rcaCases.set(c.rcaId, [c.id]);
    else casesOfRca.push(c.id);
  }
  const symptomRcas = new Map<number, Set<number>>();
  shownSymptoms.forEach((symptom, index) => {
    const ids = new Set(links[index].map((link) => link.rcaId));
    for (const rcaId of caseRcasBySymptom.get(symptom.id) ?? []) {
      ids.add(rcaId);
    }
    symptomRcas.set(
      symptom.id,
      new Set([...ids].filter((id) => liveRcas.has(id))),
    );
  });
  const shownRcas = mostRelevant(
    [...liveRcas.values()].sort((a, b) => a.id - b.id),
    MAX_LISTED_ROWS,
    (a, b) =>
      (rcaCases.get(b.id)?.length ?? 0) - (rcaCases.get(a.id)?.length ?? 0),
  );
  return {
    symptoms,
    shownSymptoms,
    cases,
    liveRcas,
    symptomRcas,
    rcaCases,
    shownRcas,
  };
}

function runContext(input: BriefingInput): string {
  return [
    `# Calibration briefing — batch ${input.batchId}`,
    "",
    "## Run context",
    "",
    `- Scenario: ${oneLine(input.scenario) || EMPTY_CELL}`,
    `- Suite: #${input.suiteId}`,
    `- Phase: ${input.phase}`,
    `- Signals in this batch: ${input.batchSize}`,
    `- Cases in the run: ${input.totalCases}`,
    `- Completed so far: ${input.completedCases} of ${input.totalCases}`,
  ].join("\n");
}

/** The line saying how many rows a capped table leaves out. */
function notShown(
  hidden: number,
  one: string,
  many: string,
  order: string,
): string[] {
  return hidden <= 0
    ? []
    : ["", `${plural(hidden, one, many)} not shown (${order} are listed).`];
}

function knownSymptoms(snapshot: Snapshot): string | undefined {
  if (snapshot.symptoms.length === 0) return undefined;
  const rows = snapshot.shownSymptoms.map((symptom) => {
    const rcas = snapshot.symptomRcas.get(symptom.id) ?? new Set<number>();
    // After triage a symptom has no component yet: show its RCAs' instead.
    const component = symptom.component !== ""
      ? symptom.component
      : sortedUnique(
        [...rcas].map((id) => snapshot.liveRcas.get(id)?.component ?? ""),
      ).join(", ");
    return [
      `#${symptom.id}`,
      symptom.name,
      symptom.status,
      String(symptom.occurrenceCount),
      component,
      rcaIds(rcas),
    ];
  });
  return [
    "## Known symptoms",
    "",
    table(
      ["Symptom", "Name", "Status", "Occurrences", "Component", "Linked RCAs"],
      rows,
    ),
    ...notShown(
      snapshot.symptoms.length - rows.length,
      "more symptom",
      "more symptoms",
      `the ${MAX_LISTED_ROWS} with the most occurrences`,
    ),
  ].join("\n");
}

function clusterAssignments(
  clusters: readonly BriefingCluster[],
): string | undefined {
  if (clusters.length === 0) return undefined;
  const rows = clusters.slice(0, MAX_LISTED_ROWS).map((cluster, index) => [
    `K${index + 1}`,
    cluster.representative,
    cappedList(cluster.members),
    cluster.key,
  ]);
  return [
    "## Cluster assignments",
    "",
    table(["Cluster", "Representative", "Members", "Key"], rows),
    ...notShown(
      clusters.length - rows.length,
      "more cluster",
      "more clusters",
      `the first ${MAX_LISTED_ROWS}`,
    ),
  ].join("\n");
}

function priorRcas(snapshot: Snapshot): string | undefined {
  if (snapshot.liveRcas.size === 0) return undefined;
  const rows = snapshot.shownRcas.map((rca) => [
    `RCA #${rca.id}`,
    rca.defectType,
    rca.component,
    rca.status,
    rca.title,
    caseIds(snapshot.rcaCases.get(rca.id) ?? []),
  ]);
  return [
    "## Prior RCAs",
    "",
    table(
      ["RCA", "Defect type", "Component", "Status", "Title", "Cases"],
      rows,
    ),
    ...notShown(
      snapshot.liveRcas.size - rows.length,
      "more RCA",
      "more RCAs",
      `the ${MAX_LISTED_ROWS} with the most cases`,
    ),
  ].join("\n");
}

/** Cases sharing one error signature. */
interface ErrorPattern {
  readonly signature: string;
  /** Positions in the cases snapshot (ascending), for the components. */
  readonly positions: number[];
  readonly caseIds: number[];
}

/**
 * The run's error patterns, biggest first: fixed by the cases' ids and
 * error messages, which never change after a run's cases are created, so a
 * batch's briefing reuses them and looks up only the shown patterns'
 * components instead of grouping every case again.
 */
interface PatternLayout {
  readonly ids: readonly number[];
  readonly messages: readonly string[];
  readonly sorted: readonly ErrorPattern[];
}

/** The last layout made, with the cases it was made from. */
let lastLayout: PatternLayout | undefined;

/** `cases` has the ids and error messages (the same strings) `layout` had. */
function sameCases(layout: PatternLayout, cases: readonly Case[]): boolean {
  const { ids, messages } = layout;
  if (ids.length !== cases.length) return false;
  for (let at = 0; at < cases.length; at++) {
    const c = cases[at];
    if (c.id !== ids[at] || c.errorMessage !== messages[at]) return false;
  }
  return true;
}

function patternLayout(cases: readonly Case[]): PatternLayout {
  const last = lastLayout;
  if (last !== undefined && sameCases(last, cases)) return last;
  const patterns = new Map<string, ErrorPattern>();
  cases.forEach((c, at) => {
    const signature = signatureOf(c.errorMessage);
    if (signature === "") return;
    let pattern = patterns.get(signature);
    if (pattern === undefined) {
      pattern = { signature, positions: [], caseIds: [] };
      patterns.set(signature, pattern);
    }
    pattern.positions.push(at);
    pattern.caseIds.push(c.id);
  });
  const sorted = [...patterns.values()].sort((a, b) =>
    b.caseIds.length - a.caseIds.length ||
    compareStrings(a.signature, b.signature)
  );
  lastLayout = {
    ids: cases.map((c) => c.id),
    messages: cases.map((c) => c.errorMessage),
    sorted,
  };
  return lastLayout;
}

function commonErrorPatterns(snapshot: Snapshot): string | undefined {
  const { sorted } = patternLayout(snapshot.cases);
  if (sorted.length === 0) return undefined;
  const symptomComponent = (id: number) => {
    const at = indexById(snapshot.symptoms, id);
    return at < 0 ? "" : snapshot.symptoms[at].component;
  };
  const componentsOf = (pattern: ErrorPattern) => {
    const components = new Set<string>();
    for (const at of pattern.positions) {
      const c = snapshot.cases[at];
      components.add(snapshot.liveRcas.get(c.rcaId)?.component ?? "");
      components.add(symptomComponent(c.symptomId));
    }
    return components;
  };
  const recurring = sorted.filter((p) => p.caseIds.length >= 2).length;
  const shown = sorted.slice(0, MAX_ERROR_PATTERNS);
  const lines = [
    "## Common error patterns",
    "",
    "Error messages of the run's cases with numbers, ids, addresses, quoted names and paths",
    "replaced by placeholders. " +
    (recurring === 0
      ? "No signature recurs yet: each was seen in one case."
      : `Recurring (2+ cases): ${recurring} of ${
        plural(sorted.length, "signature", "signatures")
      }, listed first.`),
    "",
    table(
      ["Signature", "Count", "Cases", "Components"],
      shown.map((p) => [
        codeSpan(p.signature),
        String(p.caseIds.length),
        caseIds(p.caseIds),
        sortedUnique(componentsOf(p)).join(", "),
      ]),
    ),
  ];
  if (sorted.length > shown.length) {
    lines.push(
      "",
      `${
        plural(
          sorted.length - shown.length,
          "more signature",
          "more signatures",
        )
      } not shown.`,
    );
  }
  return lines.join("\n");
}

/**
 * The cases of the batch with their error signatures; those sharing one are
 * counted, since none of them can recall the others' RCA from the store.
 */
function casesInFlight(
  cases: readonly BriefingCaseInFlight[],
): string | undefined {
  if (cases.length === 0) return undefined;
  const sorted = [...cases].sort((a, b) => a.storeCaseId - b.storeCaseId);
  const signatures = sorted.map((c) => signatureOf(c.errorMessage));
  const count = new Map<string, number>();
  for (const signature of signatures) {
    if (signature !== "") count.set(signature, (count.get(signature) ?? 0) + 1);
  }
  const shared = signatures.filter((s) => (count.get(s) ?? 0) >= 2).length;
  return [
    "## Cases in flight",
    "",
    "The cases of this batch, dispatched side by side: none of them has an RCA from the others",
    "yet, so the store cannot recall one from another. " +
    (shared === 0
      ? "No two of them share an error signature."
      : `${
        plural(shared, "case shares", "cases share")
      } an error signature with another: answer them consistently (\`same_as_case_id\` may name one).`),
    "",
    table(
      ["Case", "Step", "Test", "Error signature"],
      sorted.map((c, i) => [
        `#${c.storeCaseId}`,
        c.step,
        c.testName,
        signatures[i] === "" ? "" : codeSpan(signatures[i]),
      ]),
    ),
  ].join("\n");
}

/**
 * Generates the markdown briefing of one batch from the store.
 *
 * Sections, in order; one with nothing to show is left out entirely:
 * 1. `# Calibration briefing — batch {batchId}` and `## Run context` (always);
 * 2. `## Known symptoms` ({@linkcode Store.snapshotSymptoms}, at most
 *    {@linkcode MAX_LISTED_ROWS}: those with the most occurrences): id, name,
 *    status, occurrences, component — the symptom's own, else the components
 *    of its live RCAs — and linked RCAs (linked to the symptom or to a case
 *    carrying it; archived ones left out);
 * 3. `## Cases in flight` (`input.inFlight`): each case of the batch, its
 *    step, test name and {@linkcode errorSignature}, by id;
 * 4. `## Cluster assignments` (`input.clusters`, labelled `K1`, `K2`, … in the
 *    order given; the first {@linkcode MAX_LISTED_ROWS});
 * 5. `## Prior RCAs`: every RCA not archived (at most
 *    {@linkcode MAX_LISTED_ROWS}: those with the most cases), with the cases
 *    linked to it;
 * 6. `## Common error patterns`: the cases' error messages grouped by
 *    {@linkcode errorSignature}, by count (descending) then signature, at most
 *    {@linkcode MAX_ERROR_PATTERNS}; empty messages are skipped;
 * 7. `## How to use this briefing` (always).
 *
 * Rows are sorted by id; a capped table says how many rows it leaves out, a
 * cell lists at most {@linkcode MAX_IDS_PER_CELL} ids and counts the rest;
 * table cells are single-line with `|` escaped. The
 * text depends only on the input and the store's contents (no clock), so the
 * same store gives the same briefing.
 *
 * @param input The batch, the run's counts and the store to read.
 * @returns The briefing, ending with a newline.
 * @throws {RangeError} When a count or id is not an integer ≥ 0, or
 * `completedCases` exceeds `totalCases`.
 *
 * @example Usage
 * ```ts
 * import { generateBriefing } from "./generate_briefing.ts";
 * import { MemoryStore } from "../store/memory_store.ts";
 * import assert from "node:assert/strict";
 *
 * const briefing = await generateBriefing({
 *   store: new MemoryStore(),
 *   scenario: "ptp-mock",
 *   suiteId: 1,
 *   phase: "triage",
 *   batchId: 1,
 *   batchSize: 4,
 *   totalCases: 12,
 *   completedCases: 0,
 * });
 * assert.ok(briefing.startsWith("# Calibration briefing — batch 1\n"));
 * assert.ok(!briefing.includes("## Known symptoms"));
 * ```
 */
export async function generateBriefing(input: BriefingInput): Promise<string> {
  requireCount("suiteId", input.suiteId);
  requireCount("batchId", input.batchId);
  requireCount("batchSize", input.batchSize);
  requireCount("totalCases", input.totalCases);
  requireCount("completedCases", input.completedCases);
  if (input.completedCases > input.totalCases) {
    throw new RangeError(
      `Cannot generate the briefing: completedCases is ${input.completedCases}; expected at most totalCases (${input.totalCases})`,
    );
  }
  const snapshot = await readSnapshot(input.store);
  const sections = [
    runContext(input),
    knownSymptoms(snapshot),
    casesInFlight(input.inFlight ?? []),
    clusterAssignments(input.clusters ?? []),
    priorRcas(snapshot),
    commonErrorPatterns(snapshot),
    CLOSING,
  ].filter((section) => section !== undefined);
  return `${sections.join("\n\n")}\n`;
}
