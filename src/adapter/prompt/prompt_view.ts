/**
 * The prompt view model: everything a prompt template may show about one
 * step of one case, read from the store and the case's artifacts so far.
 *
 * The view is plain data for logic-less (mustache) templates: keys are
 * camelCase, numbers the templates print as decimals are pre-formatted
 * (`"0.85"`), lists the templates print inline are pre-joined, and every
 * optional part is `null` or an empty list (never `undefined`), so the
 * renderer can tell a misspelt tag from an absent value.
 *
 * Only the store, the workspace's `name`/`path`/`purpose`/`branch` and the
 * case's own artifacts reach the view: nothing from the scenario's ground
 * truth (expected results, `relevant_to_rcas`, `is_red_herring`), and no
 * current time, so the same state always gives the same prompt.
 *
 * @module
 */
import { basename } from "node:path";
import type {
  ArtifactByStep,
  CorrelateResult,
  InvestigateResult,
  RecallResult,
  ResolveResult,
  StepArtifact,
  TriageResult,
} from "../../pipeline/artifact_schemas.ts";
import {
  type PipelineStep,
  STEP_INFO,
  type StepFamily,
} from "../../pipeline/step.ts";
import {
  DEFAULT_THRESHOLDS,
  type Thresholds,
} from "../../pipeline/thresholds.ts";
import type { Case, Rca, Store, Symptom, Triage } from "../../store/store.ts";
import { CaseSimilarity } from "./case_similarity.ts";
import { mostRelevant, topPositions } from "./most_relevant.ts";
import type {
  RepoConfig,
  ShortStepName,
} from "../../scenario/scenario_schema.ts";
import { findById, indexById } from "../../util/index_by_id.ts";

/** What {@linkcode buildPromptView} needs to describe one step of a case. */
export interface PromptInput {
  /** The run's store. */
  readonly store: Store;
  /** The step the prompt asks for. */
  readonly step: PipelineStep;
  /** Store id of the case. */
  readonly storeCaseId: number;
  /**
   * The scenario's case label (`C1`) never reaches a prompt: it would point
   * the agent at the ground truth.
   */
  readonly caseLabel?: never;
  /** Version label of the case's pipeline, e.g. `4.21`. */
  readonly versionLabel: string;
  /** Name of the case's CI job, e.g. `[T-TSC]`. */
  readonly jobName: string;
  /** The workspace repositories (only name, path, purpose, branch are shown). */
  readonly workspace: readonly RepoConfig[];
  /** The case's validated artifacts so far, oldest first. */
  readonly artifacts: readonly StepArtifact[];
  /** How many investigation loops the case has made (F3 → F2 retries). */
  readonly investigateLoops: number;
  /** Where the agent writes the artifact. */
  readonly artifactPath: string;
  /** Where the prompt is written. */
  readonly promptPath: string;
  /**
   * Version label of each case of the run, by store case id, so prompts can
   * show which versions other cases and RCAs span (cross-version
   * correlation). Optional: without it only this case's version is known.
   */
  readonly caseVersions?: ReadonlyMap<number, string>;
  /**
   * The run's error-signature index, built once per run, which chooses the
   * cases, symptoms and RCAs a prompt shows. Optional: without it (or when it
   * does not hold the case) one is built from every case of the store.
   */
  readonly similarity?: CaseSimilarity;
  /**
   * The most other cases, symptoms and RCAs each list of the prompt shows:
   * the most similar to this failure, with a count of the rest.
   *
   * @default {MAX_LISTED}
   */
  readonly maxListed?: number;
  /**
   * The most RCAs a prompt shows in full (F0 prior RCAs, F4 candidates), the
   * most relevant ones.
   *
   * @default {MAX_DETAILED}
   */
  readonly maxDetailed?: number;
  /**
   * The thresholds in force for the run, which the prompts quote.
   *
   * @default {DEFAULT_THRESHOLDS}
   */
  readonly thresholds?: Thresholds;
}

/** The most entries of each list a prompt shows (cases, symptoms, RCAs). */
export const MAX_LISTED = 8;

/**
 * The most RCAs a prompt shows in full (with their root-cause statement): the
 * F0 prior RCAs of the case's symptom, the F4 candidates for a duplicate.
 */
export const MAX_DETAILED = 2;

/**
 * How many of the most similar other cases a prompt consults, as a multiple
 * of the list size: the cases without an RCA and the cases linked to the
 * shown RCAs are looked for among them.
 */
const CASE_WINDOW_FACTOR = 3;

/** The failure being analysed. */
export interface FailureView {
  /** Test name, verbatim. */
  readonly testName: string;
  /** Store case status (`open`, `triaged`, …). */
  readonly status: string;
  /** Error message, verbatim; empty when none was captured. */
  readonly errorMessage: string;
  readonly hasErrorMessage: boolean;
  /** The error message as a fenced code block (empty when none). */
  readonly errorBlock: string;
  /** Log snippet, verbatim; empty when none was captured. */
  readonly logSnippet: string;
  readonly hasLogSnippet: boolean;
  /** The log snippet as a fenced code block (empty when none). */
  readonly logBlock: string;
  /** The log snippet was cut; the decisive lines may be missing. */
  readonly logTruncated: boolean;
  /**
   * The error message is one line and the log's last line ends with it
   * verbatim, so a prompt may show the log alone and say so.
   */
  readonly errorEndsLog: boolean;
}

/** One entry of the defect taxonomy. */
export interface TaxonomyEntry {
  /** Code, e.g. `pb001`. */
  readonly code: string;
  /** Name, e.g. `Product Bug`. */
  readonly name: string;
  /** The F1 symptom category that usually leads to it, e.g. `product`. */
  readonly category: string;
  /** Where the fault lies when the code applies. */
  readonly meaning: string;
  /** Who a Jira ticket of this type is for, what it says, its priority. */
  readonly jiraGuidance: string;
}

/** A workspace repository as prompts may show it. */
export interface RepoView {
  readonly name: string;
  /** Local path, or `(no local path)`. */
  readonly path: string;
  readonly hasPath: boolean;
  /** What the repository contains, or `(no description)`. */
  readonly purpose: string;
  /** Branch, or `(default branch)`. */
  readonly branch: string;
}

