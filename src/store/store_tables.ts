/**
 * The tables behind {@linkcode MemoryStore}: one map per entity, next-id
 * counters, and units of work kept with an undo log, so a unit that throws
 * leaves the maps as they were and a unit that returns reports the rows it
 * changed (which a persistent store writes out).
 *
 * @module
 */

/** Names of the tables a store keeps. */
export const TABLE_NAMES = [
  "suites",
  "versions",
  "pipelines",
  "launches",
  "jobs",
  "cases",
  "triages",
  "symptoms",
  "rcas",
  "links",
  "pendingReferences",
  "caseStates",
  "artifacts",
  "dispatches",
  "settings",
] as const;

/** A table name. */
export type TableName = typeof TABLE_NAMES[number];

/** A row key: an id, a case id (triages, case states) or a setting name. */
export type RowKey = number | string;

/** Rows a committed unit of work changed: `undefined` means removed. */
export interface StoreChanges {
  /** Changed rows per table. */
  readonly rows: ReadonlyMap<TableName, ReadonlyMap<RowKey, unknown>>;
  /** The next-id counters after the unit. */
  readonly counters: Readonly<Record<string, number>>;
}

/** A store's whole content, as loaded from persistence. */
export interface StoreRows {
  /** Rows per table (tables left out are empty). */
  readonly rows: Partial<Record<TableName, Iterable<[RowKey, unknown]>>>;
  /** Next-id counters (missing ones start at 0). */
  readonly counters: Readonly<Record<string, number>>;
}

interface UndoEntry {
  readonly table: TableName;
  readonly key: RowKey;
  readonly had: boolean;
  readonly previous: unknown;
}

interface Unit {
  readonly undo: UndoEntry[];
  readonly counters: Record<string, number>;
  readonly changed: Map<TableName, Map<RowKey, unknown>>;
}

/**
 * Maps, counters and units of work. Writes outside a unit commit one by one.
 * Units do not nest: a unit started inside another joins it.
 */
export class StoreTables {
  readonly #maps = new Map<TableName, Map<RowKey, unknown>>();
  #counters: Record<string, number> = {};
  #unit: Unit | undefined;
  readonly #onCommit: (changes: StoreChanges) => void;

  /**
   * Creates the tables.
   *
   * @param onCommit Told about every committed unit (and every write outside
   * one); may throw, which the caller of the write sees.
   * @param initial Content to start from.
   */
  constructor(onCommit: (changes: StoreChanges) => void, initial?: StoreRows) {
    this.#onCommit = onCommit;
    for (const name of TABLE_NAMES) {
      this.#maps.set(name, new Map(initial?.rows[name] ?? []));
    }
    this.#counters = { ...initial?.counters };
  }

  /** The live map of `table` (read it; write through {@linkcode put}). */
  map<V>(table: TableName): ReadonlyMap<RowKey, V> {
    return this.#maps.get(table) as Map<RowKey, V>;
  }

  /** Returns the next id of `counter` (from 1). */
  nextId(counter: string): number {
    const next = (this.#counters[counter] ?? 0) + 1;
    this.#counters[counter] = next;
    if (this.#unit === undefined) this.#commitSingle();
    return next;
  }

  /** Sets a row. */
  put(table: TableName, key: RowKey, value: unknown): void {
    this.#write(table, key, value, true);
  }

  /** Removes a row; returns false when it was absent. */
  delete(table: TableName, key: RowKey): boolean {
    if (!this.#maps.get(table)!.has(key)) return false;
    this.#write(table, key, undefined, false);
    return true;
  }

  #write(table: TableName, key: RowKey, value: unknown, keep: boolean): void {
    const map = this.#maps.get(table)!;
    const unit = this.#unit;
    if (unit !== undefined) {
      unit.undo.push({ table, key, had: map.has(key), previous: map.get(key) });
    }
    if (keep) map.set(key, value);
    else map.delete(key);
    if (unit === undefined) {
      this.#commitSingle(new Map([[table, new Map([[key, value]])]]));
      return;
    }
    let changed = unit.changed.get(table);
    if (changed === undefined) unit.changed.set(table, changed = new Map());
    changed.set(key, value);
  }

  #commitSingle(rows = new Map<TableName, Map<RowKey, unknown>>()): void {
    this.#onCommit({ rows, counters: { ...this.#counters } });
  }

  /** Returns true while a unit of work is open. */
  get inUnit(): boolean {
    return this.#unit !== undefined;
  }

  /**
   * Runs `fn` as one unit of work: when it throws, every write it made is
   * undone; when it returns, the changes are committed together.
   */
  async unit<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#unit !== undefined) return await fn();
    const unit: Unit = {
      undo: [],
      counters: { ...this.#counters },
      changed: new Map(),
    };
    this.#unit = unit;
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      this.#unit = undefined;
      this.#rollback(unit);
      throw error;
    }
    this.#unit = undefined;
    this.#onCommit({ rows: unit.changed, counters: { ...this.#counters } });
    return result;
  }

  #rollback(unit: Unit): void {
    for (let i = unit.undo.length - 1; i >= 0; i--) {
      const { table, key, had, previous } = unit.undo[i];
      const map = this.#maps.get(table)!;
      if (had) map.set(key, previous);
      else map.delete(key);
    }
    this.#counters = unit.counters;
  }
}
