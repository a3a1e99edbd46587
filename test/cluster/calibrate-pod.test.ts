import {describe, expect, it} from 'vitest'
import type {V1Node} from '@kubernetes/client-node'
import {nodeKind} from '../../src/app/calibrate-node-targets.js'
import {calibratePodManifest, execError} from '../../src/cluster/calibrate-pod.js'
import {exitCodeOf} from '../../src/cluster/pod-client.js'

describe('the calibration pod', () => {
  const pod = calibratePodManifest({node: 'ip-10-0-1-17', image: 'busybox:1.37.0', namespace: 'densityplan', deadlineSeconds: 900})

  it('is pinned to the node without the scheduler and tolerates every taint', () => {
    expect(pod.spec?.nodeName).toBe('ip-10-0-1-17')
    expect(pod.spec?.tolerations).toEqual([{operator: 'Exists'}])
  })

  it('is privileged with the host PID namespace, and carries no service-account token', () => {
    expect(pod.spec?.hostPID).toBe(true)
    expect(pod.spec?.containers[0]?.securityContext?.privileged).toBe(true)
    expect(pod.spec?.automountServiceAccountToken).toBe(false)
  })

  it('ends by itself after its deadline if densityplan never deletes it', () => {
    expect(pod.spec?.restartPolicy).toBe('Never')
    expect(pod.spec?.activeDeadlineSeconds).toBe(900)
    expect(pod.spec?.containers[0]?.command).toEqual(['sleep', '900'])
  })
})

describe('exec results and failures', () => {
  it('reads the exit code from a NonZeroExitCode status the way kubectl does', () => {
    expect(exitCodeOf({status: 'Success'})).toBe(0)
    expect(exitCodeOf({status: 'Failure', reason: 'NonZeroExitCode', details: {causes: [{reason: 'ExitCode', message: '3'}]}})).toBe(3)
    expect(exitCodeOf({status: 'Failure', reason: 'InternalError', message: 'exec failed'})).toBe(1)
  })

  it('names the pods/exec permission and the RBAC file when the upgrade is refused with 403', () => {
    const e = execError(new Error('Unexpected server response: 403'), {namespace: 'densityplan', server: 'https://k8s'})
    expect(e.message).toBe('cannot create pods/exec in namespace "densityplan": forbidden (403)')
    expect(e.fix).toContain('docs/rbac-calibrate.yaml')
    expect(e.exitCode).toBe(3)
  })
})

describe('which nodes of a pool are calibrated', () => {
  const node = (name: string, kernel: string, cpu: string, type = 'm7i.large'): V1Node => ({
    metadata: {name, labels: {'node.kubernetes.io/instance-type': type}},
    status: {capacity: {cpu}, nodeInfo: {kernelVersion: kernel, architecture: 'amd64'} as NonNullable<V1Node['status']>['nodeInfo']},
  })

  it('treats nodes with the same kernel, instance type, cores and architecture as one kind', () => {
    expect(nodeKind(node('a', '6.1.0', '8'))).toBe(nodeKind(node('b', '6.1.0', '8')))
  })

  it('tells nodes apart by kernel, by core count and by instance type', () => {
    const base = nodeKind(node('a', '6.1.0', '8'))
    expect(nodeKind(node('b', '6.8.0', '8'))).not.toBe(base)
    expect(nodeKind(node('c', '6.1.0', '16'))).not.toBe(base)
    expect(nodeKind(node('d', '6.1.0', '8', 'c7a.2xlarge'))).not.toBe(base)
  })
})
