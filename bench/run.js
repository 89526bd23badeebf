// npm run bench [-- --quick] [--reps=3] [--build] [--no-portkey]
//
// Starts the mock upstream, the floor, Manifold (built as users run it) and Portkey's gateway, each as its
// own process on 127.0.0.1, runs the scenarios interleaved, then writes bench/results/latest.json, the
// chart bench/results/chart.svg and the figures section of BENCHMARKS.md. `--quick` is the CI smoke test:
// small runs that check every system answered correctly (not speed), in well under a minute; its output
// goes to bench/results/quick.tmp and nothing committed changes.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { scrapeUsageFlush } from './flush-metrics.js'
import { machineInfo, rssMb } from './machine.js'
import { renderChart, renderMarkdown, summarize, updateBenchmarksMd } from './report.js'
import { addedLatency, checkAnswers, checkFanOut, fanOut, streaming, throughput } from './scenarios.js'
import { BENCH_DIR, buildManifold, ensurePortkey, startFloor, startManifold, startMock, startPortkey } from './systems.js'

const args = new Set(process.argv.slice(2).filter((a) => !a.includes('=')))
const valued = Object.fromEntries(process.argv.slice(2).filter((a) => a.includes('=')).map((a) => a.replace(/^--/, '').split('=')))
const quick = args.has('--quick')
const reps = Number(valued.reps ?? (quick ? 1 : 3))
const started = performance.now()
const log = (msg) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}\n`)

const plan = quick
  ? { a: { amount: 20, warm: false }, b: { fixedAmount: 64 }, c: { total: 2, concurrency: 2, warm: false }, d: { amountSerial: 2, amountParallel: 64, warm: false } }
  : { a: { amount: 2000 }, b: { seconds: 4 }, c: { total: 24, concurrency: 8 }, d: { amountSerial: 40, amountParallel: 1280 } }

/** Runs one scenario; an error marks it "not available" with the reason instead of ending the run. */
async function attempt(name, fn) {
  try {
    return await fn()
  } catch (err) {
    log(`${name}: not available: ${err.message}`)
    return { notAvailable: err.message }
  }
}

function countUsageRows(dbPath) {
  const db = new Database(dbPath, { readonly: true })
  try {
    const total = db.prepare('select count(*) as n from usage').get().n
    const byOutcome = Object.fromEntries(db.prepare('select outcome, count(*) as n from usage group by outcome').all().map((r) => [r.outcome, r.n]))
    return { total, byOutcome }
  } finally {
    db.close()
  }
}

async function main() {
  const machineAtStart = machineInfo()
  log(`machine: ${machineAtStart.cpu}, ${machineAtStart.cores} cores, Node ${machineAtStart.node}, load ${machineAtStart.loadAverage.join(' ')}`)
  // --quick (CI) measures the build `npm ci` just made; it rebuilds only when dist/ is missing.
  const build = buildManifold({ force: args.has('--build'), onlyIfMissing: quick })
  if (build.warning) log(build.warning)
  else log(build.built ? 'built Manifold (npm run build)' : 'Manifold build is current')

  const portkeyInstall = args.has('--no-portkey') ? { ok: false, reason: 'skipped (--no-portkey)' } : ensurePortkey(log)
  const systems = []
  const problems = []
  const notes = []
  let exitCode = 0
  try {
    const mock = await startMock()
    systems.push(mock)
    const floor = await startFloor(mock.url)
    systems.push(floor)
    const manifold = await startManifold(mock.url)
    systems.push(manifold)
    let portkey = null
    if (portkeyInstall.ok) {
      try {
        portkey = await startPortkey()
        systems.push(portkey)
      } catch (err) {
        portkeyInstall.ok = false
        portkeyInstall.reason = err.message
      }
    }
    if (!portkeyInstall.ok) notes.push(`Portkey not measured: ${portkeyInstall.reason}`)
    log(`started: mock ${mock.url}, floor ${floor.url}, manifold ${manifold.url}${portkey ? `, portkey ${portkey.url}` : ''}`)

    const path = '/v1/chat/completions'
    const direct = { name: 'direct', url: `${mock.url}${path}`, headers: {}, model: 'gpt-4o-mini', pid: null }
    const targets = [
      { name: 'floor', url: `${floor.url}${path}`, headers: {}, model: 'gpt-4o-mini', pid: floor.pid },
      { name: 'manifold', url: `${manifold.url}${path}`, headers: { authorization: `Bearer ${manifold.key}` }, model: 'openai/gpt-4o-mini', pid: manifold.pid, rowsExpected: 0 },
    ]
    if (portkey) {
      targets.push({
        name: 'portkey', url: `${portkey.url}${path}`, model: 'gpt-4o-mini', pid: portkey.pid,
        headers: { authorization: 'Bearer sk-bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${mock.url}/v1` },
      })
    }
    const manifoldTarget = targets[1]

    const correctness = {}
    for (const t of [direct, ...targets]) {
      const found = await checkAnswers(t)
      correctness[t.name] = found.length ? found : 'ok'
      for (const p of found) problems.push(`${t.name}: ${p}`)
    }
    const fanProblems = [await checkFanOut(manifoldTarget, 'fan2', 2), await checkFanOut(manifoldTarget, 'fan3', 3)].filter(Boolean)
    correctness['manifold fan-out'] = fanProblems.length ? fanProblems : 'ok'
    log(`answers: ${Object.entries(correctness).map(([k, v]) => `${k} ${v === 'ok' ? 'ok' : 'WRONG'}`).join(', ')}`)

    const rssIdle = Object.fromEntries(targets.map((t) => [t.name, rssMb(t.pid)]))
    const usable = targets.filter((t) => correctness[t.name] === 'ok')
    const results = { rssIdleMb: rssIdle }
    results.latency = await attempt('(a) added latency', () => addedLatency(usable, direct, { reps, log, ...plan.a }))
    results.throughput = await attempt('(b) throughput', () => throughput(usable, direct, { reps, log, ...plan.b }))
    results.streaming = await attempt('(c) streaming', () => streaming(usable, direct, { reps, log, ...plan.c }))
    results.fanOut = fanProblems.length
      ? { notAvailable: fanProblems.join('; ') }
      : await attempt('(d) fan-out', () => fanOut(manifoldTarget, mock.url, { reps, log, floor, ...plan.d }))

    // (h) The usage flush timings under the load just run, from Manifold's /metrics.
    results.usageFlush = await attempt('(h) usage flush', () => scrapeUsageFlush(manifold))

    // (g) SIGTERM lets Manifold flush its last usage batch; then its database is read.
    const exit = await manifold.stop('SIGTERM')
    const rows = countUsageRows(manifold.dbPath)
    manifold.cleanup()
    results.usageRows = { expected: manifoldTarget.rowsExpected, written: rows.total, missing: manifoldTarget.rowsExpected - rows.total, byOutcome: rows.byOutcome, exit }
    if (results.usageRows.missing !== 0) problems.push(`manifold: ${results.usageRows.written} usage rows for ${results.usageRows.expected} attempts served`)

    const machine = { ...machineAtStart, loadAverageAtStart: machineAtStart.loadAverage, loadAverageAtEnd: machineInfo().loadAverage }
    delete machine.loadAverage
    const report = summarize({ machine, quick, reps, plan, correctness, results, notes, portkeyVersion: portkey ? '1.15.2' : null })
    process.stdout.write(`${renderMarkdown(report)}\n`)
    const outDir = join(BENCH_DIR, 'results')
    mkdirSync(outDir, { recursive: true })
    if (quick) {
      writeFileSync(join(outDir, 'quick.tmp'), `${JSON.stringify(report, null, 2)}\n`)
    } else {
      writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`)
      writeFileSync(join(outDir, 'chart.svg'), renderChart(report))
      updateBenchmarksMd(report)
      log('wrote bench/results/latest.json, bench/results/chart.svg and BENCHMARKS.md')
    }
    for (const [name, value] of Object.entries(results)) {
      if (value && value.notAvailable) problems.push(`${name}: ${value.notAvailable}`)
    }
  } catch (err) {
    problems.push(err.message)
  } finally {
    for (const s of systems.reverse()) await s.stop('SIGTERM', 5_000)
  }
  if (problems.length) {
    exitCode = 1
    log(`FAILED:\n  ${problems.join('\n  ')}`)
  } else {
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  process.exit(exitCode)
}

void main()
