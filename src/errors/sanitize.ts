/**
 * Error text comes partly from inputs (file names, node names, server URLs, API messages), so
 * before it reaches a terminal or a CI log it is made safe: credentials are redacted, control
 * characters (an ESC]0;...BEL title change, ESC[2J clear screen) are shown escaped, and the line
 * is capped so a 100,000-character name cannot flood the log.
 */

/** Longest error line printed; the rest is cut with a note. */
export const MAX_ERROR_CHARS = 2000

/**
 * `https://user:pass@host` → `https://***@host`; `Bearer abc` → `Bearer ***`;
 * `token=abc`, `password: abc` and the like → `token=***`.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1***@')
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***')
    .replace(/\b(token|password|passwd|secret|client-key-data|access[_-]?token|id[_-]?token)(["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi, '$1$2***')
}

/** C0 controls other than none, DEL and C1 controls → `\xNN`; everything else unchanged. */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/** Redacted, one line, controls escaped, at most MAX_ERROR_CHARS characters. */
export function safeErrorText(text: string): string {
  const line = escapeControls(redactSecrets(text.replace(/\s*\n\s*/g, ' ')))
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS)}… (${line.length - MAX_ERROR_CHARS} more characters)` : line
}
