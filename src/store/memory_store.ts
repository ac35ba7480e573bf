/**
 * The in-memory {@linkcode Store}: every entity of one investigation held in
 * maps owned by a single instance. Calibration makes a fresh one per run.
 *
 * @module
 */
import {
  type ArtifactRecord,
  type Case,
  type CaseStateRecord,
  type CaseStatus,
  type DispatchRecord,
  type InvestigationSuite,
  type Job,
  type Launch,
  type NewArtifactRecord,
  type NewCase,
  type NewDispatchRecord,
  type NewJob,
  type NewLaunch,
  type NewPendingReference,
  type NewPipeline,
  type NewSuite,
  type NewSymptom,
  type NewSymptomRcaLink,
  type NewTriage,
  type PendingReference,
  type Pipeline,
  type Rca,
  type RcaInput,
  type RcaStatus,
  type Store,
  StoreError,
  type Symptom,
  type SymptomRcaLink,
  type Triage,
  type Version,
} from "./store.ts";
import {
  groupKeys,
  type RowKey,
  type StoreChanges,
  type StoreRows,
  StoreTables,
  type TableIndex,
  type TableName,
} from "./store_tables.ts";
import { formatTimestamp } from "../util/clock.ts";
import { indexById } from "../util/index_by_id.ts";
import { settle } from "../util/settle.ts";

/** Options for {@linkcode MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The clock that stamps `createdAt`, `lastSeenAt`, `resolvedAt` and the
   * other timestamps, and that {@linkcode MemoryStore.markDormantSymptoms}
   * measures age against. Timestamps keep whole seconds only.
   *
   * @default {() => new Date()}
   */
  now?: () => Date;
  /** Content to start from (a persistent store's rows). */
  initial?: StoreRows;
  /**
   * Told about every committed unit of work with the rows it changed (and
   * about every write made outside a unit); a persistent store writes them
   * out. When it throws, the write that committed rejects with its error.
   *
   * @default {() => {}}
   */
  onCommit?: (changes: StoreChanges) => void;
  /**
   * Append-only tables whose rows are handed to `onCommit` and not kept: a
   * persistent store lists them from its file (`initial` rows of them are
   * left out). The memory store's own lists of them are then empty.
   *
   * @default {[]}
   */
  unkept?: readonly ("artifacts" | "dispatches")[];
}

const MS_PER_DAY = 86_400_000;

/** Most rows a snapshot is patched with (see `MemoryStore.#patched`). */
const MAX_PATCHED_ROWS = 1024;

function sortedById<T extends { readonly id: number }>(
  records: Iterable<T>,
  copy: (record: T) => T,
): T[] {
  return Array.from(records, copy).sort((a, b) => a.id - b.id);
}

function copyRecord<T extends object>(record: T): T {
  return { ...record };
}

/** Freezes an RCA and its lists (it is stored and handed out as it is). */
function freezeRca(rca: Rca): Rca {
  Object.freeze(rca.affectedVersions);
  Object.freeze(rca.evidenceRefs);
  return Object.freeze(rca);
}

function copyTriage(triage: Triage): Triage {
  return { ...triage, candidateRepos: [...triage.candidateRepos] };
}

function copyRca(rca: Rca): Rca {
  return {
    ...rca,
    affectedVersions: [...rca.affectedVersions],
    evidenceRefs: [...rca.evidenceRefs],
  };
}

/**
 * A {@linkcode Store} held in memory. Every `get*` and `list*` returns copies
 * (lists sorted by id), so changing a returned object never changes the store;
 * two instances share nothing.
 *
 * @example Usage
 * ```ts
 * import { MemoryStore } from "./memory_store.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryStore({
 *   now: () => new Date("2026-02-17T10:00:00Z"),
 * });
 * const suite = await store.createSuite({ name: "ptp-mock" });
 * assert.equal(suite.id, 1);
 * assert.equal(suite.status, "open");
 * assert.equal(suite.createdAt, "2026-02-17T10:00:00Z");
 * ```
 */
