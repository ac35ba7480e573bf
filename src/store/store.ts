/**
 * The store: entities of an investigation (reference §3) behind an
 * asynchronous interface, so a persistent store can replace the in-memory one.
 *
 * Conventions every implementation follows:
 * - ids are per-entity counters starting at 1;
 * - `get*` returns a copy, or `undefined` when absent (not an error);
 * - `list*` returns copies sorted by id;
 * - writes to unknown ids throw {@linkcode StoreError}.
 *
 * @module
 */

/** Lifecycle of a case. */
export type CaseStatus =
  | "open"
  | "triaged"
  | "investigated"
  | "reviewed"
  | "closed";

/** Lifecycle of a symptom. */
export type SymptomStatus = "active" | "dormant" | "resolved";

/** Lifecycle of an RCA. `archived` marks an RCA superseded by a duplicate link. */
export type RcaStatus = "open" | "resolved" | "verified" | "archived";

/** An investigation suite; calibration creates one per run. */
export interface InvestigationSuite {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly status: string;
  readonly createdAt: string;
  readonly closedAt: string;
}

/** A product version label such as `4.21`. */
export interface Version {
  readonly id: number;
  readonly label: string;
  readonly ocpBuild: string;
}

/** A CI pipeline of one version. */
export interface Pipeline {
  readonly id: number;
  readonly suiteId: number;
  readonly versionId: number;
  readonly name: string;
  readonly status: string;
}

/** A launch of a pipeline. */
export interface Launch {
  readonly id: number;
  readonly pipelineId: number;
  readonly name: string;
  readonly status: string;
}

/** A CI job inside a launch. */
export interface Job {
  readonly id: number;
  readonly launchId: number;
  readonly name: string;
  readonly status: string;
}

