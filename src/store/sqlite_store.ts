/**
 * The durable {@linkcode Store}: a {@linkcode MemoryStore} whose committed
 * units of work are written to a SQLite database (`node:sqlite`, WAL mode),
 * one per run directory. The database is the source of truth: opening it
 * again restores every committed unit.
 *
 * Reads are served from memory, but for the append-only artifacts and
 * dispatch log: their rows are never kept in memory (nothing reads them
 * during a run); they wait in the commit group until written and are listed
 * from the file. Each committed unit's changed rows are
 * written in one SQLite transaction. With `commitIntervalMs` > 0 several
 * units are grouped into one transaction (a group holds whole units only),
 * written once the interval has passed or it holds
 * {@linkcode MAX_GROUP_UNITS} units, at a commit, and on `flush()`.
 *
 * Schema (version {@linkcode SQLITE_SCHEMA_VERSION}): one table per entity,
 * `(id INTEGER PRIMARY KEY, record TEXT)` holding the record as JSON, and
 * `meta(key, value)` holding the schema version and the next-id counters.
 * See `docs/run-store.md`.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { MemoryStore } from "./memory_store.ts";
import {
  type ArtifactRecord,
  type DispatchRecord,
  StoreError,
  StoreIoError,
} from "./store.ts";
import {
  type RowKey,
  type StoreChanges,
  type StoreRows,
  TABLE_NAMES,
  type TableName,
} from "./store_tables.ts";
import { settle } from "../util/settle.ts";

/** Version of the database layout; a database of another version is refused. */
export const SQLITE_SCHEMA_VERSION = 1;

/** SQL table of each store table. */
export const SQL_TABLES: Readonly<Record<TableName, string>> = {
  suites: "suites",
  versions: "versions",
  pipelines: "pipelines",
  launches: "launches",
  jobs: "jobs",
  cases: "cases",
  triages: "triages",
  symptoms: "symptoms",
  rcas: "rcas",
  links: "symptom_rca_links",
  pendingReferences: "pending_references",
  caseStates: "case_states",
  artifacts: "artifacts",
  dispatches: "dispatches",
  settings: "settings",
};

/**
 * The append-only tables whose rows are not kept in memory: a 10,000-case run
 * writes 90,000 of them. Kept until their group was written, they were still
 * 16 MB of old-generation garbage in such a run (a table's rows, added and
 * dropped over and over, outlived young-generation collections).
 */
const UNKEPT_TABLES = ["artifacts", "dispatches"] as const;
type UnkeptTable = typeof UNKEPT_TABLES[number];
const UNKEPT = new Set<TableName>(UNKEPT_TABLES);

/** Tables keyed by text (setting names); the others by integer ids. */
const TEXT_KEYED = new Set<TableName>(["settings"]);

/** Rows per multi-row statement when a group is written. */
const CHUNK = 64;

/**
 * Most units a group holds before it is written, whatever the interval: a
 * group's rows (and its artifact and dispatch rows kept in memory until
 * written) that outlive two young-generation collections are promoted and
 * die in the old generation, which grows until the next full collection.
 * 512 units of the stub take about 10 ms (a 10,000-case run: 272 → 247 MB
 * peak RSS).
 */
export const MAX_GROUP_UNITS = 512;

/** Options of {@linkcode SqliteStore.open}. */
export interface SqliteStoreOptions {
  /** Path of the database file (`:memory:` for none). */
  readonly path: string;
  /** @default {() => new Date()} */
  readonly now?: () => Date;
  /**
   * Group committed units into one SQLite transaction written at most this
   * often (at a commit once the interval has passed or the group holds
   * {@linkcode MAX_GROUP_UNITS} units, and on `flush()`); 0 writes every
   * unit at once.
   *
   * @default {0}
   */
  readonly commitIntervalMs?: number;
  /**
   * SQLite's `synchronous` setting. `"off"` skips the fsyncs of commits and
   * checkpoints (half the write time of a large run): a killed process
   * loses nothing it committed, but a power loss or an OS crash may lose or
   * damage the database. For runs that cost nothing to redo (the in-process
   * stub).
   *
   * @default {"normal"}
   */
  readonly synchronous?: "normal" | "off";
  /**
   * Opens the database (a seam for fault tests, which keep the handle to
   * make it fail).
   *
   * @default {(path) => new DatabaseSync(path)}
   */
  readonly openDatabase?: (path: string) => DatabaseSync;
}

