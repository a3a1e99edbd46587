import {describe, expect, it} from 'vitest'
import {histogramQuery, histogramsFromVectors, nodeOf, readQueryAnswer} from '../../src/cluster/prometheus-query.js'
import {checkPrometheusOptions} from '../../src/cluster/prometheus-source.js'
import {InputError} from '../../src/errors/errors.js'

describe('Prometheus queries and answers', () => {
  it('sums increase() by le and the node label, and _sum/_count without le', () => {
    expect(histogramQuery('kubelet_pod_start_sli_duration_seconds', 'bucket', '7d', ['node'])).toBe(
      'sum by (le, node) (increase(kubelet_pod_start_sli_duration_seconds_bucket[7d]))',
    )
    expect(histogramQuery('kubelet_pod_start_sli_duration_seconds', 'count', '36h', ['instance'])).toBe(
      'sum by (instance) (increase(kubelet_pod_start_sli_duration_seconds_count[36h]))',
    )
  })

  it('maps instance labels to node names without the port, other labels as they are', () => {
    expect(nodeOf({instance: 'ip-10-0-1-2.ec2.internal:10250'}, 'instance')).toBe('ip-10-0-1-2.ec2.internal')
    expect(nodeOf({node: 'n:1'}, 'node')).toBe('n:1')
    expect(nodeOf({}, 'node')).toBeNull()
  })

  it('classifies query errors, non-Prometheus answers and vectors, skipping NaN samples', () => {
    expect(readQueryAnswer('{"status":"error","errorType":"bad_data","error":"parse error"}')).toEqual({
      kind: 'error',
      errorType: 'bad_data',
      error: 'parse error',
    })
    expect(readQueryAnswer('<html>').kind).toBe('not-prometheus')
    expect(readQueryAnswer('{"status":"success","data":{"resultType":"matrix","result":[]}}').kind).toBe('not-prometheus')
    expect(
      readQueryAnswer(
        '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"le":"1"},"value":[1,"2.5"]},{"metric":{"le":"2"},"value":[1,"NaN"]}]}}',
      ),
    ).toEqual({kind: 'vector', samples: [{metric: {le: '1'}, value: 2.5}]})
  })

  it('builds cumulative histograms per node, +Inf last, sums and counts only for nodes with buckets', () => {
    const v = (node: string, le: string | undefined, value: number) => ({metric: {node, ...(le ? {le} : {})}, value})
    const h = histogramsFromVectors(
      {bucket: [v('a', '+Inf', 4), v('a', '1', 3), v('a', '0.5', 1)], sum: [v('a', undefined, 2.5), v('b', undefined, 9)], count: [v('a', undefined, 4)]},
      (m) => m['node'] ?? null,
    )
    expect([...h.keys()]).toEqual(['a'])
    expect(h.get('a')).toEqual({
      buckets: [
        {le: 0.5, count: 1},
        {le: 1, count: 3},
        {le: null, count: 4},
      ],
      sum: 2.5,
      count: 4,
    })
  })

  it('rejects a bad URL, a URL with credentials, a bad window or label before any request (exit 2)', () => {
    const ok = {url: 'http://prometheus:9090', window: '7d'}
    for (const bad of [
      {...ok, url: 'prometheus:9090'},
      {...ok, url: 'ftp://x'},
      {...ok, url: 'http://u:p@prometheus:9090'},
      {...ok, window: '7 days'},
      {...ok, nodeLabel: 'kubernetes.io/hostname'},
    ]) {
      expect(() => checkPrometheusOptions(bad)).toThrow(InputError)
    }
    expect(checkPrometheusOptions({...ok, window: '1h30m', nodeLabel: 'kubernetes_io_hostname'}).host).toBe('prometheus:9090')
  })
})
