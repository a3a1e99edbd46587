import {existsSync} from 'node:fs'
import {pathToFileURL} from 'node:url'
import {chromium, type Browser, type Page} from 'playwright-core'

/** Debian's chromium; scripts/test-prereqs.sh installs it, so a missing binary is a failure, not a skip. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface OpenedReport {
  page: Page
  /** console.error messages and uncaught page errors, in order. */
  errors: string[]
  /** Every request the page made other than the report file itself. */
  foreignRequests: string[]
  /** Messages of alert/confirm/prompt dialogs that fired (each is dismissed). */
  dialogs: string[]
  /** The body's data-error attribute, or undefined when rendering finished. */
  renderError: string | undefined
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run scripts/test-prereqs.sh as root (it apt-get installs chromium)`)
  }
  return chromium.launch({executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS})
}

/** Opens a report file and waits until the page says it rendered (or failed). */
export async function openReport(browser: Browser, file: string, viewport = {width: 1200, height: 900}): Promise<OpenedReport> {
  const page = await browser.newPage({viewport})
  const url = pathToFileURL(file).href
  const errors: string[] = []
  const foreignRequests: string[] = []
  const dialogs: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text())
  })
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('request', (req) => {
    if (req.url() !== url) foreignRequests.push(req.url())
  })
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  await page.goto(url)
  await page.waitForSelector('body[data-rendered="1"], body[data-error]', {timeout: 30_000})
  const renderError = (await page.getAttribute('body', 'data-error')) ?? undefined
  return {page, errors, foreignRequests, dialogs, renderError}
}
