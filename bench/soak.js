// npm run soak [-- --quick] [--rounds=N] [--calls=N] [--max-seconds=N]
//
// A bounded soak of the real Node entry (src/node.ts through tsx, its own process, a fresh SQLite file) on
// 127.0.0.1: 64 keep-alive connections, several rounds of chat calls (a third of them streamed) against an
// in-process mock upstream that fails 5% of calls at random (a 500, a reset before the answer, a stream cut
// after two frames). It checks, and exits 1 naming what failed:
//   - every call was answered: an HTTP status and a whole body (JSON, or SSE ending in [DONE] or an error
//     frame); no reset, no hang (30 s per call);
//   - usage rows == upstream attempts (the mock counts them; rows are counted after a SIGTERM flush);
//   - RSS stable: the gateway's RSS after the last round exceeds the RSS after the first by less than
//     RSS_GROWTH_BOUND_MB.
// Bounded in count (rounds × calls) and in time (--max-seconds: no new round starts after it). `--quick` is
// the short form the test suite runs (test/hardening/soak-quick.test.ts), well under a minute.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, createServer, request } from 'node:http'
import { tmpdir } from 'node:os'
import { setImmediate } from 'node:timers'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { rssMb } from './machine.js'
import { ROOT } from './systems.js'

const args = new Set(process.argv.slice(2).filter((a) => !a.includes('=')))
const valued = Object.fromEntries(process.argv.slice(2).filter((a) => a.includes('=')).map((a) => a.replace(/^--/, '').split('=')))
const quick = args.has('--quick')
const CONNECTIONS = 64
const ROUNDS = Number(valued.rounds ?? (quick ? 3 : 8))
const CALLS_PER_ROUND = Number(valued.calls ?? (quick ? 256 : 2000))
const MAX_SECONDS = Number(valued['max-seconds'] ?? (quick ? 40 : 300))
const FAILURE_RATE = 0.05
const CALL_TIMEOUT_MS = 30_000
const RSS_GROWTH_BOUND_MB = 48
const ADMIN_KEY = 'mk-soak-admin-key-0123456789abcdefghijklmnop'

const started = performance.now()
const elapsedS = () => (performance.now() - started) / 1000
const log = (msg) => process.stderr.write(`[soak ${elapsedS().toFixed(1)}s] ${msg}\n`)

const created = 1_750_000_000
const usage = { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }
const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'chatcmpl-soak', object: 'chat.completion.chunk', created, model: 'gpt-4o-mini', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`
const frames = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'soak ' }), chunk({ content: 'ok' }), chunk({}, 'stop'),
  `data: ${JSON.stringify({ id: 'chatcmpl-soak', object: 'chat.completion.chunk', created, model: 'gpt-4o-mini', choices: [], usage })}\n\n`, 'data: [DONE]\n\n']
const completion = JSON.stringify({
  id: 'chatcmpl-soak', object: 'chat.completion', created, model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'soak ok', refusal: null }, logprobs: null, finish_reason: 'stop' }], usage,
})

/** The upstream: OpenAI's wire format, failing FAILURE_RATE of calls in one of three ways. */
function startFaultyUpstream() {
  const counts = { attempts: 0, failed500: 0, reset: 0, cut: 0 }
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (d) => { body += d })
    req.on('end', () => {
      counts.attempts++
      const stream = body.includes('"stream":true')
      if (Math.random() < FAILURE_RATE) {
        const kind = ['failed500', 'reset', 'cut'][Math.floor(Math.random() * 3)]
        counts[kind]++
        if (kind === 'failed500') {
          res.writeHead(500, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ error: { message: 'The server had an error.', type: 'server_error', param: null, code: null } }))
        } else if (kind === 'reset') {
          req.socket.destroy()
        } else {
          res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' })
          res.write(stream ? frames.slice(0, 2).join('') : completion.slice(0, 40))
          setImmediate(() => req.socket.destroy())
        }
        return
      }
      if (stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.end(frames.join(''))
      } else {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(completion)
      }
    })
  })
  return new Promise((resolveStart) => server.listen(0, '127.0.0.1', () => resolveStart({ server, counts, url: `http://127.0.0.1:${server.address().port}` })))
}

/** The real Node entry as its own process; resolves once it logs its URL. */
function startGateway(env) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'node.ts')], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr.on('data', (d) => { output = (output + d).slice(-8192) })
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? signal)))
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`gateway did not start:\n${output}`)) }, 30_000)
    let buffered = ''
    child.stdout.on('data', (d) => {
      buffered += d
      const match = /"msg":"manifold listening","url":"([^"]+)"/.exec(buffered)
      if (match) {
        clearTimeout(timer)
        resolveStart({ child, url: match[1], exited, output: () => output })
      }
    })
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`gateway exited (${code}) before listening:\n${output}`)) })
  })
}