export class MemoryStore implements Store {
  readonly #now: () => Date;
  readonly #tables: StoreTables;
  readonly #suites: ReadonlyMap<RowKey, InvestigationSuite>;
  readonly #versions: ReadonlyMap<RowKey, Version>;
  readonly #cases: ReadonlyMap<RowKey, Case>;
  /** Triage rows keyed by case id (one per case). */
  readonly #triages: ReadonlyMap<RowKey, Triage>;
  readonly #symptoms: ReadonlyMap<RowKey, Symptom>;
  readonly #rcas: ReadonlyMap<RowKey, Rca>;
  readonly #links: ReadonlyMap<RowKey, SymptomRcaLink>;
  readonly #pendingReferences: ReadonlyMap<RowKey, PendingReference>;
  readonly #caseStates: ReadonlyMap<RowKey, unknown>;
  readonly #artifacts: ReadonlyMap<RowKey, ArtifactRecord>;
  readonly #dispatches: ReadonlyMap<RowKey, DispatchRecord>;
  readonly #settings: ReadonlyMap<RowKey, unknown>;
  readonly #casesByRca: TableIndex;
  readonly #symptomsByFingerprint: TableIndex;
  readonly #symptomsByName: TableIndex;
  readonly #rcasByOrigin: TableIndex;
  readonly #linksBySymptom: TableIndex;
  readonly #linksByRca: TableIndex;
  readonly #pendingByTarget: TableIndex;
  readonly #pendingByCase: TableIndex;
  /**
   * Per snapshotted table, the ids written through the `#put…` helpers since
   * its last snapshot (whose revision is `base`): when they are all the
   * changes since, the next snapshot patches the last one.
   */
  readonly #puts = new Map<TableName, { base: number; ids: number[] }>();
  /** The last snapshot of each table taken, with the revision it shows. */
  readonly #snapshots = new Map<
    TableName,
    { readonly revision: number; readonly rows: readonly unknown[] }
  >();

