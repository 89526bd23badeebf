/* global AbortSignal */
// npm run bench:workers [-- --plain=200 --streams=24]
//
// CPU time per request inside workerd, against the Workers free plan's 10 ms CPU limit. Starts the bench mock
// and the worker under `wrangler dev --local` (workerd, local D1 and Durable Objects, on a temp state folder),
// creates a virtual key, warms the worker, then measures: an idle baseline (CPU workerd burns doing nothing),
// N plain calls and N streamed calls. CPU is utime + stime of every workerd process wrangler started (from
// /proc/PID/stat) over each phase, minus the idle rate over the phase's wall time, divided by the calls.
//
// It is an upper bound on what Cloudflare bills: locally the same processes also run workerd's HTTP stack,
// the local D1 database and the key limiter's Durable Object, which the deployed Worker's CPU time does not
// count. Bounded: every step has a timeout and the whole run stops after 4 minutes. The table goes to stdout
// and between the workers:start / workers:end markers of BENCHMARKS.md.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newStreamAgent, streamMany, hammer } from './load.js'
import { cpuMs, machineInfo } from './machine.js'
import { replaceBenchmarksSection } from './report.js'
import { streamedText } from './mock-upstream.js'
import { jsonBody, streamBody } from './scenarios.js'
import { freePort, ROOT, startMock } from './systems.js'

const valued = Object.fromEntries(process.argv.slice(2).filter((a) => a.includes('=')).map((a) => a.replace(/^--/, '').split('=')))
const PLAIN = Number(valued.plain ?? 200)
const STREAMS = Number(valued.streams ?? 24)
const FREE_PLAN_CPU_MS = 10
const ADMIN_KEY = 'mk-admin-bench-workers-0123456789abcdef'
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler')
const started = performance.now()
const log = (msg) => process.stderr.write(`[bench:workers ${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}\n`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function run(command, args, timeout) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${`${result.stdout}${result.stderr}`.slice(-2000)}`)
}

/** Every process below `root` (by parent pid, from /proc), with its command name. */
function descendants(root) {
  const parents = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(Number(entry), { ppid, name })
    } catch {
      // The process ended while we looked.
    }
  }
  const below = []
  const walk = (pid) => {
    for (const [child, info] of parents) {
      if (info.ppid === pid) {
        below.push({ pid: child, name: info.name })
        walk(child)
      }
    }
  }
  walk(root)
  return below
}

/** CPU of each process over `phase`, the idle rate of each taken out, per call. */
async function measure(processes, calls, phase) {
  const before = processes.map((p) => cpuMs(p.pid))
  const wallBefore = performance.now()
  await phase()
  const wallMs = performance.now() - wallBefore
  const out = { calls, wallMs: Math.round(wallMs) }
  processes.forEach((p, i) => {
    const cpu = cpuMs(p.pid) - before[i]
    out[p.role] = { cpuMs: cpu, cpuMsPerCall: Math.max(0, cpu - (p.idleMsPerMs ?? 0) * wallMs) / calls }
  })
  return out
}

async function startWrangler(mockUrl, stateDir) {
  const port = await freePort()
  const inspectorPort = await freePort()
  const child = spawn(WRANGLER, [
    'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--inspector-ip', '127.0.0.1',
    '--persist-to', stateDir, '--show-interactive-dev-session=false', '--log-level', 'warn',
    '--var', `MANIFOLD_ADMIN_KEY:${ADMIN_KEY}`, '--var', 'OPENAI_API_KEY:sk-bench', '--var', `OPENAI_BASE_URL:${mockUrl}/v1`,
  ], { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  child.stdout.on('data', (d) => { output = (output + d).slice(-8192) })
  child.stderr.on('data', (d) => { output = (output + d).slice(-8192) })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (code ${child.exitCode}):\n${output.slice(-2000)}`)
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
      if (res.status < 500) return { child, url, output: () => output }
    } catch {
      // Not listening yet.
    }
    await sleep(100)
  }
  throw new Error(`wrangler dev did not answer within 60 s:\n${output.slice(-2000)}`)
}

/** This run's table, between the workers markers of BENCHMARKS.md. */
function writeFiguresSection(lines) {
  const m = machineInfo()
  replaceBenchmarksSection('workers', [
    `_Generated by \`npm run bench:workers\` on ${new Date().toISOString()}: ${m.cpu}, ${m.cores} cores, load average ${m.loadAverage.join(' ')}; wrangler ${wranglerVersion()}._`,
    '',
    ...lines,
  ].join('\n'))
}

function wranglerVersion() {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'wrangler', 'package.json'), 'utf8')).version
  } catch {
    return 'unknown'
  }
}