/** Whether a body is whole: JSON for a JSON answer; SSE ending in [DONE] or in an error frame for a stream. */
function wholeBody(contentType, body) {
  if (contentType?.startsWith('text/event-stream')) {
    const events = body.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => f.slice(6))
    const last = events.at(-1)
    if (last === '[DONE]') return true
    try {
      return JSON.parse(last).error !== undefined
    } catch {
      return false
    }
  }
  try {
    JSON.parse(body)
    return true
  } catch {
    return false
  }
}

function call(agent, url, key, i) {
  const payload = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `soak ${i}` }], stream: i % 3 === 0 })
  return new Promise((resolveCall) => {
    const req = request(`${url}/v1/chat/completions`, {
      method: 'POST', agent, timeout: CALL_TIMEOUT_MS,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => { body += d })
      res.on('end', () => resolveCall(wholeBody(res.headers['content-type'], body) ? { status: res.statusCode } : { failure: `incomplete ${res.statusCode} body: ${body.slice(-120)}` }))
      res.on('error', (err) => resolveCall({ failure: `response ${err.code ?? err.message}` }))
    })
    req.on('timeout', () => req.destroy(new Error('hang')))
    req.on('error', (err) => resolveCall({ failure: `request ${err.code ?? err.message}` }))
    req.end(payload)
  })
}

async function runRound(agent, url, key, round) {
  let next = 0
  const statuses = {}
  const failures = []
  const worker = async () => {
    while (next < CALLS_PER_ROUND) {
      const i = round * CALLS_PER_ROUND + next++
      const result = await call(agent, url, key, i)
      if (result.failure) failures.push(result.failure)
      else statuses[result.status] = (statuses[result.status] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: CONNECTIONS }, worker))
  return { statuses, failures }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-soak-'))
  const dbPath = join(dir, 'soak.db')
  const upstream = await startFaultyUpstream()
  const gateway = await startGateway({ MANIFOLD_DB: dbPath, MANIFOLD_ADMIN_KEY: ADMIN_KEY, OPENAI_API_KEY: 'sk-soak', OPENAI_BASE_URL: `${upstream.url}/v1` })
  const problems = []
  try {
    const res = await fetch(`${gateway.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'soak' }) })
    const { key } = await res.json()
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
    const rounds = []
    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0 && elapsedS() > MAX_SECONDS) {
        log(`time bound reached (${MAX_SECONDS} s): stopping after ${round} rounds`)
        break
      }
      const result = await runRound(agent, gateway.url, key, round)
      const rss = rssMb(gateway.child.pid)
      rounds.push({ round, rssMb: Number(rss.toFixed(1)), ...result.statuses, failures: result.failures.length })
      log(`round ${round}: ${JSON.stringify(result.statuses)}, ${result.failures.length} failures, RSS ${rss.toFixed(1)} MB`)
      for (const failure of result.failures.slice(0, 5)) problems.push(`round ${round}: ${failure}`)
      if (result.failures.length > 5) problems.push(`round ${round}: … ${result.failures.length - 5} more failures`)
    }
    agent.destroy()
    gateway.child.kill('SIGTERM')
    const code = await gateway.exited
    if (code !== 0) problems.push(`the gateway exited with ${code} on SIGTERM:\n${gateway.output()}`)

    const db = new Database(dbPath, { readonly: true })
    const rows = db.prepare('SELECT count(*) AS n FROM usage').get().n
    db.close()
    if (rows !== upstream.counts.attempts) problems.push(`usage rows ${rows} != upstream attempts ${upstream.counts.attempts}`)
    const growth = rounds.at(-1).rssMb - rounds[0].rssMb
    if (rounds.length > 1 && growth >= RSS_GROWTH_BOUND_MB) problems.push(`RSS grew ${growth.toFixed(1)} MB from the first round to the last (bound ${RSS_GROWTH_BOUND_MB} MB)`)

    const summary = { ok: problems.length === 0, seconds: Number(elapsedS().toFixed(1)), connections: CONNECTIONS, callsPerRound: CALLS_PER_ROUND, rounds, upstream: upstream.counts, usageRows: rows, rssGrowthMb: Number(growth.toFixed(1)), problems }
    process.stdout.write(`${JSON.stringify(summary)}\n`)
  } finally {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL')
    upstream.server.closeAllConnections()
    upstream.server.close()
    rmSync(dir, { recursive: true, force: true })
  }
  if (problems.length > 0) {
    for (const problem of problems) log(`FAILED: ${problem}`)
    process.exit(1)
  }
  log('soak passed')
}

main().catch((err) => {
  log(`soak failed: ${err.stack ?? err.message}`)
  process.exit(1)
})