/** A stored symptom. Table-safe text (one line, `|` escaped). */
export interface SymptomView {
  /** Store symptom id. */
  readonly id: number;
  readonly name: string;
  readonly status: string;
  readonly component: string;
  readonly hasComponent: boolean;
  /** The error message the symptom was first recorded with. */
  readonly errorPattern: string;
  readonly hasErrorPattern: boolean;
  readonly occurrenceCount: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** Dormant symptom seen again: a possible regression. */
  readonly isDormant: boolean;
  /** Linked RCAs that are not archived, as `RCA #1, RCA #4`, or `none`. */
  readonly linkedRcas: string;
  readonly hasLinkedRcas: boolean;
}

/** A stored RCA. Short fields are table-safe (one line, `|` escaped). */
export interface RcaView {
  /** Store RCA id. */
  readonly id: number;
  readonly title: string;
  /**
   * The title says more than the start of the description (it is not the
   * description's head cut short), so it is worth showing beside it.
   */
  readonly hasDistinctTitle: boolean;
  /** Full root-cause statement, verbatim. */
  readonly description: string;
  readonly hasDescription: boolean;
  /** Taxonomy code, or `(none)`. */
  readonly defectType: string;
  /** Taxonomy name of the code, empty when unknown. */
  readonly defectTypeName: string;
  /** Component blamed, or `(not recorded)`. */
  readonly component: string;
  readonly status: string;
  /** Affected versions joined with `, `, or `(not recorded)`. */
  readonly affectedVersions: string;
  readonly hasAffectedVersions: boolean;
  readonly evidenceRefs: readonly string[];
  /** Evidence refs joined with `, `, or `none`. */
  readonly evidenceText: string;
  readonly hasEvidence: boolean;
  /** Convergence score, e.g. `0.85`. */
  readonly convergence: string;
  readonly jiraTicketId: string;
  readonly hasJira: boolean;
  readonly resolvedAt: string;
  readonly hasResolvedAt: boolean;
  /**
   * Cases linked to it among those the prompt consulted (its origin and the
   * cases most similar to this failure), as `#1, #3`, or `none`.
   */
  readonly linkedCases: string;
  /** Versions of the cases linked to it, as `4.20, 4.21`, or `(unknown)`. */
  readonly caseVersions: string;
  readonly hasCaseVersions: boolean;
}

/** Another case of the run. */
export interface CaseView {
  /** Store case id. */
  readonly id: number;
  /** Test name on one line. */
  readonly testName: string;
  readonly status: string;
  /** Status `open`: not triaged yet, so still on its way to an RCA. */
  readonly isOpen: boolean;
  /** Version label, or `(unknown)`. */
  readonly version: string;
  readonly hasVersion: boolean;
  /** `RCA #3`, or `no RCA`. */
  readonly rca: string;
  readonly hasRca: boolean;
  /** `symptom #2`, or `no symptom`. */
  readonly symptom: string;
  /**
   * First line of the error message without a leading `[FAILED]`/`[FAIL]`
   * tag (every case failed), at most 72 characters, or `(none)`.
   */
  readonly errorHead: string;
}

/** Other cases of the run that share one test name. */
export interface CaseGroupView {
  /** The shared test name, on one line. */
  readonly testName: string;
  /** It is also this case's test. */
  readonly isThisTest: boolean;
  /** The cases, by id. */
  readonly cases: readonly CaseView[];
}

/** The case's latest F0 artifact. */
export interface RecallView {
  readonly match: boolean;
  readonly confidence: string;
  readonly priorRcaId: number;
  readonly hasPriorRca: boolean;
  readonly symptomId: number;
  readonly hasSymptom: boolean;
  readonly sameAsCaseId: number;
  readonly hasSameAsCase: boolean;
  readonly isRegression: boolean;
  readonly reasoning: string;
}

/** The case's latest triage (F1 artifact, else the store's triage row). */
export interface TriageView {
  readonly symptomCategory: string;
  readonly severity: string;
  readonly defectTypeHypothesis: string;
  /** Ranked candidate repositories joined with `, `, or `(none)`. */
  readonly candidateRepos: string;
  readonly hasCandidateRepos: boolean;
  readonly skipInvestigation: boolean;
  readonly clockSkewSuspected: boolean;
  readonly cascadeSuspected: boolean;
  readonly dataQualityNotes: string;
  readonly hasDataQualityNotes: boolean;
}

/** A repository selected for investigation. */
export interface SelectedRepoView {
  readonly name: string;
  /** Path (from F2, else the workspace), or `(no local path)`. */
  readonly path: string;
  readonly hasPath: boolean;
  /** Branch (from F2, else the workspace), or `(default branch)`. */
  readonly branch: string;
  /** Workspace purpose, or `(not in the workspace list)`. */
  readonly purpose: string;
  /** Focus paths joined with `, `. */
  readonly focusPaths: string;
  readonly hasFocusPaths: boolean;
  readonly reason: string;
}

/** The case's latest F2 artifact. */
export interface ResolveView {
  readonly selectedRepos: readonly SelectedRepoView[];
  readonly hasSelectedRepos: boolean;
  /** Selected repository names joined with `, `, or `(none)`. */
  readonly repoNames: string;
  readonly crossRefStrategy: string;
  readonly hasCrossRefStrategy: boolean;
}

/** An F3 artifact. */
export interface InvestigateView {
  readonly rcaMessage: string;
  readonly defectType: string;
  readonly component: string;
  readonly hasComponent: boolean;
  readonly convergence: string;
  readonly evidenceRefs: readonly string[];
  /** Evidence refs joined with `, `, or `none`. */
  readonly evidenceText: string;
  readonly hasEvidence: boolean;
}

/** The case's latest F4 artifact. */
export interface CorrelateView {
  readonly isDuplicate: boolean;
  readonly linkedRcaId: number;
  readonly hasLinkedRca: boolean;
  readonly confidence: string;
  readonly reasoning: string;
  readonly hasReasoning: boolean;
  readonly crossVersionMatch: boolean;
  readonly affectedVersions: string;
  readonly hasAffectedVersions: boolean;
  readonly sameAsCaseId: number;
  readonly hasSameAsCase: boolean;
}

/** The repositories F3 investigates. */
export interface InvestigationScope {
  readonly selectedRepos: readonly SelectedRepoView[];
  readonly hasSelectedRepos: boolean;
  /** The selection came from F2 (resolve). */
  readonly fromResolve: boolean;
  /** The selection came from the F1 candidates (F2 was skipped). */
  readonly fromTriage: boolean;
  readonly crossRefStrategy: string;
  readonly hasCrossRefStrategy: boolean;
}