async function main() {
  const deadline = setTimeout(() => {
    log('stopped: the run took longer than 4 minutes')
    process.exit(2)
  }, 240_000)
  const stateDir = mkdtempSync(join(tmpdir(), 'manifold-bench-workers-'))
  let mock
  let wrangler
  let exitCode = 0
  try {
    log('preparing the worker assets and the local D1 database')
    run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'worker-assets.ts')], 60_000)
    run(WRANGLER, ['d1', 'migrations', 'apply', 'manifold', '--local', '--persist-to', stateDir], 120_000)
    mock = await startMock()
    wrangler = await startWrangler(mock.url, stateDir)
    // wrangler dev runs two workerd processes: the worker itself (with the inspector) and a proxy in front of it.
    const processes = descendants(wrangler.child.pid).filter((p) => p.name.startsWith('workerd')).map((p) => ({
      pid: p.pid, role: readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('--inspector-addr') ? 'worker' : 'proxy',
    }))
    if (!processes.some((p) => p.role === 'worker')) throw new Error('found no workerd process running the worker under wrangler dev')
    log(`worker at ${wrangler.url}; workerd ${processes.map((p) => `${p.role} pid ${p.pid}`).join(', ')}`)

    const created = await fetch(`${wrangler.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }) })
    const { key } = await created.json()
    if (created.status !== 201 || typeof key !== 'string') throw new Error(`POST /admin/keys answered ${created.status}`)
    const target = { url: `${wrangler.url}/v1/chat/completions`, headers: { authorization: `Bearer ${key}` } }
    const agent = newStreamAgent()
    const plainRun = async (amount) => {
      const r = await hammer({ ...target, body: jsonBody('openai/gpt-4o-mini'), connections: 4, amount })
      if (r.ok !== amount) throw new Error(`${r.ok}/${amount} plain calls answered 2xx (${r.non2xx} non-2xx, ${r.errors} errors)`)
    }
    const streamRun = async (total) => {
      const results = await streamMany({ ...target, body: streamBody('openai/gpt-4o-mini'), total, concurrency: Math.min(8, total), agent })
      const bad = results.filter((r) => r.status !== 200 || !r.done || r.text !== streamedText())
      if (bad.length) throw new Error(`${bad.length}/${total} streams incomplete or wrong`)
    }
    log('warming')
    await plainRun(50)
    await streamRun(4)
    await sleep(500)
    const idle = await measure(processes, 1, () => sleep(3000))
    for (const p of processes) p.idleMsPerMs = idle[p.role].cpuMs / idle.wallMs
    const plain = await measure(processes, PLAIN, () => plainRun(PLAIN))
    const streamed = await measure(processes, STREAMS, () => streamRun(STREAMS))
    await agent.close()

    const row = (name, m) => `| ${name} | ${m.calls} | ${m.wallMs} | ${m.worker.cpuMsPerCall.toFixed(2)} | ${(100 * m.worker.cpuMsPerCall / FREE_PLAN_CPU_MS).toFixed(0)}% | ${m.proxy ? m.proxy.cpuMsPerCall.toFixed(2) : 'n/a'} |`
    const lines = [
      `workerd idle: ${processes.map((p) => `${p.role} ${(p.idleMsPerMs * 1000).toFixed(1)} ms CPU per second`).join(', ')} (taken out of each phase).`,
      '',
      '| call | calls | wall (ms) | worker CPU per call (ms) | of the free plan\'s 10 ms | wrangler\'s proxy, not billed (ms) |',
      '|---|---|---|---|---|---|',
      row('plain (JSON)', plain),
      row('streamed (66 SSE chunks)', streamed),
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
    writeFiguresSection(lines)
    if (plain.worker.cpuMsPerCall > FREE_PLAN_CPU_MS || streamed.worker.cpuMsPerCall > FREE_PLAN_CPU_MS) {
      log(`above the free plan's ${FREE_PLAN_CPU_MS} ms CPU per request (an upper bound: see the top of this file)`)
    }
  } catch (err) {
    log(`FAILED: ${err.message}`)
    exitCode = 1
  } finally {
    clearTimeout(deadline)
    if (wrangler && wrangler.child.exitCode === null) {
      // wrangler was started in its own process group: end it and the workerd processes it started.
      try { process.kill(-wrangler.child.pid, 'SIGTERM') } catch { /* already gone */ }
      await Promise.race([new Promise((r) => wrangler.child.once('exit', r)), sleep(5000)])
      try { process.kill(-wrangler.child.pid, 'SIGKILL') } catch { /* already gone */ }
    }
    await mock?.stop('SIGTERM', 2000)
    rmSync(stateDir, { recursive: true, force: true })
  }
  process.exit(exitCode)
}

void main()