  /**
   * Creates an empty store.
   *
   * @param options Options, such as the clock.
   */
  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    const tables = new StoreTables(
      options.onCommit ?? (() => {}),
      options.initial,
      new Set(options.unkept),
    );
    this.#tables = tables;
    this.#suites = tables.map("suites");
    this.#versions = tables.map("versions");
    this.#cases = tables.map("cases");
    this.#triages = tables.map("triages");
    this.#symptoms = tables.map("symptoms");
    this.#rcas = tables.map("rcas");
    this.#links = tables.map("links");
    this.#pendingReferences = tables.map("pendingReferences");
    this.#caseStates = tables.map("caseStates");
    this.#artifacts = tables.map("artifacts");
    this.#dispatches = tables.map("dispatches");
    this.#settings = tables.map("settings");
    this.#casesByRca = tables.index<Case>("cases", (c) => c.rcaId);
    this.#symptomsByFingerprint = tables.index<Symptom>(
      "symptoms",
      (s) => s.fingerprint,
    );
    this.#symptomsByName = tables.index<Symptom>("symptoms", (s) => s.name);
    this.#rcasByOrigin = tables.index<Rca>("rcas", (r) => r.originCaseId);
    this.#linksBySymptom = tables.index<SymptomRcaLink>(
      "links",
      (l) => l.symptomId,
    );
    this.#linksByRca = tables.index<SymptomRcaLink>("links", (l) => l.rcaId);
    this.#pendingByTarget = tables.index<PendingReference>(
      "pendingReferences",
      (p) => p.targetCaseId,
    );
    this.#pendingByCase = tables.index<PendingReference>(
      "pendingReferences",
      (p) => p.caseId,
    );
  }

  /** The rows of `map` whose keys `index` holds under `group`. */
  #rowsOf<T>(
    index: TableIndex,
    group: unknown,
    map: ReadonlyMap<RowKey, T>,
  ): T[] {
    return groupKeys(index, group).map((key) => map.get(key)!);
  }

  #timestamp(): string {
    return formatTimestamp(this.#now());
  }

  #nextId(entity: string): number {
    return this.#tables.nextId(entity);
  }

  #requireCase(id: number, action: string): Case {
    const found = this.#cases.get(id);
    if (found === undefined) {
      throw new StoreError(`Cannot ${action}: no case has id ${id}`);
    }
    return found;
  }

  #requireSymptom(id: number, action: string): Symptom {
    const found = this.#symptoms.get(id);
    if (found === undefined) {
      throw new StoreError(`Cannot ${action}: no symptom has id ${id}`);
    }
    return found;
  }

  #requireRca(id: number, action: string): Rca {
    const found = this.#rcas.get(id);
    if (found === undefined) {
      throw new StoreError(`Cannot ${action}: no RCA has id ${id}`);
    }
    return found;
  }

  #putCase(record: Case): Case {
    return copyRecord(this.#putFrozen("cases", Object.freeze(record)));
  }

  #putSymptom(record: Symptom): Symptom {
    return copyRecord(this.#putFrozen("symptoms", Object.freeze(record)));
  }

  #putRca(record: Rca): Rca {
    return copyRca(this.#putFrozen("rcas", freezeRca(record)));
  }

  /**
   * Stores a frozen row of a table that has snapshots (they hand rows out
   * without copying) and notes it for the next snapshot's patch.
   */
  #putFrozen<T extends { readonly id: number }>(table: TableName, row: T): T {
    this.#tables.put(table, row.id, row);
    this.#logPut(table, row.id);
    return row;
  }

  /** Creates a suite; its status is `open` unless given. */
  createSuite(input: NewSuite): Promise<InvestigationSuite> {
    return settle(() => {
      const suite: InvestigationSuite = {
        id: this.#nextId("suite"),
        name: input.name,
        description: input.description ?? "",
        status: input.status || "open",
        createdAt: this.#timestamp(),
        closedAt: "",
      };
      this.#tables.put("suites", suite.id, suite);
      return copyRecord(suite);
    });
  }

  /** Returns a copy of the suite, or `undefined` when absent. */
  getSuite(id: number): Promise<InvestigationSuite | undefined> {
    return settle(() => {
      const found = this.#suites.get(id);
      return found === undefined ? undefined : copyRecord(found);
    });
  }

  /**
   * Creates a version.
   *
   * @throws {StoreError} When a version with `label` exists.
   */
  createVersion(label: string, ocpBuild = ""): Promise<Version> {
    return settle(() => {
      for (const version of this.#versions.values()) {
        if (version.label === label) {
          throw new StoreError(
            `Cannot create version '${label}': version ${version.id} has that label already; expected a new label`,
          );
        }
      }
      const version: Version = { id: this.#nextId("version"), label, ocpBuild };
      this.#tables.put("versions", version.id, version);
      return copyRecord(version);
    });
  }

  /** Returns copies of every version, sorted by id. */
  listVersions(): Promise<Version[]> {
    return settle(() => sortedById(this.#versions.values(), copyRecord));
  }

  /** Creates a pipeline. */
  createPipeline(input: NewPipeline): Promise<Pipeline> {
    return settle(() => {
      const pipeline: Pipeline = {
        id: this.#nextId("pipeline"),
        suiteId: input.suiteId,
        versionId: input.versionId,
        name: input.name,
        status: input.status,
      };
      this.#tables.put("pipelines", pipeline.id, pipeline);
      return copyRecord(pipeline);
    });
  }

  /** Creates a launch. */
  createLaunch(input: NewLaunch): Promise<Launch> {
    return settle(() => {
      const launch: Launch = {
        id: this.#nextId("launch"),
        pipelineId: input.pipelineId,
        name: input.name,
        status: input.status,
      };
      this.#tables.put("launches", launch.id, launch);
      return copyRecord(launch);
    });
  }

  /** Creates a job. */
  createJob(input: NewJob): Promise<Job> {
    return settle(() => {
      const job: Job = {
        id: this.#nextId("job"),
        launchId: input.launchId,
        name: input.name,
        status: input.status,
      };
      this.#tables.put("jobs", job.id, job);
      return copyRecord(job);
    });
  }

  /**
   * Creates a case: status `open` unless given, no symptom or RCA, created and
   * updated now.
   */
  createCase(input: NewCase): Promise<Case> {
    return settle(() => {
      const now = this.#timestamp();
      return this.#putCase({
        id: this.#nextId("case"),
        jobId: input.jobId,
        launchId: input.launchId,
        name: input.name,
        status: input.status || "open",
        symptomId: 0,
        rcaId: 0,
        errorMessage: input.errorMessage ?? "",
        logSnippet: input.logSnippet ?? "",
        logTruncated: input.logTruncated ?? false,
        createdAt: now,
        updatedAt: now,
      });
    });
  }

  /** Returns a copy of the case, or `undefined` when absent. */
  getCase(id: number): Promise<Case | undefined> {
    return settle(() => {
      const found = this.#cases.get(id);
      return found === undefined ? undefined : copyRecord(found);
    });
  }

  /** Returns copies of every case, sorted by id. */
  listCases(): Promise<Case[]> {
    return settle(() => sortedById(this.#cases.values(), copyRecord));
  }

  /**
   * Returns a frozen point-in-time copy of every case, sorted by id: later
   * writes to the store do not show in it.
   */
  snapshotCases(): Promise<readonly Readonly<Case>[]> {
    return settle(() => this.#snapshot<Case>("cases", Object.freeze));
  }

  listCasesByRca(rcaId: number): Promise<Case[]> {
    return settle(() =>
      sortedById(this.#rowsOf(this.#casesByRca, rcaId, this.#cases), copyRecord)
    );
  }

  /**
   * Sets the case's status and refreshes `updatedAt`.
   *
   * @throws {StoreError} When no case has `id`.
   */
  updateCaseStatus(id: number, status: CaseStatus): Promise<Case> {
    return settle(() => {
      const found = this.#requireCase(
        id,
        `set the status of case ${id} to '${status}'`,
      );
      return this.#putCase({
        ...found,
        status,
        updatedAt: this.#timestamp(),
      });
    });
  }

  /**
   * Links the case to a symptom and refreshes `updatedAt`.
   *
   * @throws {StoreError} When no case has `caseId` or no symptom has
   * `symptomId`.
   */
  linkCaseToSymptom(caseId: number, symptomId: number): Promise<Case> {
    return settle(() => {
      const action = `link case ${caseId} to symptom ${symptomId}`;
      const found = this.#requireCase(caseId, action);
      this.#requireSymptom(symptomId, action);
      return this.#putCase({
        ...found,
        symptomId,
        updatedAt: this.#timestamp(),
      });
    });
  }

  /**
   * Sets the case's RCA (`rcaId` 0 clears it) and refreshes `updatedAt`.
   *
   * @throws {StoreError} When no case has `caseId`, or `rcaId` is not 0 and no
   * RCA has it.
   */
  linkCaseToRca(caseId: number, rcaId: number): Promise<Case> {
    return settle(() => {
      const action = `link case ${caseId} to RCA ${rcaId}`;
      const found = this.#requireCase(caseId, action);
      if (rcaId !== 0) this.#requireRca(rcaId, action);
      return this.#putCase({
        ...found,
        rcaId,
        updatedAt: this.#timestamp(),
      });
    });
  }

  /**
   * Saves the case's triage row, created now. A case has one row: saving again
   * keeps the row's id and replaces everything else.
   *
   * @throws {StoreError} When no case has `input.caseId`.
   */
  saveTriage(input: NewTriage): Promise<Triage> {
    return settle(() => {
      this.#requireCase(
        input.caseId,
        `save the triage of case ${input.caseId}`,
      );
      const existing = this.#triages.get(input.caseId);
      const triage: Triage = {
        id: existing?.id ?? this.#nextId("triage"),
        caseId: input.caseId,
        symptomCategory: input.symptomCategory,
        severity: input.severity,
        defectTypeHypothesis: input.defectTypeHypothesis,
        skipInvestigation: input.skipInvestigation,
        clockSkewSuspected: input.clockSkewSuspected,
        cascadeSuspected: input.cascadeSuspected,
        candidateRepos: [...input.candidateRepos],
        dataQualityNotes: input.dataQualityNotes,
        createdAt: this.#timestamp(),
      };
      this.#tables.put("triages", triage.caseId, triage);
      return copyTriage(triage);
    });
  }

  /** Returns a copy of the case's triage row, or `undefined` when absent. */
  getTriage(caseId: number): Promise<Triage | undefined> {
    return settle(() => {
      const found = this.#triages.get(caseId);
      return found === undefined ? undefined : copyTriage(found);
    });
  }

  /**
   * Creates a symptom, first and last seen now: status `active` unless given,
   * occurrence count 1 unless given (0 counts as absent), text fields empty
   * unless given.
   *
   * @throws {StoreError} When a symptom with `input.fingerprint` exists.
   */
  createSymptom(input: NewSymptom): Promise<Symptom> {
    return settle(() => {
      const clash = this.#findByFingerprint(input.fingerprint);
      if (clash !== undefined) {
        throw new StoreError(
          `Cannot create symptom with fingerprint '${input.fingerprint}': symptom ${clash.id} has that fingerprint already; expected a new fingerprint`,
        );
      }
      const now = this.#timestamp();
      return this.#putSymptom({
        id: this.#nextId("symptom"),
        fingerprint: input.fingerprint,
        name: input.name,
        description: input.description ?? "",
        errorPattern: input.errorPattern ?? "",
        testNamePattern: input.testNamePattern ?? "",
        component: input.component ?? "",
        severity: input.severity ?? "",
        firstSeenAt: now,
        lastSeenAt: now,
        occurrenceCount: input.occurrenceCount || 1,
        status: input.status || "active",
      });
    });
  }

  #findByFingerprint(fingerprint: string): Symptom | undefined {
    const found = this.#rowsOf(
      this.#symptomsByFingerprint,
      fingerprint,
      this.#symptoms,
    );
    return found.length === 0
      ? undefined
      : found.reduce((a, b) => (b.id < a.id ? b : a));
  }

  /** Returns a copy of the symptom, or `undefined` when absent. */
  getSymptom(id: number): Promise<Symptom | undefined> {
    return settle(() => {
      const found = this.#symptoms.get(id);
      return found === undefined ? undefined : copyRecord(found);
    });
  }

  /** Returns a copy of the symptom with `fingerprint`, or `undefined`. */
  getSymptomByFingerprint(fingerprint: string): Promise<Symptom | undefined> {
    return settle(() => {
      const found = this.#findByFingerprint(fingerprint);
      return found === undefined ? undefined : copyRecord(found);
    });
  }

  /** Returns copies of every symptom, sorted by id. */
  listSymptoms(): Promise<Symptom[]> {
    return settle(() => sortedById(this.#symptoms.values(), copyRecord));
  }

  /**
   * Returns a frozen point-in-time copy of every symptom, sorted by id: later
   * writes to the store do not show in it.
   */
  snapshotSymptoms(): Promise<readonly Readonly<Symptom>[]> {
    return settle(() => this.#snapshot<Symptom>("symptoms", Object.freeze));
  }

  /**
   * The rows of `table` as a frozen array sorted by id, each row frozen by
   * `freeze`: rebuilt only when the table changed since the last snapshot
   * (see {@linkcode StoreTables.revision}), so a prompt per step does not
   * copy every RCA and symptom of the run. Rows are frozen where they are
   * stored, not copied: every write stores a new object, so a snapshot never
   * shows a later write.
   */
  #snapshot<T extends { readonly id: number }>(
    table: TableName,
    freeze: (row: T) => T,
  ): readonly Readonly<T>[] {
    const revision = this.#tables.revision(table);
    const cached = this.#snapshots.get(table);
    if (cached?.revision === revision) return cached.rows as readonly T[];
    const patched = cached && this.#patched<T>(table, cached, revision);
    this.#puts.delete(table);
    if (patched !== undefined) {
      this.#snapshots.set(table, { revision, rows: patched });
      return patched;
    }
    const rows: T[] = [];
    let sorted = true;
    for (const row of this.#tables.map<T>(table).values()) {
      if (rows.length > 0 && row.id < rows[rows.length - 1].id) sorted = false;
      // Rows written here are frozen already; rows loaded from a file not.
      rows.push(Object.isFrozen(row) ? row : freeze(row));
    }
    if (!sorted) rows.sort((a, b) => a.id - b.id);
    Object.freeze(rows);
    this.#snapshots.set(table, { revision, rows });
    return rows;
  }

  /** Notes a row written through a `#put…` helper (see {@linkcode #puts}). */
  #logPut(table: TableName, id: number): void {
    const cached = this.#snapshots.get(table);
    if (cached === undefined) return; // nobody reads snapshots of it
    let log = this.#puts.get(table);
    if (log === undefined || log.base !== cached.revision) {
      log = { base: cached.revision, ids: [] };
      this.#puts.set(table, log);
    }
    // Past this many, a rebuild is as cheap; the log stops matching.
    if (log.ids.length <= MAX_PATCHED_ROWS) log.ids.push(id);
  }

  /**
   * The last snapshot of `table` with the rows written since put in place,
   * when those writes (logged by {@linkcode #logPut}, one revision each)
   * are every change since and add rows only after the last id; otherwise
   * `undefined`, and the caller rebuilds.
   */
  #patched<T extends { readonly id: number }>(
    table: TableName,
    cached: { readonly revision: number; readonly rows: readonly unknown[] },
    revision: number,
  ): readonly T[] | undefined {
    const log = this.#puts.get(table);
    if (
      log === undefined || log.base !== cached.revision ||
      revision - log.base !== log.ids.length
    ) return undefined;
    const map = this.#tables.map<T>(table);
    const rows = (cached.rows as readonly T[]).slice();
    for (const id of [...new Set(log.ids)].sort((a, b) => a - b)) {
      const row = map.get(id);
      if (row === undefined || !Object.isFrozen(row)) return undefined;
      const at = indexById(rows, id);
      if (at >= 0) rows[at] = row;
      else if (rows.length === 0 || id > rows[rows.length - 1].id) {
        rows.push(row);
      } else return undefined;
    }
    return Object.freeze(rows);
  }

  /** Returns copies of the symptoms named exactly `name`; empty name → none. */
  findSymptomCandidates(name: string): Promise<Symptom[]> {
    return settle(() => {
      if (name === "") return [];
      return sortedById(
        this.#rowsOf(this.#symptomsByName, name, this.#symptoms),
        copyRecord,
      );
    });
  }

  /**
   * Records that the symptom was seen again: occurrence count + 1, last seen
   * now, and a dormant symptom becomes active.
   *
   * @throws {StoreError} When no symptom has `id`.
   */
  updateSymptomSeen(id: number): Promise<Symptom> {
    return settle(() => {
      const found = this.#requireSymptom(id, `mark symptom ${id} seen`);
      return this.#putSymptom({
        ...found,
        occurrenceCount: found.occurrenceCount + 1,
        lastSeenAt: this.#timestamp(),
        status: found.status === "dormant" ? "active" : found.status,
      });
    });
  }

  /**
   * Sets the given fields (component, description, severity) of the symptom;
   * fields left out or `undefined` keep their value.
   *
   * @throws {StoreError} When no symptom has `id`.
   */
  updateSymptom(
    id: number,
    patch: Partial<Pick<Symptom, "component" | "description" | "severity">>,
  ): Promise<Symptom> {
    return settle(() => {
      const found = this.#requireSymptom(id, `update symptom ${id}`);
      return this.#putSymptom({
        ...found,
        component: patch.component ?? found.component,
        description: patch.description ?? found.description,
        severity: patch.severity ?? found.severity,
      });
    });
  }

  /**
   * Marks dormant every active symptom last seen before now − `days` days.
   *
   * @param days Age in days, a finite number ≥ 0.
   * @returns How many symptoms became dormant.
   * @throws {RangeError} When `days` is negative or not finite.
   */
  markDormantSymptoms(days: number): Promise<number> {
    return settle(() => {
      if (!Number.isFinite(days) || days < 0) {
        throw new RangeError(
          `Cannot mark dormant symptoms after ${days} days: expected a finite number of days ≥ 0`,
        );
      }
      // Measure from the whole-second "now" the timestamps are stored with.
      const cutoff = Date.parse(this.#timestamp()) - days * MS_PER_DAY;
      let count = 0;
      for (const symptom of this.#symptoms.values()) {
        if (
          symptom.status === "active" &&
          Date.parse(symptom.lastSeenAt) < cutoff
        ) {
          this.#tables.put(
            "symptoms",
            symptom.id,
            Object.freeze({ ...symptom, status: "dormant" }),
          );
          count++;
        }
      }
      return count;
    });
  }

  /**
   * Saves an RCA. When `input.id` names an existing RCA the whole record is
   * replaced (its `createdAt` is kept); otherwise a new id is allocated and
   * `input.id` is ignored. Status is `open` unless given; other fields left out
   * are empty, 0 or `[]`.
   */
  saveRca(input: RcaInput): Promise<Rca> {
    return settle(() => {
      const existing = input.id === undefined
        ? undefined
        : this.#rcas.get(input.id);
      return this.#putRca({
        id: existing?.id ?? this.#nextId("rca"),
        title: input.title,
        description: input.description,
        defectType: input.defectType,
        category: input.category ?? "",
        component: input.component ?? "",
        affectedVersions: [...(input.affectedVersions ?? [])],
        evidenceRefs: [...(input.evidenceRefs ?? [])],
        convergenceScore: input.convergenceScore ?? 0,
        jiraTicketId: input.jiraTicketId ?? "",
        status: input.status || "open",
        originCaseId: input.originCaseId ?? 0,
        createdAt: existing?.createdAt ?? this.#timestamp(),
        resolvedAt: input.resolvedAt ?? "",
        verifiedAt: input.verifiedAt ?? "",
        archivedAt: input.archivedAt ?? "",
      });
    });
  }

  /** Returns a copy of the RCA, or `undefined` when absent. */
  getRca(id: number): Promise<Rca | undefined> {
    return settle(() => {
      const found = this.#rcas.get(id);
      return found === undefined ? undefined : copyRca(found);
    });
  }

  /** Returns copies of every RCA, sorted by id. */
  listRcas(): Promise<Rca[]> {
    return settle(() => sortedById(this.#rcas.values(), copyRca));
  }

  /**
   * Returns a frozen point-in-time copy of every RCA, sorted by id: later
   * writes to the store do not show in it.
   */
  snapshotRcas(): Promise<readonly Readonly<Rca>[]> {
    return settle(() => this.#snapshot<Rca>("rcas", freezeRca));
  }

  /** Returns copies of the RCAs with `status`, sorted by id. */
  listRcasByOrigin(caseId: number): Promise<Rca[]> {
    return settle(() =>
      sortedById(this.#rowsOf(this.#rcasByOrigin, caseId, this.#rcas), copyRca)
    );
  }

  listRcasByStatus(status: RcaStatus): Promise<Rca[]> {
    return settle(() =>
      sortedById(
        [...this.#rcas.values()].filter((rca) => rca.status === status),
        copyRca,
      )
    );
  }

  /**
   * Sets the RCA's status: `resolved`, `verified` and `archived` stamp
   * `resolvedAt`, `verifiedAt` and `archivedAt` with now; `open` clears
   * `resolvedAt` and `verifiedAt`.
   *
   * @throws {StoreError} When no RCA has `id`.
   */
  updateRcaStatus(id: number, status: RcaStatus): Promise<Rca> {
    return settle(() => {
      const found = this.#requireRca(
        id,
        `set the status of RCA ${id} to '${status}'`,
      );
      const now = this.#timestamp();
      let stamps: Partial<Rca>;
      switch (status) {
        case "resolved":
          stamps = { resolvedAt: now };
          break;
        case "verified":
          stamps = { verifiedAt: now };
          break;
        case "archived":
          stamps = { archivedAt: now };
          break;
        case "open":
          stamps = { resolvedAt: "", verifiedAt: "" };
          break;
        default:
          stamps = {};
      }
      return this.#putRca({ ...found, ...stamps, status });
    });
  }

  /**
   * Links a symptom to an RCA, linked now.
   *
   * @throws {StoreError} When either id is unknown or the pair is linked
   * already.
   */
  linkSymptomToRca(input: NewSymptomRcaLink): Promise<SymptomRcaLink> {
    return settle(() => {
      const action = `link symptom ${input.symptomId} to RCA ${input.rcaId}`;
      this.#requireSymptom(input.symptomId, action);
      this.#requireRca(input.rcaId, action);
      for (
        const link of this.#rowsOf(
          this.#linksBySymptom,
          input.symptomId,
          this.#links,
        )
      ) {
        if (link.rcaId === input.rcaId) {
          throw new StoreError(
            `Cannot ${action}: link ${link.id} joins them already; expected an unlinked pair`,
          );
        }
      }
      const link: SymptomRcaLink = {
        id: this.#nextId("link"),
        symptomId: input.symptomId,
        rcaId: input.rcaId,
        confidence: input.confidence,
        notes: input.notes,
        linkedAt: this.#timestamp(),
      };
      this.#tables.put("links", link.id, link);
      return copyRecord(link);
    });
  }

  /** Returns copies of the symptom's RCA links, sorted by id. */
  getRcasForSymptom(symptomId: number): Promise<SymptomRcaLink[]> {
    return settle(() =>
      sortedById(
        this.#rowsOf(this.#linksBySymptom, symptomId, this.#links),
        copyRecord,
      )
    );
  }

  /** Returns copies of the RCA's symptom links, sorted by id. */
  getSymptomsForRca(rcaId: number): Promise<SymptomRcaLink[]> {
    return settle(() =>
      sortedById(
        this.#rowsOf(this.#linksByRca, rcaId, this.#links),
        copyRecord,
      )
    );
  }

  /**
   * Adds a pending reference, created now.
   *
   * @throws {StoreError} When no case has `input.caseId` or
   * `input.targetCaseId`.
   */
  addPendingReference(input: NewPendingReference): Promise<PendingReference> {
    return settle(() => {
      const action =
        `add a pending reference from case ${input.caseId} to case ${input.targetCaseId}`;
      this.#requireCase(input.caseId, action);
      this.#requireCase(input.targetCaseId, action);
      const reference: PendingReference = {
        id: this.#nextId("pendingReference"),
        caseId: input.caseId,
        targetCaseId: input.targetCaseId,
        kind: input.kind,
        confidence: input.confidence,
        createdAt: this.#timestamp(),
      };
      this.#tables.put("pendingReferences", reference.id, reference);
      return copyRecord(reference);
    });
  }

  /** Returns copies of every pending reference, sorted by id. */
  listPendingReferences(): Promise<PendingReference[]> {
    return settle(() =>
      sortedById(this.#pendingReferences.values(), copyRecord)
    );
  }

  /**
   * Removes a pending reference.
   *
   * @throws {StoreError} When no pending reference has `id`.
   */
  listPendingReferencesTo(targetCaseId: number): Promise<PendingReference[]> {
    return settle(() =>
      sortedById(
        this.#rowsOf(
          this.#pendingByTarget,
          targetCaseId,
          this.#pendingReferences,
        ),
        copyRecord,
      )
    );
  }

  listPendingReferencesFrom(caseId: number): Promise<PendingReference[]> {
    return settle(() =>
      sortedById(
        this.#rowsOf(this.#pendingByCase, caseId, this.#pendingReferences),
        copyRecord,
      )
    );
  }

  removePendingReference(id: number): Promise<void> {
    return settle(() => {
      if (!this.#tables.delete("pendingReferences", id)) {
        throw new StoreError(
          `Cannot remove pending reference ${id}: no pending reference has id ${id}`,
        );
      }
    });
  }

  /** Runs `fn` as one unit of work (see {@linkcode Store.transaction}). */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#tables.unit(fn);
  }

  /** Nothing to do: a memory store holds nothing durable. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Creates or replaces the state of a case. */
  saveCaseState(caseId: number, state: unknown): Promise<void> {
    return settle(() => this.#tables.put("caseStates", caseId, state));
  }

  /** Every saved case state, sorted by case id. */
  listCaseStates(): Promise<CaseStateRecord[]> {
    return settle(() =>
      [...this.#caseStates].map(([caseId, state]) => ({
        caseId: caseId as number,
        state,
      })).sort((a, b) => a.caseId - b.caseId)
    );
  }

  /** Records an accepted artifact, accepted now. */
  addArtifact(input: NewArtifactRecord): Promise<ArtifactRecord> {
    return settle(() => {
      const record: ArtifactRecord = {
        id: this.#nextId("artifact"),
        caseId: input.caseId,
        step: input.step,
        attempt: input.attempt,
        raw: input.raw,
        normalised: input.normalised,
        acceptedAt: this.#timestamp(),
      };
      this.#tables.put("artifacts", record.id, record);
      return record;
    });
  }

  /**
   * Every accepted artifact, sorted by id; when the table is unkept, those of
   * the open unit only.
   */
  listArtifacts(): Promise<ArtifactRecord[]> {
    return settle(() =>
      sortedById(this.#withUnitRows("artifacts", this.#artifacts), copyRecord)
    );
  }

  /** The rows of `map` and those the open unit wrote to unkept `table`. */
  #withUnitRows<T>(table: TableName, map: ReadonlyMap<RowKey, T>): T[] {
    return [...map.values(), ...this.#tables.unitRows(table) as T[]];
  }

  /** Appends to the dispatch log. */
  logDispatch(input: NewDispatchRecord): Promise<DispatchRecord> {
    return settle(() => {
      const record: DispatchRecord = {
        id: this.#nextId("dispatch"),
        caseId: input.caseId,
        step: input.step,
        attempt: input.attempt,
        transport: input.transport,
        offeredAt: input.offeredAt,
        settledAt: input.settledAt,
        outcome: input.outcome,
        detail: input.detail,
        repairs: input.repairs,
        flags: input.flags,
      };
      this.#tables.put("dispatches", record.id, record);
      return copyRecord(record);
    });
  }

  /**
   * The dispatch log, sorted by id; when the table is unkept, the open unit's
   * entries only.
   */
  listDispatches(): Promise<DispatchRecord[]> {
    return settle(() =>
      sortedById(
        this.#withUnitRows("dispatches", this.#dispatches),
        copyRecord,
      )
    );
  }

  /** A run setting, or `undefined` when unset. */
  getSetting(key: string): Promise<unknown> {
    return settle(() => this.#settings.get(key));
  }

  /** Sets a run setting. */
  setSetting(key: string, value: unknown): Promise<void> {
    return settle(() => this.#tables.put("settings", key, value));
  }
}
