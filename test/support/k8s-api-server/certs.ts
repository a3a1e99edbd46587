import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

/**
 * Test-only TLS material, generated at test time with `openssl` into a temp dir (no private keys
 * in git, nothing to expire). EC P-256 keys: fast to make, accepted by Node and Go (kubectl).
 * The server certificate needs a SAN for 127.0.0.1: Node and Go ignore the CN.
 */
export interface TestCerts {
  caPath: string
  caPem: string
  certPem: string
  keyPem: string
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, {cwd, stdio: ['ignore', 'ignore', 'pipe']})
}

/** A self-signed CA alone (used as a wrong CA for TLS-mismatch tests). */
export function makeCa(dir: string, name: string): {keyPath: string; caPath: string} {
  const keyPath = join(dir, `${name}.key`)
  const caPath = join(dir, `${name}.crt`)
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyPath], dir)
  openssl(['req', '-x509', '-new', '-key', keyPath, '-out', caPath, '-days', '2', '-subj', `/CN=${name}`], dir)
  return {keyPath, caPath}
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it. */
export function makeServerCerts(dir: string): TestCerts {
  const ca = makeCa(dir, 'densityplan-test-ca')
  const key = join(dir, 'server.key')
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], dir)
  openssl(['req', '-new', '-key', key, '-out', 'server.csr', '-subj', '/CN=densityplan-test-apiserver'], dir)
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n')
  openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', ca.caPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf'],
    dir,
  )
  return {caPath: ca.caPath, caPem: readFileSync(ca.caPath, 'utf8'), certPem: readFileSync(join(dir, 'server.crt'), 'utf8'), keyPem: readFileSync(key, 'utf8')}
}
