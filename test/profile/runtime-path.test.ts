import {describe, expect, it} from 'vitest'
import {guessOciRuntime, kernelHasOtn, parseVersion} from '../../src/profile/runtime-path.js'

describe('kernel and runtime path', () => {
  it('reads major.minor from kernel and CRI version strings', () => {
    expect(parseVersion('6.8.0-1021-aws')).toEqual({major: 6, minor: 8})
    expect(parseVersion('v1.34.2')).toEqual({major: 1, minor: 34})
    expect(parseVersion('unknown')).toBeNull()
  })

  it('treats Linux 7.0 and later as having OPEN_TREE_NAMESPACE', () => {
    expect(kernelHasOtn('7.0.0')).toBe(true)
    expect(kernelHasOtn('7.1.5-arch1')).toBe(true)
    expect(kernelHasOtn('6.18.4')).toBe(false)
    expect(kernelHasOtn('')).toBe(false)
  })

  it("infers each CRI's default OCI runtime and whether it uses OTN", () => {
    expect(guessOciRuntime('containerd://2.0.6')).toMatchObject({name: 'runc', usesOtn: false})
    expect(guessOciRuntime('cri-o://1.34.1')).toMatchObject({name: 'crun ≥ 1.29', usesOtn: true})
    expect(guessOciRuntime('cri-o://1.31.0')).toMatchObject({name: 'crun < 1.29', usesOtn: false})
    expect(guessOciRuntime('cri-o://1.29.0')).toMatchObject({name: 'runc', usesOtn: false})
    expect(guessOciRuntime('docker://27.0')).toMatchObject({usesOtn: false})
  })

  it('lets --oci-runtime override the inference', () => {
    expect(guessOciRuntime('containerd://1.7.24', 'crun')).toMatchObject({usesOtn: true, basis: 'set with --oci-runtime'})
    expect(guessOciRuntime('cri-o://1.34.1', 'crun-legacy')).toMatchObject({name: 'crun < 1.29', usesOtn: false})
  })
})
