import {describe, expect, it} from 'vitest'
import {asBin} from '../../src/commands/base-command.js'

describe('advice names the CLI as it was started', () => {
  it('rewrites `densityplan <command>` to `kubectl densityplan <command>` for the kubectl plugin', () => {
    expect(asBin('pass the JSON written by `densityplan analyze --format json --out FILE`', 'kubectl densityplan')).toBe(
      'pass the JSON written by `kubectl densityplan analyze --format json --out FILE`',
    )
    expect(asBin('run densityplan collect, then densityplan report r.json', 'kubectl densityplan')).toBe(
      'run kubectl densityplan collect, then kubectl densityplan report r.json',
    )
  })

  it('leaves text alone when started as densityplan, and never touches paths, the API group or an existing kubectl prefix', () => {
    const text = 'see docs/densityplan analyze.md, densityplan.dev/v1alpha1, ./densityplan report, kubectl densityplan analyze'
    expect(asBin(text, 'kubectl densityplan')).toBe(text)
    expect(asBin('densityplan analyze --demo', 'densityplan')).toBe('densityplan analyze --demo')
  })
})
