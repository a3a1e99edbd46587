import {describe, expect, it} from 'vitest'
import {fromKubectlArgs} from '../../src/cli/kubectl-args.js'

describe('kubectl plugin arguments', () => {
  it('passes --kubeconfig, --context and densityplan flags through unchanged', () => {
    expect(fromKubectlArgs(['analyze', '--context', 'prod', '--kubeconfig=/k', '--slo', '5s'])).toEqual({
      ok: true,
      argv: ['analyze', '--context', 'prod', '--kubeconfig=/k', '--slo', '5s'],
    })
  })

  it('accepts every spelling kubectl takes for -n and -A', () => {
    for (const spelling of [['-n', 'shop'], ['-n=shop'], ['-nshop'], ['--namespace', 'shop']]) {
      const r = fromKubectlArgs(['analyze', ...spelling])
      expect(r).toEqual({ok: true, argv: ['analyze', ...(spelling[0] === '--namespace' ? spelling : ['--namespace', 'shop'])]})
    }
    expect(fromKubectlArgs(['analyze', '-A'])).toEqual({ok: true, argv: ['analyze', '-A']})
    expect(fromKubectlArgs(['analyze', '--all-namespaces=true'])).toEqual({ok: true, argv: ['analyze', '--all-namespaces']})
  })

  it('rejects kubectl connection flags with a fix that points to kubeconfig contexts', () => {
    for (const flag of ['--server=https://x', '-s', '--token=abc', '--user', '--as=admin', '-v=6']) {
      const r = fromKubectlArgs(['analyze', flag])
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.fix).toMatch(/--context/)
    }
  })

  it('shows help when called with no arguments', () => {
    expect(fromKubectlArgs([])).toEqual({ok: true, argv: ['--help']})
  })
})