/** A failed test case under investigation. */
export interface Case {
  readonly id: number;
  readonly jobId: number;
  readonly launchId: number;
  readonly name: string;
  readonly status: CaseStatus;
  /** Linked symptom id, 0 when none. */
  readonly symptomId: number;
  /** Linked RCA id, 0 when none. */
  readonly rcaId: number;
  readonly errorMessage: string;
  readonly logSnippet: string;
  readonly logTruncated: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The triage classification of a case (one per case). */
export interface Triage {
  readonly id: number;
  readonly caseId: number;
  readonly symptomCategory: string;
  readonly severity: string;
  readonly defectTypeHypothesis: string;
  readonly skipInvestigation: boolean;
  readonly clockSkewSuspected: boolean;
  readonly cascadeSuspected: boolean;
  readonly candidateRepos: readonly string[];
  readonly dataQualityNotes: string;
  readonly createdAt: string;
}

/** A failure signature seen in one or more cases. */
export interface Symptom {
  readonly id: number;
  /** Unique fingerprint (see `fingerprint.ts`). */
  readonly fingerprint: string;
  readonly name: string;
  readonly description: string;
  readonly errorPattern: string;
  readonly testNamePattern: string;
  readonly component: string;
  readonly severity: string;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly occurrenceCount: number;
  readonly status: SymptomStatus;
}

/** A root-cause analysis. */
export interface Rca {
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly defectType: string;
  readonly category: string;
  readonly component: string;
  readonly affectedVersions: readonly string[];
  readonly evidenceRefs: readonly string[];
  readonly convergenceScore: number;
  readonly jiraTicketId: string;
  readonly status: RcaStatus;
  /** Store id of the case whose investigation created it, 0 when none. */
  readonly originCaseId: number;
  readonly createdAt: string;
  readonly resolvedAt: string;
  readonly verifiedAt: string;
  readonly archivedAt: string;
}

/** A link between a symptom and an RCA. */
export interface SymptomRcaLink {
  readonly id: number;
  readonly symptomId: number;
  readonly rcaId: number;
  readonly confidence: number;
  readonly notes: string;
  readonly linkedAt: string;
}

/**
 * A deferred reference: case `caseId` shares the root cause of case
 * `targetCaseId`, which had no RCA yet when the reference was made. It is
 * resolved (and removed) once the target case is linked to an RCA.
 */
export interface PendingReference {
  readonly id: number;
  readonly caseId: number;
  readonly targetCaseId: number;
  /** The step that made the reference. */
  readonly kind: "recall" | "correlate";
  readonly confidence: number;
  readonly createdAt: string;
}

/** Fields of a new suite. */
export type NewSuite = Pick<InvestigationSuite, "name"> & {
  readonly description?: string;
  readonly status?: string;
};
/** Fields of a new pipeline. */
export type NewPipeline = Omit<Pipeline, "id">;
/** Fields of a new launch. */
export type NewLaunch = Omit<Launch, "id">;
/** Fields of a new job. */
export type NewJob = Omit<Job, "id">;
/** Fields of a new case. */
export type NewCase =
  & Pick<Case, "jobId" | "launchId" | "name">
  & Partial<
    Pick<Case, "status" | "errorMessage" | "logSnippet" | "logTruncated">
  >;
/** Fields of a triage row. */
export type NewTriage = Omit<Triage, "id" | "createdAt">;
/** Fields of a new symptom. */
export type NewSymptom =
  & Pick<Symptom, "fingerprint" | "name">
  & Partial<
    Omit<
      Symptom,
      "id" | "fingerprint" | "name" | "firstSeenAt" | "lastSeenAt"
    >
  >;
/** Fields of an RCA to save; with an existing `id` the record is replaced. */
export type RcaInput =
  & Pick<Rca, "title" | "description" | "defectType">
  & Partial<Omit<Rca, "title" | "description" | "defectType" | "createdAt">>;
/** Fields of a new symptom–RCA link. */
export type NewSymptomRcaLink = Omit<SymptomRcaLink, "id" | "linkedAt">;
/** Fields of a new pending reference. */
export type NewPendingReference = Omit<PendingReference, "id" | "createdAt">;

/**
 * An accepted step artifact: what the agent wrote and what the pipeline made
 * of it.
 */
export interface ArtifactRecord {
  readonly id: number;
  /** Store case id. */
  readonly caseId: number;
  /** Pipeline step, e.g. `F1_TRIAGE`. */
  readonly step: string;
  /** Execution of the step in the case, from 0 (loops repeat a step). */
  readonly attempt: number;
  /** The answer as the agent wrote it (JSON text of its payload). */
  readonly raw: string;
  /** The validated, normalised artifact. */
  readonly normalised: unknown;
  readonly acceptedAt: string;
}

/** Fields of a new artifact record. */
export type NewArtifactRecord = Omit<ArtifactRecord, "id" | "acceptedAt">;

/**
 * How a dispatch ended: its answer accepted (`answered`), an answer found on
 * disk accepted without asking (`recovered`, `--resume`), its answer refused
 * (`rejected`), or no usable answer (`failed`: timeout, responder error, …).
 */
export type DispatchOutcome = "answered" | "recovered" | "rejected" | "failed";

/** A note on how an answer was received (a repair or a flag). */
export interface AnswerNote {
  /** Which repair or flag, e.g. `enum`, `unknown-id`. */
  readonly kind: string;
  /** What it was about. */
  readonly detail: string;
}

/**
 * One entry of the dispatch log: a step offered to the run's adapter and how
 * it ended. Written in the unit of work that accepts the step's artifact (or
 * fails the case), so the log never holds a step the store does not, nor
 * misses one it does.
 */
export interface DispatchRecord {
  readonly id: number;
  /** Store case id. */
  readonly caseId: number;
  readonly step: string;
  /** Execution of the step in the case, from 0. */
  readonly attempt: number;
  /** Transport that carried it: `in-process`, `stdin`, `file`, `batch-file`, … */
  readonly transport: string;
  /** When the step was offered (ISO timestamp). */
  readonly offeredAt: string;
  /** When its answer came back or it failed (ISO timestamp). */
  readonly settledAt: string;
  readonly outcome: DispatchOutcome;
  /** Why it was rejected or failed, else empty. */
  readonly detail: string;
  /** Repairs applied to the agent's text before validation (accepted answers). */
  readonly repairs: readonly AnswerNote[];
  /** Unknown values kept as the agent's answer (accepted answers). */
  readonly flags: readonly AnswerNote[];
}

/** Fields of a new dispatch-log entry. */
export type NewDispatchRecord = Omit<DispatchRecord, "id">;

/** A case's pipeline state as the runner saved it (JSON). */
export interface CaseStateRecord {
  /** Store case id. */
  readonly caseId: number;
  readonly state: unknown;
}

/** A write was refused: unknown id, duplicate unique key. */
export class StoreError extends Error {
  /** Creates a store error with an optional underlying cause. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreError";
  }
}

/**
 * The store could not persist a committed unit of work (disk full, read-only
 * file system, I/O error, the database removed). What was committed before it
 * is kept; the unit that failed is not durable.
 */
export class StoreIoError extends StoreError {
  /** Creates a store I/O error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreIoError";
  }
}

/**
 * The investigation store, plus the run records (case states, accepted
 * artifacts, the dispatch log, settings) a durable run keeps beside it.
 *
 * Run records are JSON values kept as given: callers never mutate them.
 */
export interface Store {
  /**
   * Runs `fn` as one unit of work: every write it makes commits together
   * when it returns, and none does when it throws (the store is as before).
   * Units do not nest: a unit started inside another joins it. Writes made
   * while a unit is open belong to it, so run one unit at a time.
   *
   * @throws {StoreIoError} when the committed unit cannot be persisted.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Makes every committed unit durable now (a store that groups commits
   * writes its open group).
   *
   * @throws {StoreIoError} when it cannot.
   */
  flush(): Promise<void>;
  /** Flushes and releases the store; it must not be used afterwards. */
  close(): Promise<void>;

