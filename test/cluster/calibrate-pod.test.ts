import {describe, expect, it} from 'vitest'
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
