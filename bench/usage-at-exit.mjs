// Preloaded into a benchmarked CLI process (node --import): at exit, writes the process's own
// CPU time and peak RSS to $DP_USAGE_FILE, so the benchmark gets them without /usr/bin/time.
import {writeFileSync} from 'node:fs'

process.on('exit', () => {
  const file = process.env.DP_USAGE_FILE
  if (!file) return
  const cpu = process.cpuUsage()
  writeFileSync(file, JSON.stringify({cpuS: (cpu.user + cpu.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024}))
})
