import {escapeHtml} from './escape.js'

/**
 * Small HTML builders for the report. Everything that takes `text` escapes it; only values
 * typed `Html` (produced by these builders) are inserted as markup. Cluster-provided strings are
 * therefore always text, never markup.
 */
export interface Html {
  readonly html: string
}

export function raw(html: string): Html {
  return {html}
}

export type Content = string | number | Html

export function render(content: Content): string {
  if (typeof content === 'number') return escapeHtml(String(content))
  if (typeof content === 'string') return escapeHtml(content)
  return content.html
}

export function el(tag: string, attrs: Record<string, string | undefined>, ...children: Content[]): Html {
  const attrText = Object.entries(attrs)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('')
  return raw(`<${tag}${attrText}>${children.map(render).join('')}</${tag}>`)
}

export function join(parts: Content[], separator = ''): Html {
  return raw(parts.map(render).join(separator))
}

export function badge(text: string, tone: 'ok' | 'warn' | 'bad'): Html {
  return el('span', {class: `badge ${tone}`}, text)
}

export interface Column {
  title: string
  /** Right-aligned, tabular figures. */
  num?: boolean
}

/** A table; numeric columns are right-aligned. Cells are text unless given as Html. */
export function table(columns: Column[], rows: Content[][], caption?: string): Html {
  const head = el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', {class: c.num ? 'num' : undefined, scope: 'col'}, c.title))))
  const body = el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell, i) => el('td', {class: columns[i]?.num ? 'num' : undefined}, cell)))))
  return el('div', {class: 'table-wrap'}, el('table', {}, ...(caption ? [el('caption', {}, caption)] : []), head, body))
}

export function list(items: Content[], className = 'tight'): Html {
  return el('ul', {class: className}, ...items.map((item) => el('li', {}, item)))
}