/** A retry after an investigation that did not converge. */
export interface LoopRetryView {
  /** Investigation loops made so far (≥ 1). */
  readonly loops: number;
  /** The previous F3 result, when there is one. */
  readonly previous: InvestigateView | null;
}

/** The thresholds in force, formatted (`0.80`). */
export interface ThresholdsView {
  readonly recallHit: string;
  readonly recallUncertain: string;
  readonly convergenceSufficient: string;
  readonly correlateDup: string;
  readonly maxInvestigateLoops: number;
}

/** How much of the run the lists of a prompt leave out. */
export interface ListingView {
  /** The most entries a list shows. */
  readonly max: number;
  /** The most RCAs shown in full. */
  readonly maxDetailed: number;
  /** Live RCAs (not the case's own) not in {@linkcode PromptView.detailedRcas}. */
  readonly detailedRcasNotShown: number;
  readonly hasDetailedRcasNotShown: boolean;
  /** Symptoms of the run not in {@linkcode PromptView.knownSymptoms}. */
  readonly symptomsNotShown: number;
  readonly hasSymptomsNotShown: boolean;
  /** Live RCAs (not the case's own) not in {@linkcode PromptView.knownRcas}. */
  readonly rcasNotShown: number;
  readonly hasRcasNotShown: boolean;
  /** Other cases of the run not in {@linkcode PromptView.otherCases}. */
  readonly otherCasesNotShown: number;
  readonly hasOtherCasesNotShown: boolean;
  /**
   * Other cases of the run not in {@linkcode PromptView.pendingCases} (with
   * an RCA, or less similar).
   */
  readonly pendingCasesNotShown: number;
  readonly hasPendingCasesNotShown: boolean;
}

/** Everything the templates read. */
export interface PromptView {
  /** Store case id. */
  readonly caseId: number;
  /** Step enum value, e.g. `F3_INVESTIGATE`. */
  readonly step: PipelineStep;
  /** Short step name, e.g. `F3`. */
  readonly stepShort: ShortStepName;
  readonly family: StepFamily;
  readonly versionLabel: string;
  readonly jobName: string;
  readonly artifactPath: string;
  /** File name of the artifact path, e.g. `artifact.json`. */
  readonly artifactFile: string;
  readonly promptPath: string;
  readonly failure: FailureView;
  /** Caution about comparing timestamps from different clocks. */
  readonly clockPlaneNote: string;
  readonly taxonomy: readonly TaxonomyEntry[];
  /**
   * The taxonomy entries whose Jira guidance F6 shows: the one of the case's
   * RCA (else of the triage hypothesis), or all when that code is unknown.
   */
  readonly reportTaxonomy: readonly TaxonomyEntry[];
  readonly workspace: {
    readonly repos: readonly RepoView[];
    readonly hasRepos: boolean;
    /** Repository names joined with `, `. */
    readonly names: string;
  };
  /** The case's symptom (or, at F0, the best candidate) and its RCAs. */
  readonly history: {
    readonly symptom: SymptomView | null;
    /**
     * The symptom is an F0 candidate found by test name, not a symptom the
     * case is linked to.
     */
    readonly isCandidate: boolean;
    /** RCAs linked to the symptom: not archived, not the case's own. */
    readonly priorRcas: readonly RcaView[];
    readonly hasPriorRcas: boolean;
    /** RCAs linked to the symptom beyond those shown. */
    readonly priorRcasNotShown: number;
    readonly hasPriorRcasNotShown: boolean;
  };
  /** The thresholds in force. */
  readonly thresholds: ThresholdsView;
  /** What the lists leave out. */
  readonly listing: ListingView;
  /**
   * The symptoms of the run most similar to this failure (the case's own
   * first), at most {@linkcode ListingView.max}, by id.
   */
  readonly knownSymptoms: readonly SymptomView[];
  readonly hasKnownSymptoms: boolean;
  /**
   * The RCAs of the run, not archived and not the case's own, whose cases
   * look most like this failure (those of its symptom first), at most
   * {@linkcode ListingView.max}, by id.
   */
  readonly knownRcas: readonly RcaView[];
  readonly hasKnownRcas: boolean;
  /**
   * The most relevant of {@linkcode knownRcas}, at most
   * {@linkcode ListingView.maxDetailed}, by id: those a prompt shows in full.
   */
  readonly detailedRcas: readonly RcaView[];
  readonly hasDetailedRcas: boolean;
  /** {@linkcode knownRcas} not in {@linkcode detailedRcas}, by id. */
  readonly briefRcas: readonly RcaView[];
  readonly hasBriefRcas: boolean;
  /**
   * The other cases of the run most similar to this failure, at most
   * {@linkcode ListingView.max}, by id.
   */
  readonly otherCases: readonly CaseView[];
  readonly hasOtherCases: boolean;
  /** {@linkcode otherCases} grouped by test name, in order of first id. */
  readonly otherCaseGroups: readonly CaseGroupView[];
  /**
   * The most similar other cases without an RCA yet, at most
   * {@linkcode ListingView.max}, by id: the only ones a `same_as_case_id` may
   * name.
   */
  readonly pendingCases: readonly CaseView[];
  readonly hasPendingCases: boolean;
  /** {@linkcode pendingCases} grouped by test name, in order of first id. */
  readonly pendingCaseGroups: readonly CaseGroupView[];
  /** The RCA the case is linked to now, if any. */
  readonly caseRca: RcaView | null;
  /**
   * The case's RCA only restates its latest F3 root-cause statement (same
   * text), so a prompt showing both need not repeat it.
   */
  readonly caseRcaIsInvestigation: boolean;
  /** The case's latest artifact of each step (triage falls back to the store). */
  readonly prior: {
    readonly recall: RecallView | null;
    readonly triage: TriageView | null;
    readonly resolve: ResolveView | null;
    readonly investigate: InvestigateView | null;
    readonly correlate: CorrelateView | null;
  };
  /** The repositories to investigate at F3. */
  readonly investigation: InvestigationScope;
  /** Set only when the case has looped (`investigateLoops > 0`). */
  readonly loopRetry: LoopRetryView | null;
}

