// The scenarios (a)–(d) and the correctness check. Every system runs against the same mock, interleaved:
// each repetition runs every system once, in a rotated order, so drift on a shared machine hits all alike.
import { hammer, newStreamAgent, streamMany, streamOnce } from './load.js'
import { COMPLETION_TEXT, streamedText } from './mock-upstream.js'
import { cpuMs, rssMb } from './machine.js'
import { percentile, spread } from './stats.js'

const messages = [{ role: 'user', content: 'Say hello.' }]
export const jsonBody = (model) => JSON.stringify({ model, messages, max_tokens: 64 })
export const streamBody = (model) => JSON.stringify({ model, messages, max_tokens: 64, stream: true, stream_options: { include_usage: true } })

const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length])

/** Counts what Manifold served, to compare with the usage rows it wrote (g). */
export function served(target, rows) {
  if (target.name === 'manifold') target.rowsExpected += rows
}

/** One JSON call and one streamed call per system: the answer must be the mock's, unchanged. */
export async function checkAnswers(target) {
  const problems = []
  const res = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, body: jsonBody(target.model) })
  const body = await res.json().catch(() => null)
  if (res.status !== 200) problems.push(`JSON call answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`)
  else {
    served(target, 1)
    if (body?.choices?.[0]?.message?.content !== COMPLETION_TEXT) problems.push(`JSON call: unexpected content ${JSON.stringify(body?.choices?.[0]?.message?.content)}`)
  }
  const agent = newStreamAgent()
  try {
    const stream = await streamOnce({ url: target.url, headers: target.headers, body: streamBody(target.model), agent })
    if (stream.status !== 200) problems.push(`stream answered ${stream.status}`)
    else {
      served(target, 1)
      if (stream.text !== streamedText()) problems.push(`stream: text differs (${stream.text.length} chars, expected ${streamedText().length})`)
      if (!stream.done) problems.push('stream: no [DONE]')
      if (stream.error) problems.push(`stream: error frame ${JSON.stringify(stream.error)}`)
    }
  } catch (err) {
    problems.push(`stream failed: ${err.message}`)
  } finally {
    await agent.close()
  }
  return problems
}

/** A fan-out route answers with one choice per target when `all` works. */
export async function checkFanOut(manifold, route, targets) {
  const res = await fetch(manifold.url, { method: 'POST', headers: { 'content-type': 'application/json', ...manifold.headers }, body: jsonBody(route) })
  const body = await res.json().catch(() => null)
  if (res.status !== 200) return `${route} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`
  const choices = body?.choices?.length ?? 0
  served(manifold, Math.max(1, choices))
  if (choices !== targets) return `${route} answered ${choices} choice(s) for ${targets} targets (strategy \`all\` not implemented?)`
  return null
}

function assertAllOk(target, run) {
  if (run.ok !== run.requests) throw new Error(`${target.name}: ${run.ok}/${run.requests} requests answered 2xx (${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts)`)
}

async function hammerTarget(target, connections, amount) {
  const run = await hammer({ url: target.url, headers: target.headers, body: jsonBody(target.model), connections, amount })
  served(target, run.ok * (target.rowsPerRequest ?? 1))
  assertAllOk(target, run)
  return run
}

/** (a) One request at a time: p50 and p99 of each system minus the direct call's, per repetition. */
export async function addedLatency(targets, direct, { reps, amount, warm = true, log }) {
  const perRep = Object.fromEntries(targets.map((t) => [t.name, { p50: [], p99: [] }]))
  perRep.direct = { p50: [], p99: [] }
  // Each system is warmed right before its own measured run, so none is measured cold after another's run.
  const measure = async (t) => {
    if (warm) await hammerTarget(t, 1, Math.min(200, amount))
    return hammerTarget(t, 1, amount)
  }
  for (let rep = 0; rep < reps; rep++) {
    const base = await measure(direct)
    const baseP50 = percentile(base.latencies, 50)
    const baseP99 = percentile(base.latencies, 99)
    perRep.direct.p50.push(baseP50)
    perRep.direct.p99.push(baseP99)
    for (const t of rotate(targets, rep)) {
      const run = await measure(t)
      perRep[t.name].p50.push(percentile(run.latencies, 50) - baseP50)
      perRep[t.name].p99.push(percentile(run.latencies, 99) - baseP99)
    }
    log(`(a) rep ${rep + 1}/${reps} done`)
  }
  return Object.fromEntries(Object.entries(perRep).map(([name, v]) => [name, { p50: spread(v.p50), p99: spread(v.p99) }]))
}

/** (b) 64 connections, 0 ms upstream: requests/s and p99; (e) RSS after; (f) CPU per request. */
export async function throughput(targets, direct, { reps, seconds, fixedAmount, log }) {
  const perRep = {}
  for (const t of [direct, ...targets]) perRep[t.name] = { rps: [], p99: [], cpuUsPerReq: [], rssAfterMb: [] }
  for (let rep = 0; rep < reps; rep++) {
    for (const t of rotate([direct, ...targets], rep)) {
      // Warmed right before its own measured run; the first warm-up also sizes the measured runs
      // (bounded by count, not time, so no call is cut short).
      if (fixedAmount) t.amountB = fixedAmount
      else {
        const warm = await hammerTarget(t, 64, 1024)
        t.amountB ??= Math.round(Math.min(60_000, Math.max(1024, warm.rps * seconds)) / 64) * 64
      }
      const cpuBefore = t.pid ? cpuMs(t.pid) : null
      const run = await hammerTarget(t, 64, t.amountB)
      const r = perRep[t.name]
      r.rps.push(run.rps)
      r.p99.push(percentile(run.latencies, 99))
      if (t.pid) {
        r.cpuUsPerReq.push(((cpuMs(t.pid) - cpuBefore) * 1000) / run.ok)
        r.rssAfterMb.push(rssMb(t.pid))
      }
    }
    log(`(b) rep ${rep + 1}/${reps} done`)
  }
  return Object.fromEntries(Object.entries(perRep).map(([name, v]) => [name, {
    requestsPerRun: targets.concat(direct).find((t) => t.name === name).amountB,
    rps: spread(v.rps), p99: spread(v.p99), cpuUsPerReq: spread(v.cpuUsPerReq), rssAfterMb: spread(v.rssAfterMb),
  }]))
}