  /** Creates or replaces the state of a case. */
  saveCaseState(caseId: number, state: unknown): Promise<void>;
  /** Every saved case state, sorted by case id. */
  listCaseStates(): Promise<CaseStateRecord[]>;
  /** Records an accepted artifact, accepted now. */
  addArtifact(input: NewArtifactRecord): Promise<ArtifactRecord>;
  /** Every accepted artifact, sorted by id (acceptance order). */
  listArtifacts(): Promise<ArtifactRecord[]>;
  /** Appends to the dispatch log. */
  logDispatch(input: NewDispatchRecord): Promise<DispatchRecord>;
  /** The dispatch log, sorted by id. */
  listDispatches(): Promise<DispatchRecord[]>;
  /** A run setting, or `undefined` when unset. */
  getSetting(key: string): Promise<unknown>;
  /** Sets a run setting (a JSON value). */
  setSetting(key: string, value: unknown): Promise<void>;

  createSuite(input: NewSuite): Promise<InvestigationSuite>;
  getSuite(id: number): Promise<InvestigationSuite | undefined>;

  /** @throws {StoreError} when the label exists. */
  createVersion(label: string, ocpBuild?: string): Promise<Version>;
  listVersions(): Promise<Version[]>;
  createPipeline(input: NewPipeline): Promise<Pipeline>;
  createLaunch(input: NewLaunch): Promise<Launch>;
  createJob(input: NewJob): Promise<Job>;

  createCase(input: NewCase): Promise<Case>;
  getCase(id: number): Promise<Case | undefined>;
  listCases(): Promise<Case[]>;
  /**
   * A frozen point-in-time copy of every case, sorted by id (the same array
   * again while no case changes).
   */
  snapshotCases(): Promise<readonly Readonly<Case>[]>;
  /** Cases linked to RCA `rcaId`, ordered by id (an index, not a scan). */
  listCasesByRca(rcaId: number): Promise<Case[]>;
  updateCaseStatus(id: number, status: CaseStatus): Promise<Case>;
  linkCaseToSymptom(caseId: number, symptomId: number): Promise<Case>;
  /** Sets the case's RCA; `rcaId` 0 clears it. */
  linkCaseToRca(caseId: number, rcaId: number): Promise<Case>;

  /** Creates or replaces the case's triage row. */
  saveTriage(input: NewTriage): Promise<Triage>;
  getTriage(caseId: number): Promise<Triage | undefined>;

  /** @throws {StoreError} when the fingerprint exists. */
  createSymptom(input: NewSymptom): Promise<Symptom>;
  getSymptom(id: number): Promise<Symptom | undefined>;
  getSymptomByFingerprint(fingerprint: string): Promise<Symptom | undefined>;
  listSymptoms(): Promise<Symptom[]>;
  /**
   * A frozen point-in-time copy of every symptom, sorted by id (the same
   * array again while no symptom changes).
   */
  snapshotSymptoms(): Promise<readonly Readonly<Symptom>[]>;
  /** Symptoms whose name equals `name` exactly; empty name → none. */
  findSymptomCandidates(name: string): Promise<Symptom[]>;
  /** Symptom seen again: count +1, last seen now, dormant → active. */
  updateSymptomSeen(id: number): Promise<Symptom>;
  /** Symptom patch (component, description, severity). */
  updateSymptom(
    id: number,
    patch: Partial<Pick<Symptom, "component" | "description" | "severity">>,
  ): Promise<Symptom>;
  /** Marks active symptoms not seen for `days` days dormant; returns how many. */
  markDormantSymptoms(days: number): Promise<number>;

  /** Creates an RCA, or replaces the one with `input.id` when it exists. */
  saveRca(input: RcaInput): Promise<Rca>;
  getRca(id: number): Promise<Rca | undefined>;
  listRcas(): Promise<Rca[]>;
  /**
   * A frozen point-in-time copy of every RCA, sorted by id (the same array
   * again while no RCA changes).
   */
  snapshotRcas(): Promise<readonly Readonly<Rca>[]>;
  /** RCAs whose `originCaseId` is `caseId`, ordered by id (an index). */
  listRcasByOrigin(caseId: number): Promise<Rca[]>;
  listRcasByStatus(status: RcaStatus): Promise<Rca[]>;
  updateRcaStatus(id: number, status: RcaStatus): Promise<Rca>;

  /** @throws {StoreError} when the pair is linked already or either id is unknown. */
  linkSymptomToRca(input: NewSymptomRcaLink): Promise<SymptomRcaLink>;
  getRcasForSymptom(symptomId: number): Promise<SymptomRcaLink[]>;
  getSymptomsForRca(rcaId: number): Promise<SymptomRcaLink[]>;

  addPendingReference(input: NewPendingReference): Promise<PendingReference>;
  listPendingReferences(): Promise<PendingReference[]>;
  /** Pending references waiting on case `targetCaseId`, ordered by id. */
  listPendingReferencesTo(targetCaseId: number): Promise<PendingReference[]>;
  /** Pending references case `caseId` made, ordered by id. */
  listPendingReferencesFrom(caseId: number): Promise<PendingReference[]>;
  removePendingReference(id: number): Promise<void>;
}
