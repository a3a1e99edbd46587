/**
 * Escaping for the two places data lands in the HTML report. Every string that came from a
 * cluster (node, pool, namespace, pod names, labels) is untrusted.
 */

const HTML_ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

/** Text or attribute value → HTML that shows exactly that text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!)
}

/**
 * JSON safe to place inside a `<script type="application/json">` element: `<` and `>` become
 * \u003c / \u003e so no `</script>` or `<!--` can end or confuse the element, `&` likewise, and
 * U+2028/U+2029 are escaped for old JS parsers. JSON.parse gives back the same value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/**
 * A vendored script's text made safe to inline: drop the trailing source-map comment (the map is
 * not shipped, and a browser would try to fetch it) and neutralise any `</script` inside it.
 */
export function inlineScriptText(source: string): string {
  return source.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n').replace(/<\/script/gi, '<\\/script')
}
