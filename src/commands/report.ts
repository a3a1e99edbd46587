import {Args, Flags} from '@oclif/core'
import {parseFormats, renderReport, type ReportSummary} from '../app/report.js'
import {BaseCommand} from './base-command.js'

export default class Report extends BaseCommand {
  static override summary = 'Re-render a saved analysis result as a self-contained HTML report, JSON, CSV, Markdown or OpenMetrics text.'
  static override description =
    'Validates RESULTS.json (written by `densityplan analyze --format json`) and renders it again. The HTML file works offline: ' +
    'the chart runtime is inlined and a Content-Security-Policy blocks every network request. Files are written atomically and never overwritten without --force. ' +
    'With several formats, --out names the base: --out plan.html --format html,json writes plan.html and plan.json.'

  static override examples = [
    '<%= config.bin %> report results.json --out report.html',
    '<%= config.bin %> report results.json --out reports/prod --format html,md,csv',
    '<%= config.bin %> report results.json --out report.html --force --json',
    '<%= config.bin %> report results.json --format prom --out densityplan.prom',
  ]

  static override args = {
    results: Args.string({description: 'Results JSON written by densityplan analyze.', required: true}),
  }

  static override flags = {
    out: Flags.string({char: 'o', description: 'Output file (or base name when several formats are given).', required: true, helpValue: 'FILE'}),
    format: Flags.string({description: 'Comma-separated formats: html, json, csv, md, prom (OpenMetrics text).', default: 'html', helpValue: 'LIST'}),
    force: Flags.boolean({description: 'Overwrite existing output files.', default: false}),
  }

  async run(): Promise<ReportSummary> {
    const {args, flags} = await this.parse(Report)
    const summary = await renderReport({input: args.results, out: flags.out, formats: parseFormats(flags.format), force: flags.force})
    if (!this.jsonEnabled()) {
      for (const f of summary.files) this.log(`wrote ${f.path} (${f.format}, ${formatBytes(f.bytes)})`)
      this.log(`${summary.cluster}: ${summary.headline}${summary.partial ? ' (partial: one shard of a split run)' : ''}`)
    }
    return summary
  }
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(2)} MiB`
}
