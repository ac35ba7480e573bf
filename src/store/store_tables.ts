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

/**
 * Rows a committed unit of work changed, in write order, as three parallel
 * lists (a unit writes a few rows; lists cost less to build than a map per
 * table). A row written twice appears twice: the later write wins.
 */
export interface StoreChanges {
  /** The table of each written row. */
  readonly tables: readonly TableName[];
  /** The key of each written row. */
  readonly keys: readonly RowKey[];
  /** The value of each written row: `undefined` means removed. */
  readonly values: readonly unknown[];
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

/**
 * Row keys of one table grouped by a value of their rows (an index): a group
 * of one key holds the key itself, a larger group a set of keys (most groups
 * hold one row; a set per group was 3 MB of a 10,000-case run).
 */
export type TableIndex = ReadonlyMap<unknown, RowKey | ReadonlySet<RowKey>>;

/** The keys of `group` in `index`, in the order they were added. */
export function groupKeys(index: TableIndex, group: unknown): RowKey[] {
  const keys = index.get(group);
  if (keys === undefined) return [];
  return keys instanceof Set ? [...keys] : [keys as RowKey];
}

interface IndexDefinition {
  readonly table: TableName;
  readonly keyOf: (row: unknown) => unknown;
  readonly groups: Map<unknown, RowKey | Set<RowKey>>;
}

/** One table: its rows, its indexes and its revision (one lookup a write). */
interface Table {
  readonly rows: Map<RowKey, unknown>;
  readonly indexes: IndexDefinition[];
  revision: number;
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
  readonly tables: TableName[];
  readonly keys: RowKey[];
  readonly values: unknown[];
}

/**
 * Maps, counters and units of work. Writes outside a unit commit one by one.
 * Units do not nest: a unit started inside another joins it.
 */
export class StoreTables {
  readonly #tables = new Map<TableName, Table>();
  #counters: Record<string, number> = {};
  #unit: Unit | undefined;
  readonly #onCommit: (changes: StoreChanges) => void;
  readonly #unkept: ReadonlySet<TableName>;

