/**
 * Escaping of untrusted text (from an agent or a scenario) before it is
 * shown: the one helper the terminal and every report renderer use.
 *
 * @module
 */

/**
 * Characters that can move the cursor, rewrite a line, change colours or
 * reorder what is displayed: C0 controls (but tab), DEL, C1 controls (the
 * 8-bit CSI `\u009b` among them), the Unicode line and paragraph separators
 * and the bidirectional overrides and isolates.
 */
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Options of {@linkcode escapeText}. */
export interface EscapeTextOptions {
  /**
   * Keep `\n` as a line break (for multi-line text written line by line);
   * otherwise it is escaped, so the text stays on one line.
   *
   * @default {false}
   */
  readonly keepNewlines?: boolean;
}

/**
 * Replaces every control character of `text` with a visible escape: `\n`,
 * `\r` as such, any other as `\uXXXX` (the same spelling inside a JSON
 * string, so escaped JSON stays valid). Tabs are kept. Text without control
 * characters is returned unchanged.
 *
 * @example
 * ```ts
 * import { escapeText } from "./escape_text.ts";
 *
 * const forged = "boom\x1b[2K\rRESULT: PASS";
 * console.assert(escapeText(forged) === "boom\\u001b[2K\\rRESULT: PASS");
 * ```
 */
export function escapeText(
  text: string,
  options: EscapeTextOptions = {},
): string {
  const pattern = options.keepNewlines ? UNSAFE_BUT_NEWLINE : UNSAFE;
  return text.replace(pattern, (char) => {
    if (char === "\n") return "\\n";
    if (char === "\r") return "\\r";
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * {@linkcode escapeText} for an HTML page: control characters made visible,
 * then `& < > " '` entity-escaped, so the text is safe as element content
 * and inside a quoted attribute value. Lone surrogates become U+FFFD.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./escape_text.ts";
 *
 * console.assert(escapeHtml("<b>\x1b[1m") === "&lt;b&gt;\\u001b[1m");
 * ```
 */
export function escapeHtml(
  text: string,
  options: EscapeTextOptions = {},
): string {
  return escapeText(text.toWellFormed(), options)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * {@linkcode escapeText} for an XML document (JUnit): control characters
 * made visible, then `& < > " '` entity-escaped, so the text is safe as
 * content and inside a quoted attribute value. What XML 1.0 cannot carry
 * (U+FFFE, U+FFFF, lone surrogates) becomes U+FFFD.
 *
 * @example
 * ```ts
 * import { escapeXml } from "./escape_text.ts";
 *
 * console.assert(escapeXml("a & b\x00") === "a &amp; b\\u0000");
 * ```
 */
export function escapeXml(
  text: string,
  options: EscapeTextOptions = {},
): string {
  return escapeText(text.toWellFormed(), options)
    .replace(/[\ufffe\uffff]/g, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * {@linkcode escapeText} for one cell of a Markdown table: control
 * characters made visible, whitespace runs as one space, and the characters
 * Markdown or HTML would act on (`\ ` * _ { } [ ] < > | #`) backslash-escaped.
 *
 * @example
 * ```ts
 * import { escapeMarkdownCell } from "./escape_text.ts";
 *
 * console.assert(escapeMarkdownCell("a|b\n<i>") === "a\\|b\\\\n\\<i\\>");
 * ```
 */
export function escapeMarkdownCell(text: string): string {
  return escapeText(text)
    .replace(/\s+/g, " ")
    .replace(/([\\`*_{}[\]<>|#])/g, "\\$1")
    .trim();
}
