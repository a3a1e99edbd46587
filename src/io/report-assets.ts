import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {InputError} from '../errors/errors.js'
import type {ReportAssets} from '../report/page-shell.js'

/**
 * Reads the vega, vega-lite and vega-embed UMD bundles that the HTML report inlines. The
 * packages' `exports` maps hide `build/*.min.js` from `require.resolve`, so resolve each package's
 * entry (which lives in build/) and read the sibling minified UMD file.
 */
export async function loadReportAssets(): Promise<ReportAssets> {
  const [vega, vegaLite, vegaEmbed] = await Promise.all([
    readBundle('vega', 'vega.min.js'),
    readBundle('vega-lite', 'vega-lite.min.js'),
    readBundle('vega-embed', 'vega-embed.min.js'),
  ])
  return {vega, vegaLite, vegaEmbed}
}

async function readBundle(pkg: string, file: string): Promise<string> {
  const require = createRequire(import.meta.url)
  let path: string
  try {
    path = join(dirname(require.resolve(pkg)), file)
    return await readFile(path, 'utf8')
  } catch (err) {
    throw new InputError(
      `cannot read the ${pkg} browser bundle (${file}) needed for the HTML report`,
      "reinstall densityplan's dependencies (npm ci), or choose --format json,csv,md",
      {cause: err},
    )
  }
}
