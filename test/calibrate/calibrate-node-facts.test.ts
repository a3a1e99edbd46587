import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {MIN_RUNTIME_OPERATIONS, parseFacts, runtimeStartSamples} from '../../src/app/calibrate-node-facts.js'

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'real-world', name), 'utf8')

describe("runtime start times from a node's kubelet histograms", () => {
  // A real EKS 1.21 kubelet: 67 create_container and 67 start_container operations.
  const eks = fixture('kubelet-metrics-eks-v1.21-excerpt-datadog-fixture.prom')

  it('reads create_container + start_container of a real kubelet at 49 quantiles, in order', () => {
    const r = runtimeStartSamples(eks)!
    expect(r.operations).toEqual(['create_container', 'start_container'])
    expect(r.starts).toBe(67)
    expect(r.startNs).toHaveLength(49)
    expect(r.startNs).toEqual([...r.startNs].sort((a, b) => a - b))
  })

  it("puts the median start between the sums of the bucket edges that hold each operation's median", () => {
    // Medians (rank 33.5 of 67): create_container in (0.03125, 0.078125], start_container in (0.078125, 0.1953125].
    const median = runtimeStartSamples(eks)!.startNs[24]!
    expect(median).toBeGreaterThan((0.03125 + 0.078125) * 1e9)
    expect(median).toBeLessThanOrEqual((0.078125 + 0.1953125) * 1e9)
  })

  it('gives nothing for a kubelet without the histogram (1.13 exposes only summaries)', () => {
    expect(runtimeStartSamples(fixture('kubelet-metrics-full-v1.13.4-netdata-testdata.prom'))).toBeNull()
  })

  it('gives nothing when the node has started fewer containers than the minimum', () => {
    const n = MIN_RUNTIME_OPERATIONS - 1
    const text = ['0.1', '1', '+Inf']
      .map((le) => `kubelet_runtime_operations_duration_seconds_bucket{operation_type="start_container",le="${le}"} ${n}`)
      .join('\n')
    expect(runtimeStartSamples(text)).toBeNull()
  })
})

describe('node facts read in the calibration pod', () => {
  it("parses the facts script's key=value lines, keeping spaces inside values", () => {
    const f = parseFacts(
      'release=6.1.0-28-cloud-amd64\nmachine=x86_64\ncpu=Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\ncores=8\nhz=250\nmounts=  412\nloadavg=0.52 0.41 0.30 2/913 12345\n',
    )
    expect(f).toEqual({
      release: '6.1.0-28-cloud-amd64',
      machine: 'x86_64',
      cpu: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz',
      cores: 8,
      hz: 250,
      mounts: 412,
      loadavg: '0.52/0.41/0.30',
    })
  })

  it('leaves CONFIG_HZ undefined when the node has no readable kernel config', () => {
    expect(parseFacts('release=6.8.0\ncores=4\nhz=\n').hz).toBeUndefined()
  })
})