/** The defect taxonomy every step uses. */
export const TAXONOMY: readonly TaxonomyEntry[] = [
  {
    code: "pb001",
    name: "Product Bug",
    category: "product",
    meaning: "the product under test (operators, daemons, shipped " +
      "libraries or configuration)",
    jiraGuidance: "for the team owning the component: faulty behaviour, " +
      "code location, reproduction, affected versions; Critical or Major " +
      "by customer impact",
  },
  {
    code: "ab001",
    name: "Automation Bug",
    category: "automation",
    meaning: "test code, fixtures, setup/teardown or the test framework; " +
      "the product behaves correctly",
    jiraGuidance: "for the test framework owners: the faulty test code " +
      "or fixture and the fix, stating the product is not at fault; Major " +
      "or Minor",
  },
  {
    code: "si001",
    name: "System Issue",
    category: "infra",
    meaning: "the environment: lab network, time sources, nodes, cluster " +
      "or CI",
    jiraGuidance: "for the lab or CI owners: the failing environment " +
      "element and its effect on tests; Major or Minor by tests blocked",
  },
  {
    code: "nd001",
    name: "No Defect",
    category: "flake",
    meaning: "nothing to fix: a flaky, transient or expected result",
    jiraGuidance: "why nothing needs fixing (flaky or expected result); " +
      "suggest de-flaking if it recurs; Minor or Trivial",
  },
  {
    code: "ti001",
    name: "To Investigate",
    category: "unknown",
    meaning: "the evidence cannot decide",
    jiraGuidance: "what is known, what is missing and the next step; " +
      "priority by severity",
  },
];

/** The caution shown wherever timestamps matter. */
export const CLOCK_PLANE_NOTE =
  "Timestamps of different sources (CI runner, nodes, PTP clocks) need " +
  "not agree: do not order events from different sources by timestamp " +
  "alone.";

const MAX_ERROR_HEAD = 72;
/** The longest symptom error pattern a catalogue line shows. */
const MAX_PATTERN_HEAD = 80;

/** Most texts {@linkcode oneLine} remembers; then it starts over. */
const ONE_LINE_CACHE_SIZE = 20_000;
/** Longer texts are not remembered (the cache stays a few megabytes). */
const ONE_LINE_CACHED_LENGTH = 512;
/**
 * Texts made one line, by text: every prompt shows the names, titles and
 * descriptions of the few cases, RCAs and symptoms most like its failure, the
 * same strings again and again.
 */
const oneLineCache = new Map<string, string>();

/** Collapses whitespace (newlines included) to single spaces. */
function oneLine(text: string): string {
  const cached = text.length <= ONE_LINE_CACHED_LENGTH;
  let line = cached ? oneLineCache.get(text) : undefined;
  if (line === undefined) {
    line = text.replace(/\s+/g, " ").trim();
    if (cached) {
      if (oneLineCache.size >= ONE_LINE_CACHE_SIZE) oneLineCache.clear();
      oneLineCache.set(text, line);
    }
  }
  return line;
}

/** Makes `text` safe inside a markdown table cell. */
function cell(text: string): string {
  return oneLine(text).replaceAll("|", "\\|");
}

/** Prints a number the way Go's `%v` prints a float64 (0.85, 1, 0). */
function decimal(value: number): string {
  return String(value);
}

