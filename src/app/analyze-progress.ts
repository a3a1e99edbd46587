import cliProgress from 'cli-progress'

/**
 * Progress of a long analysis on stderr: a bar with ETA on a terminal, one plain line per ~10%
 * otherwise (cli-progress's noTTYOutput), never on stdout, never with --json.
 */
export function startProgress(stream: NodeJS.WriteStream = process.stderr): {update: (done: number, total: number) => void; stop: () => void} {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'simulating {bar} {percentage}% | {value}/{total} runs | ETA {eta_formatted}',
      noTTYOutput: !stream.isTTY,
      notTTYSchedule: 2000,
      hideCursor: false,
      clearOnComplete: stream.isTTY,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done)
        started = true
      } else {
        bar.setTotal(total)
        bar.update(done)
      }
    },
    stop() {
      if (started) bar.stop()
    },
  }
}
