import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Browser} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {loadReportAssets} from '../../src/io/report-assets.js'
import {buildCharts} from '../../src/report/charts/index.js'
import {renderOutputs} from '../../src/report/index.js'
import {XSS_IMG, XSS_SCRIPT, makeHostileResult, makeResult} from '../report/fixtures/result.js'
import {launchChromium, openReport, type OpenedReport} from '../support/browser.js'

const artifacts = join(import.meta.dirname, '..', '..', 'test-artifacts')

/** Data marks per chart: every path vega drew for a role-mark group, legends and axes excluded. */
async function dataMarkCounts(opened: OpenedReport, ids: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const id of ids) {
    counts[id] = await opened.page
      .locator(`#${id} svg g.role-mark:not(.role-legend *):not(.role-axis *) > path, #${id} svg g.role-mark:not(.role-legend *):not(.role-axis *) > line`)
      .count()
  }
  return counts
}

describe('the HTML report in Chromium', () => {
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    browser = await launchChromium()
    dir = mkdtempSync(join(tmpdir(), 'densityplan-report-'))
  })
  afterAll(async () => {
    await browser?.close()
    rmSync(dir, {recursive: true, force: true})
  })

  it('renders every chart offline, with no console errors and no requests beyond the file', async () => {
    const result = makeResult()
    const file = join(dir, 'report.html')
    writeFileSync(file, renderOutputs(result, ['html'], await loadReportAssets()).html!)
    const opened = await openReport(browser, file, {width: 1280, height: 900})
    expect(opened.renderError).toBeUndefined()
    expect(opened.errors).toEqual([])
    expect(opened.foreignRequests).toEqual([])
    const ids = buildCharts(result).map((c) => c.id)
    const counts = await dataMarkCounts(opened, ids)
    for (const id of ids) expect(counts[id], `${id} has data marks`).toBeGreaterThan(0)
    // The max-pods chart draws one bar per pool and path.
    expect(await opened.page.locator('#chart-max-pods svg g.layer_0_marks path').count()).toBe(result.pools.length * 2)
    // Choosing a node class in one chart's dropdown switches every chart that has one.
    const selects = opened.page.locator('.vega-bindings select')
    expect(await selects.count()).toBe(3)
    const target = result.classes[2]!.id
    await selects.nth(0).selectOption(target)
    await expect.poll(async () => Promise.all([1, 2].map((i) => selects.nth(i).inputValue()))).toEqual([target, target])
    await opened.page.waitForTimeout(100)
    expect(opened.errors).toEqual([])
    await selects.nth(0).selectOption(result.classes[0]!.id)
    mkdirSync(artifacts, {recursive: true})
    await opened.page.screenshot({path: join(artifacts, 'report.png'), fullPage: true})
    await opened.page.close()
  })

  it('shows hostile cluster names as text: no script runs, no dialog, no <img> from data', async () => {
    const file = join(dir, 'hostile.html')
    writeFileSync(file, renderOutputs(makeHostileResult(), ['html'], await loadReportAssets()).html!)
    const opened = await openReport(browser, file)
    expect(opened.renderError).toBeUndefined()
    expect(opened.errors).toEqual([])
    expect(opened.dialogs).toEqual([])
    expect(await opened.page.locator('img').count()).toBe(0)
    // The payloads are visible, verbatim, as text in the tables and headings.
    const text = await opened.page.locator('main').innerText()
    expect(text).toContain(`pool${XSS_SCRIPT}`)
    expect(text).toContain(`pool${XSS_IMG}`)
    expect(text).toContain(`${XSS_IMG}node-10`)
    expect(await opened.page.locator('h1').innerText()).toContain(`${XSS_SCRIPT}/${XSS_IMG}`)
    // Charts still render with the hostile names in their data.
    expect(await opened.page.locator('#chart-max-pods svg g.layer_0_marks path').count()).toBe(6)
    // Only the page's own scripts exist: 3 vega bundles, the bootstrap, and the JSON data block.
    expect(await opened.page.locator('script').count()).toBe(5)
    await opened.page.waitForTimeout(200)
    expect(opened.dialogs).toEqual([])
    await opened.page.close()
  })
})
