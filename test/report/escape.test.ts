import {createHash} from 'node:crypto'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {escapeHtml, inlineScriptText, jsonForScript} from '../../src/report/escape.js'
import {sha256Base64} from '../../src/report/sha256.js'

describe('escaping for the HTML report', () => {
  it('turns every markup character into an entity, so text can never open a tag or leave an attribute', () => {
    expect(escapeHtml(`</script><script>alert(1)</script>`)).toBe('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(escapeHtml(`"><img src=x onerror=alert(1)>`)).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;')
    expect(escapeHtml(`a & 'b'`)).toBe('a &amp; &#39;b&#39;')
    fc.assert(fc.property(fc.string(), (s) => !/[<>"']/.test(escapeHtml(s))))
  })

  it('embeds JSON in a script block with no "<", ">" or "&" left, and parses back to the same value', () => {
    expect(jsonForScript({name: '</script><!--x-->&'})).toBe('{"name":"\\u003c/script\\u003e\\u003c!--x--\\u003e\\u0026"}')
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = jsonForScript(value)
        return !/[<>&\u2028\u2029]/.test(text) && JSON.stringify(JSON.parse(text)) === JSON.stringify(value)
      }),
    )
  })

  it('drops a trailing source-map comment so the browser never tries to fetch the map', () => {
    expect(inlineScriptText('var a=1;\n//# sourceMappingURL=vega-lite.min.js.map')).toBe('var a=1;\n')
    expect(inlineScriptText('var a=1;//# sourceMappingURL=x.map\n')).toBe('var a=1;\n')
    expect(inlineScriptText('var s="</script>"')).toBe('var s="<\\/script>"')
  })
})

describe('sha256Base64 (CSP script hashes)', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Base64('')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=')
    expect(sha256Base64('abc')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=')
  })

  it('agrees with node:crypto on any text, including multi-byte characters and block-boundary lengths', () => {
    fc.assert(fc.property(fc.string({unit: 'grapheme', maxLength: 300}), (s) => sha256Base64(s) === createHash('sha256').update(s, 'utf8').digest('base64')))
    for (const length of [55, 56, 63, 64, 65, 119, 120, 1000]) {
      const s = 'x'.repeat(length)
      expect(sha256Base64(s), `length ${length}`).toBe(createHash('sha256').update(s).digest('base64'))
    }
  })
})