const gapStats = (results) => {
  const ttfts = results.map((r) => r.ttft).sort((a, b) => a - b)
  const gaps = results.flatMap((r) => r.gaps).sort((a, b) => a - b)
  return { ttftP50: percentile(ttfts, 50), gapP50: percentile(gaps, 50), gapP99: percentile(gaps, 99) }
}

/** (c) Streams: time to first token and the gap between chunks, each minus the direct stream's. */
export async function streaming(targets, direct, { reps, total, concurrency, warm = true, log }) {
  const agent = newStreamAgent()
  const perRep = Object.fromEntries([direct, ...targets].map((t) => [t.name, { ttft: [], gapP50: [], gapP99: [], ttftAbs: [] }]))
  // One round of streams right before each measured run warms that system (and the client's connections).
  const measure = async (t) => {
    const run = (n) => streamMany({ url: t.url, headers: t.headers, body: streamBody(t.model), total: n, concurrency, agent })
    if (warm) served(t, (await run(concurrency)).filter((r) => r.status === 200).length)
    return run(total)
  }
  try {
    for (let rep = 0; rep < reps; rep++) {
      const base = gapStats(await measure(direct))
      perRep.direct.ttftAbs.push(base.ttftP50)
      perRep.direct.gapP50.push(base.gapP50)
      perRep.direct.gapP99.push(base.gapP99)
      for (const t of rotate(targets, rep)) {
        const results = await measure(t)
        const bad = results.filter((r) => r.status !== 200 || !r.done || r.text !== streamedText())
        served(t, results.length - bad.length)
        if (bad.length) throw new Error(`${t.name}: ${bad.length}/${results.length} streams incomplete or wrong`)
        const s = gapStats(results)
        const r = perRep[t.name]
        r.ttftAbs.push(s.ttftP50)
        r.ttft.push(s.ttftP50 - base.ttftP50)
        r.gapP50.push(s.gapP50 - base.gapP50)
        r.gapP99.push(s.gapP99 - base.gapP99)
      }
      log(`(c) rep ${rep + 1}/${reps} done`)
    }
  } finally {
    await agent.close()
  }
  return Object.fromEntries(Object.entries(perRep).map(([name, v]) => [name, {
    addedTtftP50: spread(v.ttft), ttftP50: spread(v.ttftAbs), addedGapP50: spread(v.gapP50), addedGapP99: spread(v.gapP99),
  }]))
}

/**
 * (d) Fan-out `all`: Manifold's latency minus a direct call to the slowest target, at 1 and 64 connections;
 * and, when the floor is given, the floor's own hop to that slowest target (the same call through a bare
 * proxy), so the fan-out's own cost is told apart from what any proxy adds after an idle upstream wait.
 */
export async function fanOut(manifold, mockUrl, { reps, amountSerial, amountParallel, warm = true, log, floor }) {
  const out = {}
  for (const [route, slowest, targets] of [['fan2', 50, 2], ['fan3', 80, 3]]) {
    const fan = { ...manifold, model: route, rowsPerRequest: targets, rowsExpected: 0 }
    const slow = { name: `direct-d${slowest}`, url: `${mockUrl}/d${slowest}/v1/chat/completions`, headers: {}, model: 'gpt-4o-mini' }
    const hop = floor ? { name: `floor-d${slowest}`, url: `${floor.url}/d${slowest}/v1/chat/completions`, headers: {}, model: 'gpt-4o-mini' } : null
    const series = { c1p50: [], c1p99: [], c64p50: [], c64p99: [], floorC1p50: [], floorC64p50: [] }
    if (warm) await hammerTarget(fan, 4, 32)
    if (warm && hop) await hammerTarget(hop, 4, 32)
    for (let rep = 0; rep < reps; rep++) {
      for (const [connections, amount, key] of [[1, amountSerial, 'c1'], [64, amountParallel, 'c64']]) {
        const base = await hammerTarget(slow, connections, amount)
        const run = await hammerTarget(fan, connections, amount)
        series[`${key}p50`].push(percentile(run.latencies, 50) - percentile(base.latencies, 50))
        series[`${key}p99`].push(percentile(run.latencies, 99) - percentile(base.latencies, 99))
        if (hop) {
          const through = await hammerTarget(hop, connections, amount)
          series[`floorC${key.slice(1)}p50`].push(percentile(through.latencies, 50) - percentile(base.latencies, 50))
        }
      }
      log(`(d) ${route} rep ${rep + 1}/${reps} done`)
    }
    manifold.rowsExpected += fan.rowsExpected
    out[route] = {
      targets, slowestMs: slowest, addedP50At1: spread(series.c1p50), addedP99At1: spread(series.c1p99), addedP50At64: spread(series.c64p50), addedP99At64: spread(series.c64p99),
      ...(hop ? { floorHopP50At1: spread(series.floorC1p50), floorHopP50At64: spread(series.floorC64p50) } : {}),
    }
  }
  return out
}
