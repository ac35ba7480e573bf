/**
 * A store seam for fault tests: a real {@linkcode SqliteStore} whose
 * database starts failing at a chosen transaction with the error SQLite
 * gives for a full disk, a read-only file system or an I/O error. (As root,
 * permission bits are ignored, so a chmod cannot make a directory read-only;
 * the failure is injected where the store meets the file system.)
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { CalibrateOptions } from "../../src/runner/calibrate.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";

/** The failures the seam can inject, with SQLite's own messages. */
export const SQLITE_FAULTS = {
  "disk full": "database or disk is full",
  "read-only": "attempt to write a readonly database",
  "I/O error": "disk I/O error",
} as const;

/** A fault kind. */
export type SqliteFault = keyof typeof SQLITE_FAULTS;

/**
 * Returns an `openStore` whose database fails every write transaction from
 * the `failAt`-th one (counting from 1) on.
 */
export function faultyStore(
  fault: SqliteFault,
  failAt: number,
): NonNullable<CalibrateOptions["openStore"]> {
  let begins = 0;
  return (path, options) =>
    SqliteStore.open({
      path,
      ...options,
      openDatabase: (p) => {
        const db = new DatabaseSync(p);
        return new Proxy(db, {
          get(target, key) {
            if (key !== "exec") {
              const value = Reflect.get(target, key, target);
              return typeof value === "function" ? value.bind(target) : value;
            }
            return (sql: string) => {
              if (sql === "BEGIN IMMEDIATE" && ++begins >= failAt) {
                throw Object.assign(new Error(SQLITE_FAULTS[fault]), {
                  code: "ERR_SQLITE_ERROR",
                });
              }
              return target.exec(sql);
            };
          },
        });
      },
    });
}