function ioError(path: string, action: string, error: unknown): StoreIoError {
  const message = error instanceof Error ? error.message : String(error);
  return new StoreIoError(
    `Cannot ${action} run store '${path}': ${message}`,
    { cause: error },
  );
}

interface FileIdentity {
  readonly dev: number;
  readonly ino: number | null;
}

function identityOf(path: string): FileIdentity | undefined {
  try {
    const info = Deno.statSync(path);
    return { dev: info.dev, ino: info.ino };
  } catch {
    // A missing file has no identity; the caller reports it.
    return undefined;
  }
}

/** Writes committed changes to the database. */
class SqliteWriter {
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #identity: FileIdentity | undefined;
  readonly #single = new Map<string, StatementSync>();
  readonly #multi = new Map<string, StatementSync>();
  readonly #delete = new Map<string, StatementSync>();
  readonly #counters: StatementSync;
  /** Keys and encoded rows of one multi-row statement (reused). */
  readonly #chunk: (string | number)[] = new Array(2 * CHUNK).fill(0);
  #pending = new Map<TableName, Map<RowKey, unknown>>();
  #pendingCounters: Readonly<Record<string, number>> | undefined;
  #pendingUnits = 0;
  /** The first failed write: every later write fails with it. */
  #failure: StoreIoError | undefined;

  constructor(db: DatabaseSync, path: string) {
    this.#db = db;
    this.#path = path;
    this.#identity = path === ":memory:" ? undefined : identityOf(path);
    this.#counters = db.prepare(
      "INSERT OR REPLACE INTO meta(key, value) VALUES ('counters', ?)",
    );
  }

  get hasPending(): boolean {
    return this.#pendingCounters !== undefined;
  }

  /** Units in the open group. */
  get pendingUnits(): number {
    return this.#pendingUnits;
  }

  /** Rows of `table` in the open group (committed, not written yet). */
  pendingRows(table: TableName): Iterable<unknown> {
    return this.#pending.get(table)?.values() ?? [];
  }

  add(changes: StoreChanges): void {
    const { tables, keys, values } = changes;
    for (let i = 0; i < tables.length; i++) {
      const table = tables[i];
      let pending = this.#pending.get(table);
      if (pending === undefined) this.#pending.set(table, pending = new Map());
      pending.set(keys[i], values[i]);
    }
    this.#pendingCounters = changes.counters;
    this.#pendingUnits++;
  }

  /** The cached statement of `table`, prepared from `sql()` the first time. */
  #statement(
    cache: Map<string, StatementSync>,
    table: TableName,
    sql: () => string,
  ): StatementSync {
    let statement = cache.get(table);
    if (statement === undefined) {
      cache.set(table, statement = this.#db.prepare(sql()));
    }
    return statement;
  }

  #checkFile(): void {
    if (this.#identity === undefined) return;
    const now = identityOf(this.#path);
    if (
      now === undefined || now.dev !== this.#identity.dev ||
      now.ino !== this.#identity.ino
    ) {
      throw new Error(
        "the database file was removed or replaced (was the run directory deleted?)",
      );
    }
  }

  /** Writes the open group. */
  write(): void {
    // After a failed write the database misses a group; writing later units
    // over that gap would persist a step without the steps before it.
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#pendingCounters === undefined) return;
    const pending = this.#pending;
    const counters = this.#pendingCounters;
    this.#pending = new Map();
    this.#pendingCounters = undefined;
    this.#pendingUnits = 0;
    try {
      this.#checkFile();
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        for (const [table, rows] of pending) this.#writeTable(table, rows);
        this.#counters.run(JSON.stringify(counters));
        this.#db.exec("COMMIT");
      } catch (error) {
        try {
          this.#db.exec("ROLLBACK");
        } catch {
          // The transaction may be gone already (SQLite rolls back on some
          // errors); the original error is the one to report.
        }
        throw error;
      }
    } catch (error) {
      throw this.#failure = ioError(this.#path, "write", error);
    }
  }

  #writeTable(table: TableName, rows: Map<RowKey, unknown>): void {
    const sql = SQL_TABLES[table];
    const keyColumn = TEXT_KEYED.has(table) ? "key" : "id";
    const multi = this.#statement(
      this.#multi,
      table,
      () =>
        `INSERT OR REPLACE INTO ${sql}(${keyColumn}, record) VALUES ${
          Array(CHUNK).fill("(?, ?)").join(", ")
        }`,
    );
    // Rows are encoded and bound a chunk at a time, into one reused array.
    const chunk = this.#chunk;
    let n = 0;
    rows.forEach((value, key) => {
      if (value === undefined) {
        this.#statement(
          this.#delete,
          table,
          () => `DELETE FROM ${sql} WHERE ${keyColumn} = ?`,
        ).run(key);
        return;
      }
      chunk[n++] = key;
      chunk[n++] = JSON.stringify(value);
      if (n === chunk.length) {
        multi.run(...chunk);
        n = 0;
      }
    });
    const single = this.#statement(
      this.#single,
      table,
      () => `INSERT OR REPLACE INTO ${sql}(${keyColumn}, record) VALUES (?, ?)`,
    );
    for (let i = 0; i < n; i += 2) single.run(chunk[i], chunk[i + 1]);
    // The encoded rows are not kept until the next write.
    chunk.fill(0);
  }
}