  /**
   * Creates the tables.
   *
   * @param onCommit Told about every committed unit (and every write outside
   * one); may throw, which the caller of the write sees.
   * @param initial Content to start from.
   * @param unkept Tables whose written rows reach `onCommit` only and are not
   * kept (append-only tables a persistent store lists from its file); their
   * `initial` rows are left out.
   */
  constructor(
    onCommit: (changes: StoreChanges) => void,
    initial?: StoreRows,
    unkept: ReadonlySet<TableName> = new Set(),
  ) {
    this.#onCommit = onCommit;
    this.#unkept = unkept;
    for (const name of TABLE_NAMES) {
      this.#tables.set(name, {
        rows: new Map(unkept.has(name) ? [] : initial?.rows[name] ?? []),
        indexes: [],
        revision: 0,
      });
    }
    this.#counters = { ...initial?.counters };
  }

  /**
   * A number that changes whenever a row of `table` is written, removed or
   * restored by a rolled-back unit: equal revisions mean equal rows, so a
   * reader may cache what it derived from them.
   */
  revision(table: TableName): number {
    return this.#tables.get(table)!.revision;
  }

  /** The live map of `table` (read it; write through {@linkcode put}). */
  map<V>(table: TableName): ReadonlyMap<RowKey, V> {
    return this.#tables.get(table)!.rows as Map<RowKey, V>;
  }

  /**
   * Indexes `table` by `keyOf` of each row (rows whose key is `undefined`
   * are left out). The index follows every write and every rolled-back unit.
   */
  index<V>(table: TableName, keyOf: (row: V) => unknown): TableIndex {
    const definition: IndexDefinition = {
      table,
      keyOf: keyOf as (row: unknown) => unknown,
      groups: new Map(),
    };
    const slot = this.#tables.get(table)!;
    slot.indexes.push(definition);
    for (const [key, row] of slot.rows) indexAdd(definition, key, row);
    return definition.groups;
  }

  /**
   * Moves `key` in the indexes of `slot` from the groups of row `before` to
   * those of row `after` (`undefined`: no row); a group that stays is left
   * alone.
   */
  #reindex(slot: Table, key: RowKey, before: unknown, after: unknown) {
    for (const definition of slot.indexes) {
      const from = before === undefined ? undefined : definition.keyOf(before);
      const to = after === undefined ? undefined : definition.keyOf(after);
      if (from === to) continue;
      if (from !== undefined) removeFromGroup(definition, key, from);
      if (to !== undefined) addToGroup(definition, key, to);
    }
  }

  /**
   * Rows of the unkept `table` written by the open unit (they reach
   * `onCommit` when it commits); none outside a unit or for a kept table,
   * whose rows are in its map.
   */
  unitRows(table: TableName): unknown[] {
    const unit = this.#unit;
    if (unit === undefined || !this.#unkept.has(table)) return [];
    return unit.values.filter((_, i) => unit.tables[i] === table);
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
    if (!this.#tables.get(table)!.rows.has(key)) return false;
    this.#write(table, key, undefined, false);
    return true;
  }

  #write(table: TableName, key: RowKey, value: unknown, keep: boolean): void {
    if (this.#unkept.has(table)) {
      this.#record(table, key, value);
      return;
    }
    const slot = this.#tables.get(table)!;
    const map = slot.rows;
    const unit = this.#unit;
    const previous = map.get(key);
    if (unit !== undefined) {
      const had = previous !== undefined || map.has(key);
      unit.undo.push({ table, key, had, previous });
    }
    if (keep) map.set(key, value);
    else map.delete(key);
    slot.revision++;
    if (slot.indexes.length > 0) {
      this.#reindex(slot, key, previous, keep ? value : undefined);
    }
    this.#record(table, key, value);
  }

  /** Adds a written row to the open unit's changes, or commits it alone. */
  #record(table: TableName, key: RowKey, value: unknown): void {
    const unit = this.#unit;
    if (unit === undefined) {
      this.#commitSingle([table], [key], [value]);
      return;
    }
    unit.tables.push(table);
    unit.keys.push(key);
    unit.values.push(value);
  }

  #commitSingle(
    tables: TableName[] = [],
    keys: RowKey[] = [],
    values: unknown[] = [],
  ): void {
    this.#onCommit({ tables, keys, values, counters: { ...this.#counters } });
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
      tables: [],
      keys: [],
      values: [],
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
    this.#onCommit({
      tables: unit.tables,
      keys: unit.keys,
      values: unit.values,
      counters: { ...this.#counters },
    });
    return result;
  }

  #rollback(unit: Unit): void {
    for (let i = unit.undo.length - 1; i >= 0; i--) {
      const { table, key, had, previous } = unit.undo[i];
      const slot = this.#tables.get(table)!;
      const map = slot.rows;
      this.#reindex(slot, key, map.get(key), had ? previous : undefined);
      if (had) map.set(key, previous);
      else map.delete(key);
      slot.revision++;
    }
    this.#counters = unit.counters;
  }
}

function indexAdd(definition: IndexDefinition, key: RowKey, row: unknown) {
  const group = definition.keyOf(row);
  if (group !== undefined) addToGroup(definition, key, group);
}

function addToGroup(definition: IndexDefinition, key: RowKey, group: unknown) {
  const { groups } = definition;
  const keys = groups.get(group);
  if (keys === undefined) groups.set(group, key);
  else if (keys instanceof Set) keys.add(key);
  else if (keys !== key) groups.set(group, new Set([keys, key]));
}

function removeFromGroup(
  definition: IndexDefinition,
  key: RowKey,
  group: unknown,
) {
  const { groups } = definition;
  const keys = groups.get(group);
  if (keys === undefined) return;
  if (!(keys instanceof Set)) {
    if (keys === key) groups.delete(group);
    return;
  }
  keys.delete(key);
  if (keys.size === 1) groups.set(group, keys.values().next().value!);
}