/** A fenced code block holding `text`, whatever backticks it contains. */
function fenced(text: string): string {
  const longest = Math.max(
    0,
    ...Array.from(text.matchAll(/`+/g), (m) => m[0].length),
  );
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\n+$/, "")}\n${fence}`;
}

function joined(items: readonly string[], none: string): string {
  return items.length === 0 ? none : items.join(", ");
}

function byId<T extends { readonly id: number }>(a: T, b: T): number {
  return a.id - b.id;
}

function failureView(record: Case): FailureView {
  const hasErrorMessage = record.errorMessage.trim() !== "";
  const hasLogSnippet = record.logSnippet.trim() !== "";
  return {
    testName: record.name,
    status: record.status,
    errorMessage: record.errorMessage,
    hasErrorMessage,
    errorBlock: hasErrorMessage ? fenced(record.errorMessage) : "",
    logSnippet: record.logSnippet,
    hasLogSnippet,
    logBlock: hasLogSnippet ? fenced(record.logSnippet) : "",
    logTruncated: record.logTruncated,
    errorEndsLog: errorEndsLog(record.errorMessage, record.logSnippet),
  };
}

/** `error` is one non-empty line that ends the last line of `log`. */
function errorEndsLog(error: string, log: string): boolean {
  const message = error.trim();
  if (message === "" || message.includes("\n")) return false;
  const lastLine = log.trimEnd().split("\n").at(-1) ?? "";
  return lastLine.trimEnd().endsWith(message);
}

function repoView(repo: RepoConfig): RepoView {
  // Only these four fields: relevant_to_rcas and is_red_herring are ground truth.
  return {
    name: cell(repo.name),
    path: repo.path === "" ? "(no local path)" : cell(repo.path),
    hasPath: repo.path !== "",
    purpose: repo.purpose === "" ? "(no description)" : cell(repo.purpose),
    branch: repo.branch === "" ? "(default branch)" : cell(repo.branch),
  };
}

/**
 * At most {@linkcode MAX_LISTED} items joined with `, `, then how many more
 * there are (`#1, #2, … and 3 more`), or `none`.
 */
function cappedList(items: readonly string[]): string {
  if (items.length <= MAX_LISTED) return joined(items, "none");
  return `${items.slice(0, MAX_LISTED).join(", ")} and ${
    items.length - MAX_LISTED
  } more`;
}

function rcaIdsText(ids: readonly number[]): string {
  return cappedList(ids.map((id) => `RCA #${id}`));
}

/** `text` on one line, cut to `max` characters with an ellipsis. */
function head(text: string, max: number): string {
  const line = oneLine(text);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Version label of a case by store id, `""` when unknown. */
type VersionOf = (caseId: number) => string;

/** Store facts the view is assembled from, read once. */
interface StoreFacts {
  readonly self: Case;
  /**
   * The cases the prompt consults, by id: the case itself, the most similar
   * other cases (see {@linkcode window}), and the origins of shown RCAs.
   */
  readonly cases: Map<number, Case>;
  /** The most similar other cases, best first. */
  readonly window: readonly Case[];
  /** Every RCA of the store, sorted by id (a snapshot: not copied). */
  readonly rcas: readonly Readonly<Rca>[];
  /** Every symptom of the store, sorted by id (a snapshot: not copied). */
  readonly symptoms: readonly Readonly<Symptom>[];
  readonly triage: Triage | undefined;
}

async function readStore(
  store: Store,
  caseId: number,
  similarity: CaseSimilarity | undefined,
  windowSize: number,
): Promise<StoreFacts & { readonly similarity: CaseSimilarity }> {
  const self = await store.getCase(caseId);
  if (self === undefined) {
    throw new RangeError(`Cannot build a prompt: no case has id ${caseId}`);
  }
  const index = similarity?.has(caseId)
    ? similarity
    : new CaseSimilarity(await store.listCases());
  const cases = new Map<number, Case>([[self.id, self]]);
  const window: Case[] = [];
  for (const id of index.nearest(self.id, windowSize)) {
    const other = await store.getCase(id);
    if (other === undefined) continue;
    cases.set(id, other);
    window.push(other);
  }
  return {
    self,
    cases,
    window,
    rcas: await store.snapshotRcas(),
    symptoms: await store.snapshotSymptoms(),
    triage: await store.getTriage(caseId),
    similarity: index,
  };
}

/** `value` when it is a positive integer; a RangeError naming `name` otherwise. */
function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot build a prompt with ${name} ${value}: expected a positive integer`,
    );
  }
  return value;
}

/** Formats a threshold with at least two decimals (`0.80`, `0.825`). */
function thresholdText(value: number): string {
  const fixed = value.toFixed(2);
  return Number(fixed) === value ? fixed : String(value);
}

function thresholdsView(thresholds: Thresholds): ThresholdsView {
  return {
    recallHit: thresholdText(thresholds.recallHit),
    recallUncertain: thresholdText(thresholds.recallUncertain),
    convergenceSufficient: thresholdText(thresholds.convergenceSufficient),
    correlateDup: thresholdText(thresholds.correlateDup),
    maxInvestigateLoops: thresholds.maxInvestigateLoops,
  };
}

/** Ids of the non-archived RCAs linked to a symptom, sorted and unique. */
async function linkedRcaIds(
  store: Store,
  symptomId: number,
  known: readonly Readonly<Rca>[],
): Promise<number[]> {
  const ids = new Set<number>();
  for (const link of await store.getRcasForSymptom(symptomId)) {
    const rca = findById(known, link.rcaId) ?? await store.getRca(link.rcaId);
    if (rca !== undefined && rca.status !== "archived") ids.add(rca.id);
  }
  return [...ids].sort((a, b) => a - b);
}

function symptomView(
  symptom: Readonly<Symptom>,
  rcaIds: readonly number[],
): SymptomView {
  return {
    id: symptom.id,
    name: cell(symptom.name),
    status: symptom.status,
    component: cell(symptom.component),
    hasComponent: symptom.component.trim() !== "",
    errorPattern: cell(head(symptom.errorPattern, MAX_PATTERN_HEAD)),
    hasErrorPattern: symptom.errorPattern.trim() !== "",
    occurrenceCount: symptom.occurrenceCount,
    firstSeenAt: symptom.firstSeenAt,
    lastSeenAt: symptom.lastSeenAt,
    isDormant: symptom.status === "dormant",
    linkedRcas: rcaIdsText(rcaIds),
    hasLinkedRcas: rcaIds.length > 0,
  };
}

/**
 * Version order: what `a.localeCompare(b, "en", { numeric: true })` gives,
 * through one collator instead of one made per comparison.
 */
const VERSION_ORDER = new Intl.Collator("en", { numeric: true });

/** Distinct version labels, in version order. */
function versionList(labels: Iterable<string>): string {
  const distinct = [...new Set(labels)].filter((v) => v !== "");
  distinct.sort(VERSION_ORDER.compare);
  return joined(distinct.map(cell), "(unknown)");
}

/** `title` is not empty and not just the head of `description`. */
function distinctTitle(title: string, description: string): boolean {
  const head = oneLine(title).replace(/(\.\.\.|…)$/, "").trim();
  return head !== "" && !oneLine(description).startsWith(head);
}

function rcaView(
  rca: Rca,
  cases: ReadonlyMap<number, Case>,
  versionOf: VersionOf,
): RcaView {
  const taxonomy = TAXONOMY.find((t) => t.code === rca.defectType);
  const linkedCases = [...cases.values()].filter((c) => c.rcaId === rca.id)
    .sort(byId);
  const linked = linkedCases.map((c) => `#${c.id}`);
  const caseVersions = linkedCases.map((c) => versionOf(c.id));
  return {
    id: rca.id,
    title: rca.title === "" ? "(untitled)" : cell(rca.title),
    hasDistinctTitle: distinctTitle(rca.title, rca.description),
    description: rca.description,
    hasDescription: rca.description.trim() !== "",
    defectType: rca.defectType === "" ? "(none)" : cell(rca.defectType),
    defectTypeName: taxonomy?.name ?? "",
    component: rca.component === "" ? "(not recorded)" : cell(rca.component),
    status: rca.status,
    affectedVersions: joined(rca.affectedVersions.map(cell), "(not recorded)"),
    hasAffectedVersions: rca.affectedVersions.length > 0,
    evidenceRefs: rca.evidenceRefs.map(oneLine),
    evidenceText: joined(rca.evidenceRefs.map(oneLine), "none"),
    hasEvidence: rca.evidenceRefs.length > 0,
    convergence: decimal(rca.convergenceScore),
    jiraTicketId: cell(rca.jiraTicketId),
    hasJira: rca.jiraTicketId !== "",
    resolvedAt: rca.resolvedAt,
    hasResolvedAt: rca.resolvedAt !== "",
    linkedCases: cappedList(linked),
    caseVersions: versionList(caseVersions),
    hasCaseVersions: caseVersions.some((v) => v !== ""),
  };
}

function caseView(other: Case, versionOf: VersionOf): CaseView {
  const firstLine = (
    other.errorMessage.split("\n").find((l) => l.trim() !== "") ?? ""
  ).trim().replace(/^\[FAIL(?:ED)?\]\s*/i, "");
  const errorHead = firstLine.length > MAX_ERROR_HEAD
    ? `${firstLine.slice(0, MAX_ERROR_HEAD)}…`
    : firstLine;
  return {
    id: other.id,
    testName: oneLine(other.name),
    status: other.status,
    isOpen: other.status === "open",
    version: cell(versionOf(other.id)) || "(unknown)",
    hasVersion: versionOf(other.id) !== "",
    rca: other.rcaId === 0 ? "no RCA" : `RCA #${other.rcaId}`,
    hasRca: other.rcaId !== 0,
    symptom: other.symptomId === 0
      ? "no symptom"
      : `symptom #${other.symptomId}`,
    errorHead: errorHead === "" ? "(none)" : errorHead,
  };
}

/** The taxonomy entry of `code`, or the whole taxonomy when unknown. */
function reportTaxonomy(code: string): readonly TaxonomyEntry[] {
  const entry = TAXONOMY.find((t) => t.code === code.trim());
  return entry === undefined ? TAXONOMY : [entry];
}

/** Cases grouped by test name, groups in order of their first case. */
function caseGroups(
  cases: readonly CaseView[],
  thisTest: string,
): CaseGroupView[] {
  const groups = new Map<string, CaseView[]>();
  for (const c of cases) {
    const group = groups.get(c.testName);
    if (group === undefined) groups.set(c.testName, [c]);
    else group.push(c);
  }
  return [...groups].map(([testName, members]) => ({
    testName,
    isThisTest: testName === thisTest,
    cases: members,
  }));
}

function recallView(data: RecallResult): RecallView {
  return {
    match: data.match,
    confidence: decimal(data.confidence),
    priorRcaId: data.prior_rca_id,
    hasPriorRca: data.prior_rca_id !== 0,
    symptomId: data.symptom_id,
    hasSymptom: data.symptom_id !== 0,
    sameAsCaseId: data.same_as_case_id,
    hasSameAsCase: data.same_as_case_id !== 0,
    isRegression: data.is_regression,
    reasoning: data.reasoning,
  };
}

function triageView(data: TriageResult): TriageView {
  return {
    symptomCategory: cell(data.symptom_category) || "(none)",
    severity: cell(data.severity) || "(none)",
    defectTypeHypothesis: cell(data.defect_type_hypothesis) || "(none)",
    candidateRepos: joined(data.candidate_repos.map(cell), "(none)"),
    hasCandidateRepos: data.candidate_repos.length > 0,
    skipInvestigation: data.skip_investigation,
    clockSkewSuspected: data.clock_skew_suspected,
    cascadeSuspected: data.cascade_suspected,
    dataQualityNotes: data.data_quality_notes,
    hasDataQualityNotes: data.data_quality_notes.trim() !== "",
  };
}

/** The store's triage row in the artifact's shape. */
function triageFromStore(row: Triage): TriageResult {
  return {
    symptom_category: row.symptomCategory,
    severity: row.severity,
    defect_type_hypothesis: row.defectTypeHypothesis,
    candidate_repos: [...row.candidateRepos],
    skip_investigation: row.skipInvestigation,
    clock_skew_suspected: row.clockSkewSuspected,
    cascade_suspected: row.cascadeSuspected,
    data_quality_notes: row.dataQualityNotes,
  };
}

function selectedRepoView(
  repo: {
    readonly name: string;
    readonly path?: string;
    readonly branch?: string;
    readonly focus_paths?: readonly string[];
    readonly reason: string;
  },
  workspace: readonly RepoConfig[],
): SelectedRepoView {
  const known = workspace.find((r) => r.name === repo.name);
  const path = repo.path || known?.path || "";
  const branch = repo.branch || known?.branch || "";
  const focus = repo.focus_paths ?? [];
  return {
    name: cell(repo.name),
    path: path === "" ? "(no local path)" : cell(path),
    hasPath: path !== "",
    branch: branch === "" ? "(default branch)" : cell(branch),
    purpose: known === undefined
      ? "(not in the workspace list)"
      : known.purpose === ""
      ? "(no description)"
      : cell(known.purpose),
    focusPaths: focus.map(cell).join(", "),
    hasFocusPaths: focus.length > 0,
    reason: oneLine(repo.reason),
  };
}

function resolveView(
  data: ResolveResult,
  workspace: readonly RepoConfig[],
): ResolveView {
  const selectedRepos = data.selected_repos.map((r) =>
    selectedRepoView(r, workspace)
  );
  return {
    selectedRepos,
    hasSelectedRepos: selectedRepos.length > 0,
    repoNames: joined(selectedRepos.map((r) => r.name), "(none)"),
    crossRefStrategy: data.cross_ref_strategy,
    hasCrossRefStrategy: data.cross_ref_strategy.trim() !== "",
  };
}

function investigateView(data: InvestigateResult): InvestigateView {
  return {
    rcaMessage: data.rca_message,
    defectType: cell(data.defect_type) || "(none)",
    component: cell(data.component),
    hasComponent: data.component.trim() !== "",
    convergence: decimal(data.convergence_score),
    evidenceRefs: data.evidence_refs.map(oneLine),
    evidenceText: joined(data.evidence_refs.map(oneLine), "none"),
    hasEvidence: data.evidence_refs.length > 0,
  };
}

function correlateView(data: CorrelateResult): CorrelateView {
  return {
    isDuplicate: data.is_duplicate,
    linkedRcaId: data.linked_rca_id,
    hasLinkedRca: data.linked_rca_id !== 0,
    confidence: decimal(data.confidence),
    reasoning: data.reasoning,
    hasReasoning: data.reasoning.trim() !== "",
    crossVersionMatch: data.cross_version_match,
    affectedVersions: joined(data.affected_versions.map(cell), "(none)"),
    hasAffectedVersions: data.affected_versions.length > 0,
    sameAsCaseId: data.same_as_case_id,
    hasSameAsCase: data.same_as_case_id !== 0,
  };
}

/** Index of the latest artifact of `step`, or -1. */
function latestIndex(
  artifacts: readonly StepArtifact[],
  step: PipelineStep,
): number {
  return artifacts.findLastIndex((a) => a.step === step);
}

/** The latest artifact of `step`, typed. */
function latest<S extends PipelineStep>(
  artifacts: readonly StepArtifact[],
  step: S,
): ArtifactByStep[S] | undefined {
  const index = latestIndex(artifacts, step);
  return index < 0 ? undefined : artifacts[index].data as ArtifactByStep[S];
}

/**
 * The repositories F3 investigates: the latest F2 selection when it is newer
 * than the latest triage, else the triage's ranked candidates (F2 skipped
 * because there was a single candidate).
 */
function investigationScope(
  artifacts: readonly StepArtifact[],
  triage: TriageResult | undefined,
  workspace: readonly RepoConfig[],
): InvestigationScope {
  const resolveAt = latestIndex(artifacts, "F2_RESOLVE");
  const resolve = latest(artifacts, "F2_RESOLVE");
  if (
    resolve !== undefined && resolveAt > latestIndex(artifacts, "F1_TRIAGE")
  ) {
    const view = resolveView(resolve, workspace);
    return {
      selectedRepos: view.selectedRepos,
      hasSelectedRepos: view.hasSelectedRepos,
      fromResolve: true,
      fromTriage: false,
      crossRefStrategy: view.crossRefStrategy,
      hasCrossRefStrategy: view.hasCrossRefStrategy,
    };
  }
  const candidates = triage?.candidate_repos ?? [];
  const selectedRepos = candidates.map((name, i) =>
    selectedRepoView({
      name,
      reason: candidates.length === 1
        ? "the only candidate repository named by triage"
        : `candidate ${i + 1} of ${candidates.length} ranked by triage`,
    }, workspace)
  );
  return {
    selectedRepos,
    hasSelectedRepos: selectedRepos.length > 0,
    fromResolve: false,
    fromTriage: selectedRepos.length > 0,
    crossRefStrategy: "",
    hasCrossRefStrategy: false,
  };
}

/**
 * The symptom the prompt shows as "known": the case's own, else (at F0) the
 * candidate with the same test name seen most often, ties by the later
 * `lastSeenAt`, then the lower id.
 */
async function historySymptom(
  store: Store,
  self: Case,
  step: PipelineStep,
  symptoms: readonly Readonly<Symptom>[],
): Promise<Readonly<Symptom> | undefined> {
  if (self.symptomId !== 0) {
    return findById(symptoms, self.symptomId) ??
      await store.getSymptom(self.symptomId);
  }
  if (step !== "F0_RECALL") return undefined;
  const candidates = (await store.findSymptomCandidates(self.name)).sort(byId);
  let best: Symptom | undefined;
  for (const candidate of candidates) {
    if (
      best === undefined ||
      candidate.occurrenceCount > best.occurrenceCount ||
      (candidate.occurrenceCount === best.occurrenceCount &&
        candidate.lastSeenAt > best.lastSeenAt)
    ) {
      best = candidate;
    }
  }
  return best;
}

/**
 * A reused buffer for one list's scores: each pick fills it and reads it back
 * with no `await` between, so prompts built concurrently never share it.
 */
let scores = new Float64Array(1024);

/** {@linkcode scores}, at least `length` long; its content is left over. */
function scratchScores(length: number): Float64Array {
  if (scores.length < length) scores = new Float64Array(length * 2);
  return scores;
}

/**
 * Builds the view of one step of one case from the store and the case's
 * artifacts. Each list shows at most `maxListed` entries, those most similar
 * to this failure by error signature (see {@linkcode CaseSimilarity}), sorted
 * by id, with a count of the rest; archived RCAs and the case's own RCA never
 * appear among the known or prior RCAs. The store is read for the case, the
 * few cases consulted, the RCAs and the symptoms: never every case of the run
 * (unless no similarity index is given).
 *
 * @throws {RangeError} when the store has no case `input.storeCaseId`, or
 * `maxListed` is not a positive integer.
 */
export async function buildPromptView(input: PromptInput): Promise<PromptView> {
  const { store, step, storeCaseId, workspace, artifacts } = input;
  const max = positive("maxListed", input.maxListed ?? MAX_LISTED);
  const maxDetailed = positive(
    "maxDetailed",
    input.maxDetailed ?? MAX_DETAILED,
  );
  const facts = await readStore(
    store,
    storeCaseId,
    input.similarity,
    max * CASE_WINDOW_FACTOR,
  );
  const { self, cases, rcas, similarity } = facts;
  const versionOf: VersionOf = (id) =>
    id === self.id ? input.versionLabel : input.caseVersions?.get(id) ?? "";

  const isOwn = (rca: Rca) =>
    rca.originCaseId === self.id || rca.id === self.rcaId;
  const shownRcaIds = (ids: readonly number[]) =>
    ids.filter((id) => {
      const rca = findById(rcas, id);
      return rca !== undefined && !isOwn(rca);
    });

  const symptom = await historySymptom(store, self, step, facts.symptoms);
  const symptomRcaIds = symptom === undefined
    ? []
    : await linkedRcaIds(store, symptom.id, rcas);
  const symptomRcas = new Set(shownRcaIds(symptomRcaIds));

  // RCAs: those of the case's symptom first, then by how much their origin
  // case, or a consulted case linked to them, looks like this failure.
  const scorer = similarity.scorer(self.id);
  const windowScore = new Map<number, number>();
  for (const other of facts.window) {
    const score = scorer.caseScore(other.id);
    if (other.rcaId !== 0 && score > (windowScore.get(other.rcaId) ?? 0)) {
      windowScore.set(other.rcaId, score);
    }
  }
  // The origin's group of each RCA, by its place in the snapshot: scoring
  // every RCA reads arrays.
  const originGroups = similarity.groupIds(rcas, (rca) => rca.originCaseId);
  const rcaScoreAt = (rca: Readonly<Rca>, at: number) =>
    Math.max(
      scorer.caseScoreOfGroup(originGroups[at]),
      windowScore.get(rca.id) ?? 0,
    );
  const rcaScore = (rca: Readonly<Rca>) =>
    rcaScoreAt(rca, indexById(rcas, rca.id));
  const scoreOf = (rca: Readonly<Rca>) =>
    symptomRcas.has(rca.id) ? 2 : rcaScore(rca);
  const isLive = (rca: Readonly<Rca>) =>
    rca.status !== "archived" && !isOwn(rca);
  // Archived RCAs and the case's own score below every other, so the pick
  // holds them only when fewer than `max` others exist; they are dropped.
  let liveRcaCount = 0;
  const rcaScores = scratchScores(rcas.length);
  for (let at = 0; at < rcas.length; at++) {
    const rca = rcas[at];
    if (isLive(rca)) {
      liveRcaCount += 1;
      rcaScores[at] = symptomRcas.has(rca.id) ? 2 : rcaScoreAt(rca, at);
    } else rcaScores[at] = -Infinity;
  }
  const shownRcas = topPositions(rcaScores, rcas.length, max)
    .map((at) => rcas[at]).filter(isLive);
  const detailedIds = new Set(
    mostRelevant(shownRcas, scoreOf, maxDetailed).map((rca) => rca.id),
  );
  const priorRcaRecords = mostRelevant(
    [...symptomRcas].map((id) => findById(rcas, id)!),
    rcaScore,
    maxDetailed,
  );
  const caseRcaRecord = self.rcaId === 0
    ? undefined
    : findById(rcas, self.rcaId) ?? await store.getRca(self.rcaId);
  // The origins of the RCAs shown, so their linked cases include them.
  for (const rca of [...shownRcas, ...priorRcaRecords, caseRcaRecord]) {
    if (rca === undefined || cases.has(rca.originCaseId)) continue;
    const origin = await store.getCase(rca.originCaseId);
    if (origin !== undefined) cases.set(origin.id, origin);
  }
  const knownRcas = shownRcas.map((rca) => rcaView(rca, cases, versionOf));
  const detailedRcas = knownRcas.filter((rca) => detailedIds.has(rca.id));
  const briefRcas = knownRcas.filter((rca) => !detailedIds.has(rca.id));
  const priorRcas = priorRcaRecords.map((rca) =>
    rcaView(rca, cases, versionOf)
  );

  const recall = latest(artifacts, "F0_RECALL");
  const triageArtifact = latest(artifacts, "F1_TRIAGE");
  const triage = triageArtifact ??
    (facts.triage === undefined ? undefined : triageFromStore(facts.triage));
  const resolve = latest(artifacts, "F2_RESOLVE");
  const investigate = latest(artifacts, "F3_INVESTIGATE");
  const correlate = latest(artifacts, "F4_CORRELATE");

  const repos = workspace.map(repoView);
  const otherCases = facts.window.slice(0, max).sort(byId).map((c) =>
    caseView(c, versionOf)
  );
  const pendingCases = facts.window.filter((c) => c.rcaId === 0)
    .slice(0, max).sort(byId).map((c) => caseView(c, versionOf));
  const otherCount = Math.max(0, similarity.size - 1);

  const textIds = similarity.textIds(facts.symptoms, (s) => s.errorPattern);
  const symptomScores = scratchScores(facts.symptoms.length);
  for (let at = 0; at < facts.symptoms.length; at++) {
    symptomScores[at] = facts.symptoms[at].id === symptom?.id
      ? 2
      : scorer.textScoreOf(textIds[at]);
  }
  const shownSymptoms = topPositions(
    symptomScores,
    facts.symptoms.length,
    max,
  ).map((at) => facts.symptoms[at]);
  const knownSymptoms: SymptomView[] = [];
  for (const s of shownSymptoms) {
    knownSymptoms.push(
      symptomView(
        s,
        s.id === symptom?.id
          ? symptomRcaIds
          : await linkedRcaIds(store, s.id, rcas),
      ),
    );
  }
  const notShown = (total: number, shown: number) => Math.max(0, total - shown);
  const listing: ListingView = {
    max,
    maxDetailed,
    detailedRcasNotShown: notShown(liveRcaCount, detailedRcas.length),
    hasDetailedRcasNotShown: liveRcaCount > detailedRcas.length,
    symptomsNotShown: notShown(facts.symptoms.length, knownSymptoms.length),
    hasSymptomsNotShown: facts.symptoms.length > knownSymptoms.length,
    rcasNotShown: notShown(liveRcaCount, knownRcas.length),
    hasRcasNotShown: liveRcaCount > knownRcas.length,
    otherCasesNotShown: notShown(otherCount, otherCases.length),
    hasOtherCasesNotShown: otherCount > otherCases.length,
    pendingCasesNotShown: notShown(otherCount, pendingCases.length),
    hasPendingCasesNotShown: otherCount > pendingCases.length,
  };

  return {
    caseId: self.id,
    step,
    stepShort: STEP_INFO[step].short,
    family: STEP_INFO[step].family,
    versionLabel: input.versionLabel,
    jobName: input.jobName,
    artifactPath: input.artifactPath,
    artifactFile: basename(input.artifactPath) || STEP_INFO[step].artifactFile,
    promptPath: input.promptPath,
    failure: failureView(self),
    clockPlaneNote: CLOCK_PLANE_NOTE,
    taxonomy: TAXONOMY,
    reportTaxonomy: reportTaxonomy(
      caseRcaRecord?.defectType || triage?.defect_type_hypothesis || "",
    ),
    workspace: {
      repos,
      hasRepos: repos.length > 0,
      names: joined(repos.map((r) => r.name), "(none)"),
    },
    history: {
      symptom: symptom === undefined
        ? null
        : symptomView(symptom, shownRcaIds(symptomRcaIds)),
      isCandidate: symptom !== undefined && self.symptomId === 0,
      priorRcas,
      hasPriorRcas: priorRcas.length > 0,
      priorRcasNotShown: notShown(symptomRcas.size, priorRcas.length),
      hasPriorRcasNotShown: symptomRcas.size > priorRcas.length,
    },
    thresholds: thresholdsView(input.thresholds ?? DEFAULT_THRESHOLDS),
    listing,
    knownSymptoms,
    hasKnownSymptoms: knownSymptoms.length > 0,
    knownRcas,
    hasKnownRcas: knownRcas.length > 0,
    detailedRcas,
    hasDetailedRcas: detailedRcas.length > 0,
    briefRcas,
    hasBriefRcas: briefRcas.length > 0,
    otherCases,
    hasOtherCases: otherCases.length > 0,
    otherCaseGroups: caseGroups(otherCases, oneLine(self.name)),
    pendingCases,
    hasPendingCases: pendingCases.length > 0,
    pendingCaseGroups: caseGroups(pendingCases, oneLine(self.name)),
    caseRca: caseRcaRecord === undefined
      ? null
      : rcaView(caseRcaRecord, cases, versionOf),
    caseRcaIsInvestigation: caseRcaRecord !== undefined &&
      investigate !== undefined &&
      caseRcaRecord.description.trim() === investigate.rca_message.trim(),
    prior: {
      recall: recall === undefined ? null : recallView(recall),
      triage: triage === undefined ? null : triageView(triage),
      resolve: resolve === undefined ? null : resolveView(resolve, workspace),
      investigate: investigate === undefined
        ? null
        : investigateView(investigate),
      correlate: correlate === undefined ? null : correlateView(correlate),
    },
    investigation: investigationScope(artifacts, triage, workspace),
    loopRetry: input.investigateLoops > 0
      ? {
        loops: input.investigateLoops,
        previous: investigate === undefined
          ? null
          : investigateView(investigate),
      }
      : null,
  };
}