function createSchema(db: DatabaseSync): void {
  db.exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)");
  for (const table of TABLE_NAMES) {
    const keyColumn = TEXT_KEYED.has(table)
      ? "key TEXT PRIMARY KEY"
      : "id INTEGER PRIMARY KEY";
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${
        SQL_TABLES[table]
      }(${keyColumn}, record TEXT NOT NULL)`,
    );
  }
}

function loadRows(db: DatabaseSync, path: string): StoreRows {
  const version = db.prepare(
    "SELECT value FROM meta WHERE key = 'schema_version'",
  ).get() as { value: string } | undefined;
  if (version === undefined) {
    db.prepare(
      "INSERT INTO meta(key, value) VALUES ('schema_version', ?)",
    ).run(String(SQLITE_SCHEMA_VERSION));
  } else if (version.value !== String(SQLITE_SCHEMA_VERSION)) {
    throw new StoreError(
      `Cannot open run store '${path}': schema version '${version.value}'; expected '${SQLITE_SCHEMA_VERSION}'`,
    );
  }
  const rows: Partial<Record<TableName, [RowKey, unknown][]>> = {};
  for (const table of TABLE_NAMES) {
    // Unkept tables are listed from the file when asked for.
    if (UNKEPT.has(table)) continue;
    const keyColumn = TEXT_KEYED.has(table) ? "key" : "id";
    const found = db.prepare(
      `SELECT ${keyColumn} AS k, record FROM ${SQL_TABLES[table]}`,
    ).all() as { k: RowKey; record: string }[];
    rows[table] = found.map((row) => [row.k, JSON.parse(row.record)]);
  }
  const counters = db.prepare(
    "SELECT value FROM meta WHERE key = 'counters'",
  ).get() as { value: string } | undefined;
  return { rows, counters: counters ? JSON.parse(counters.value) : {} };
}

/**
 * A {@linkcode MemoryStore} persisted to SQLite. Create it with
 * {@linkcode SqliteStore.open}.
 *
 * @example Usage
 * ```ts
 * import { SqliteStore } from "./sqlite_store.ts";
 * import assert from "node:assert/strict";
 *
 * const store = SqliteStore.open({ path: ":memory:" });
 * const suite = await store.transaction(() =>
 *   store.createSuite({ name: "ptp-mock" })
 * );
 * assert.equal(suite.id, 1);
 * await store.close();
 * ```
 */
export class SqliteStore extends MemoryStore {
  readonly #db: DatabaseSync;
  readonly #writer: SqliteWriter;
  readonly #intervalMs: number;
  readonly #clock: () => Date;
  readonly #path: string;
  #groupStarted = 0;
  #closed = false;

  private constructor(
    db: DatabaseSync,
    initial: StoreRows,
    options: SqliteStoreOptions,
  ) {
    const clock = options.now ?? (() => new Date());
    const self: { store?: SqliteStore } = {};
    // The tables commit only after construction, when `self.store` is set.
    super({
      now: clock,
      initial,
      onCommit: (c) => self.store!.#onCommit(c),
      unkept: UNKEPT_TABLES,
    });
    self.store = this;
    this.#db = db;
    this.#writer = new SqliteWriter(db, options.path);
    this.#intervalMs = options.commitIntervalMs ?? 0;
    this.#clock = clock;
    this.#path = options.path;
  }

  /**
   * Opens (or creates) the database at `options.path` and loads it.
   *
   * @throws {StoreIoError} when the file cannot be opened or read.
   * @throws {StoreError} when it holds another schema version.
   * @throws {RangeError} when `commitIntervalMs` is negative.
   */
  static open(options: SqliteStoreOptions): SqliteStore {
    const interval = options.commitIntervalMs ?? 0;
    if (!Number.isFinite(interval) || interval < 0) {
      throw new RangeError(
        `Cannot open run store with commitIntervalMs = ${interval}: expected a finite number ≥ 0`,
      );
    }
    const open = options.openDatabase ?? ((path) => new DatabaseSync(path));
    let db: DatabaseSync;
    let initial: StoreRows;
    try {
      db = open(options.path);
      db.exec("PRAGMA journal_mode = WAL");
      db.exec(
        `PRAGMA synchronous = ${
          options.synchronous === "off" ? "OFF" : "NORMAL"
        }`,
      );
      db.exec("PRAGMA busy_timeout = 1000");
      createSchema(db);
      initial = loadRows(db, options.path);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw ioError(options.path, "open", error);
    }
    return new SqliteStore(db, initial, options);
  }

  #onCommit(changes: StoreChanges): void {
    const writer = this.#writer;
    const starting = !writer.hasPending;
    writer.add(changes);
    const now = this.#clock().getTime();
    if (starting) this.#groupStarted = now;
    if (
      this.#intervalMs === 0 || now - this.#groupStarted >= this.#intervalMs ||
      writer.pendingUnits >= MAX_GROUP_UNITS
    ) {
      this.#write();
    }
  }

  #write(): void {
    this.#writer.write();
  }

  /** Every accepted artifact, sorted by id. */
  override async listArtifacts(): Promise<ArtifactRecord[]> {
    return this.#withUnkept("artifacts", await super.listArtifacts());
  }

  /** The dispatch log, sorted by id. */
  override async listDispatches(): Promise<DispatchRecord[]> {
    return this.#withUnkept("dispatches", await super.listDispatches());
  }

  /**
   * The rows of `table`: written ones from the file, then those of the open
   * group, then `inUnit` (the open unit's, listed by the memory store).
   */
  #withUnkept<T extends { readonly id: number }>(
    table: UnkeptTable,
    inUnit: T[],
  ): T[] {
    const rows = new Map<number, T>();
    try {
      const found = this.#db.prepare(
        `SELECT record FROM ${SQL_TABLES[table]} ORDER BY id`,
      ).all() as { record: string }[];
      for (const { record } of found) {
        const row = JSON.parse(record) as T;
        rows.set(row.id, row);
      }
    } catch (error) {
      throw ioError(this.#path, "read", error);
    }
    for (const row of this.#writer.pendingRows(table)) {
      rows.set((row as T).id, { ...(row as T) });
    }
    for (const row of inUnit) rows.set(row.id, row);
    return [...rows.values()].sort((a, b) => a.id - b.id);
  }

  /** Writes the open group now. */
  override flush(): Promise<void> {
    return settle(() => this.#write());
  }

  /** Flushes and closes the database; closing twice does nothing. */
  override async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.flush();
    } finally {
      try {
        this.#db.close();
      } catch {
        // Closing a database whose file failed can fail too; the flush
        // error (if any) is the one that matters.
      }
    }
  }
}

/**
 * Reads one run setting from the database at `path` without opening it for
 * writing (a calibrate may hold it).
 *
 * @returns the setting, or `undefined` when the file, the table or the
 * setting is absent.
 * @throws {StoreIoError} when the file exists but cannot be read.
 */
export function readStoreSetting(path: string, key: string): unknown {
  try {
    Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw ioError(path, "read", error);
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    const table = db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'settings'",
    ).get();
    if (table === undefined) return undefined;
    const row = db.prepare("SELECT record FROM settings WHERE key = ?").get(
      key,
    ) as { record: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.record);
  } catch (error) {
    throw ioError(path, "read", error);
  } finally {
    db?.close();
  }
}
