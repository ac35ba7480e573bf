/**
 * Lenient reads of files that another process writes: a missing file or one
 * that is not (yet) valid is "nothing there", not an error.
 *
 * @module
 */
import type { z } from "zod";

/**
 * Reads `path` as text.
 *
 * @returns the text, or `undefined` when the file does not exist.
 * @throws {Deno.errors.PermissionDenied} and other I/O errors except
 * `NotFound`.
 */
export async function readTextIfExists(
  path: string,
): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Reads `path` as text, synchronously (for small files on hot paths, where an
 * awaited read costs several times as much).
 *
 * @returns the text, or `undefined` when the file does not exist.
 * @throws {Deno.errors.PermissionDenied} and other I/O errors except
 * `NotFound`.
 */
export function readTextIfExistsSync(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Reads `path` as JSON validated by `schema`.
 *
 * @returns the value, or `undefined` when the file is missing, is not JSON,
 * or does not match `schema`.
 * @throws {Deno.errors.PermissionDenied} and other I/O errors except
 * `NotFound`.
 */
export async function readJsonFile<T>(
  path: string,
  schema: z.ZodType<T>,
): Promise<T | undefined> {
  return parseJson(await readTextIfExists(path), schema);
}

/**
 * {@linkcode readJsonFile}, synchronously (for small files on hot paths).
 *
 * @returns the value, or `undefined` when the file is missing, is not JSON,
 * or does not match `schema`.
 * @throws {Deno.errors.PermissionDenied} and other I/O errors except
 * `NotFound`.
 */
export function readJsonFileSync<T>(
  path: string,
  schema: z.ZodType<T>,
): T | undefined {
  return parseJson(readTextIfExistsSync(path), schema);
}

/** `text` as JSON matching `schema`, else `undefined`. */
function parseJson<T>(
  text: string | undefined,
  schema: z.ZodType<T>,
): T | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
