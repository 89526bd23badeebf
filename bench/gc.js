// What each call allocates and keeps, the floor's and Manifold's: both run under `--trace-gc-nvp` and take
// the same load (64 connections, JSON answers, the bench mock), alternated. V8's own line for each
// young-generation collection says how much was allocated since the last one, how much of it was promoted
// to the old generation (lived through two collections), and how long the main thread was paused.
//
//   node bench/gc.js [--amount=10000] [--rounds=3]
import { hammer } from './load.js'
import { jsonBody } from './scenarios.js'
import { startFloor, startManifold, startMock } from './systems.js'

const valued = Object.fromEntries(process.argv.slice(2).filter((a) => a.includes('=')).map((a) => a.replace(/^--/, '').split('=')))
const amount = Number(valued.amount ?? 10_000)
const rounds = Number(valued.rounds ?? 3)
const GC_ARGS = ['--trace-gc-nvp']

/** Sums the scavenges' figures from a process's stdout (its log lines pass by untouched). */
function gcTally(child) {
  const tally = { allocated: 0, promoted: 0, scavenges: 0, pauseMs: 0 }
  let partial = ''
  child.stdout.on('data', (data) => {
    const lines = (partial + data.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (!line.includes('gc=s ')) continue
      const field = (name) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0)
      tally.allocated += field('allocated')
      tally.promoted += field('promoted')
      tally.pauseMs += field('pause')
      tally.scavenges++
    }
  })
  return tally
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

async function main() {
  const mock = await startMock()
  const floor = await startFloor(mock.url, GC_ARGS)
  const manifold = await startManifold(mock.url, GC_ARGS)
  const systems = [
    { name: 'floor', system: floor, headers: {} },
    { name: 'Manifold', system: manifold, headers: { authorization: `Bearer ${manifold.key}` } },
  ].map((s) => ({ ...s, tally: gcTally(s.system.child), runs: [] }))
  try {
    for (const s of systems) await hammer({ url: `${s.system.url}/v1/chat/completions`, headers: s.headers, body: jsonBody('openai/gpt-4o-mini'), connections: 64, amount: 2_000 })
    for (let round = 0; round < rounds; round++) {
      for (const s of systems) {
        Object.assign(s.tally, { allocated: 0, promoted: 0, scavenges: 0, pauseMs: 0 })
        const run = await hammer({ url: `${s.system.url}/v1/chat/completions`, headers: s.headers, body: jsonBody('openai/gpt-4o-mini'), connections: 64, amount })
        if (run.ok !== amount) throw new Error(`${s.name}: ${run.ok}/${amount} calls answered`)
        s.runs.push({ ...s.tally, calls: run.ok })
      }
    }
  } finally {
    await manifold.stop()
    manifold.cleanup()
    await floor.stop()
    await mock.stop()
  }
  const rows = systems.map((s) => {
    const per = (pick) => median(s.runs.map((r) => pick(r) / r.calls))
    return [s.name, (per((r) => r.allocated) / 1024).toFixed(1), per((r) => r.promoted).toFixed(0), (1000 * per((r) => r.scavenges)).toFixed(1), (1000 * per((r) => r.pauseMs)).toFixed(1)]
  })
  process.stdout.write(`${rounds} rounds of ${amount} calls at 64 connections, medians per call\n\n`)
  process.stdout.write('| system | allocated (KB) | promoted (bytes) | young collections per 1,000 calls | main thread paused (µs) |\n|---|---|---|---|---|\n')
  for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`)
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`)
  process.exit(1)
})
