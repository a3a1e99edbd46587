// Runs the test API server in its own process (see startTestApiServerProcess): options as JSON
// in argv[2]; prints {url, kubeconfigPath} on one line; stops when stdin closes.
import {startTestApiServer, type TestApiServerOptions} from './index.js'

const opts = JSON.parse(process.argv[2] ?? '{}') as TestApiServerOptions
const api = await startTestApiServer(opts)
process.stdout.write(`${JSON.stringify({url: api.url, kubeconfigPath: api.kubeconfigPath})}\n`)
process.stdin.resume()
process.stdin.on('end', () => void api.close().then(() => process.exit(0)))
