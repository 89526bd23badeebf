// Turns the raw results into the report: ratios, goals met or missed, a markdown table, an SVG chart,
// and the figures section of BENCHMARKS.md (between its bench:start / bench:end markers).
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { round } from './stats.js'
import { ROOT } from './systems.js'

const med = (s) => (s && typeof s === 'object' ? s.median : null)
const ratio = (a, b) => (a === null || b === null || b === 0 ? null : round(a / b, 2))

/** The figures of one system in one flat object of spreads (median, min, max). */
function figuresOf(results, name) {
  return {
    addedP50Ms: results.latency?.[name]?.p50 ?? null,
    addedP99Ms: results.latency?.[name]?.p99 ?? null,
    rps: results.throughput?.[name]?.rps ?? null,
    p99At64Ms: results.throughput?.[name]?.p99 ?? null,
    addedTtftMs: results.streaming?.[name]?.addedTtftP50 ?? null,
    addedGapP50Ms: results.streaming?.[name]?.addedGapP50 ?? null,
    addedGapP99Ms: results.streaming?.[name]?.addedGapP99 ?? null,
    cpuUsPerRequest: results.throughput?.[name]?.cpuUsPerReq ?? null,
    rssIdleMb: results.rssIdleMb?.[name] ?? null,
    rssAfterLoadMb: results.throughput?.[name]?.rssAfterMb ?? null,
  }
}

const ms = (v) => (v === null || v === undefined ? 'n/a' : `${round(v, 2)} ms`)
const plus = (v) => (v === null ? 'n/a' : `${v >= 0 ? '+' : '−'}${round(Math.abs(v), 2)}`)

/**
 * The issue's goals table: each figure for the floor, Manifold and Portkey, Manifold's ratio to the floor
 * in the same run, the goal, and whether it is met (null when a figure is missing).
 */
function goals(figures, results) {
  const m = figures.manifold
  const f = figures.floor
  const p = figures.portkey
  const list = []
  const row = ({ figure, floor, manifold, portkey, ratio: ratioText, goal, met, unit = '' }) => list.push({
    figure, floor: round(floor, 3), manifold: round(manifold, 3), portkey: round(portkey, 3), unit, ratio: ratioText, goal,
    met: manifold === null || manifold === undefined || met === null ? null : met,
  })
  const both = (a, b, fn) => (a === null || a === undefined || b === null || b === undefined ? null : fn(a, b))
  const fRps = med(f?.rps)
  const mRps = med(m?.rps)
  row({ figure: 'req/s, 64 connections', floor: fRps, manifold: mRps, portkey: med(p?.rps), unit: 'req/s',
    ratio: both(mRps, fRps, (a, b) => `${round((100 * a) / b, 0)}% of floor`), goal: '≥ 70% of floor', met: both(mRps, fRps, (a, b) => a >= 0.7 * b) })
  if (med(p?.rps) !== null) {
    row({ figure: 'req/s over Portkey', floor: null, manifold: mRps, portkey: med(p.rps), unit: 'req/s',
      ratio: both(mRps, med(p.rps), (a, b) => `${round(a / b, 2)}× Portkey`), goal: '≥ 3× Portkey', met: both(mRps, med(p.rps), (a, b) => a >= 3 * b) })
  }
  const fCpu = med(f?.cpuUsPerRequest)
  const mCpu = med(m?.cpuUsPerRequest)
  row({ figure: 'CPU per request', floor: fCpu, manifold: mCpu, portkey: med(p?.cpuUsPerRequest), unit: 'µs',
    ratio: both(mCpu, fCpu, (a, b) => `${round(a / b, 2)}× floor`), goal: '≤ 1.5× floor', met: both(mCpu, fCpu, (a, b) => a <= 1.5 * b) })
  for (const [figure, key, margin] of [['added p50, 1 connection', 'addedP50Ms', 0.3], ['added p99, 1 connection', 'addedP99Ms', 1], ['added time to first token', 'addedTtftMs', 0.5]]) {
    const fv = med(f?.[key])
    const mv = med(m?.[key])
    row({ figure, floor: fv, manifold: mv, portkey: med(p?.[key]), unit: 'ms',
      ratio: both(mv, fv, (a, b) => `floor ${plus(a - b)} ms`), goal: `≤ floor + ${margin} ms`, met: both(mv, fv, (a, b) => a <= b + margin) })
  }
  const mRss = med(m?.rssAfterLoadMb)
  row({ figure: 'RSS after load', floor: med(f?.rssAfterLoadMb), manifold: mRss, portkey: med(p?.rssAfterLoadMb), unit: 'MB',
    ratio: both(mRss, med(f?.rssAfterLoadMb), (a, b) => `${round(a / b, 2)}× floor`), goal: '≤ 150 MB', met: mRss === null ? null : mRss <= 150 })
  for (const route of ['fan2', 'fan3']) {
    const fan = results.fanOut?.[route]
    const v = med(fan?.addedP50At1)
    // The floor's hop: the slowest target's call through the bare proxy. After an idle upstream wait a hop
    // costs far more than on the fast path (waking processes); what the fan-out adds is measured above it.
    const hop = med(fan?.floorHopP50At1)
    row({ figure: `fan-out \`all\` to ${fan?.targets ?? (route === 'fan2' ? 2 : 3)} targets, p50 over the slowest`, floor: hop, manifold: v, portkey: null, unit: 'ms',
      ratio: both(v, hop, (a, b) => `floor ${plus(a - b)} ms`), goal: '≤ floor + 1 ms', met: both(v, hop, (a, b) => a <= b + 1) })
  }
  const flush = results.usageFlush && !results.usageFlush.notAvailable ? results.usageFlush : null
  row({ figure: 'usage flush: event loop held, p99 (max)', floor: null, manifold: flush?.blockingP99MsAtMost ?? null, portkey: null, unit: 'ms',
    ratio: flush ? `≤ ${ms(flush.blockingP99MsAtMost)} (max ${ms(flush.blockingMaxMs)}); whole write p99 ≤ ${ms(flush.durationP99MsAtMost)} (max ${ms(flush.durationMaxMs)})` : null,
    goal: '≤ 1 ms (never in the p99)', met: flush ? flush.blockingP99MsAtMost <= 1 : null })
  const missing = results.usageRows?.missing ?? null
  row({ figure: 'usage rows lost', floor: null, manifold: missing, portkey: null, unit: 'rows', ratio: null, goal: '0', met: missing === null ? null : missing === 0 })
  return list
}

export function summarize({ machine, quick, reps, plan, correctness, results, notes, portkeyVersion }) {
  const names = ['floor', 'manifold', 'portkey'].filter((n) => correctness[n] !== undefined)
  const figures = Object.fromEntries(names.map((n) => [n, figuresOf(results, n)]))
  const ratios = {}
  for (const key of Object.keys(figures.manifold ?? {})) {
    ratios[key] = {
      manifoldOverFloor: ratio(med(figures.manifold[key]), med(figures.floor?.[key])),
      manifoldOverPortkey: ratio(med(figures.manifold[key]), med(figures.portkey?.[key])),
    }
  }
  return {
    generatedAt: new Date().toISOString(), quick, repetitions: reps, plan, machine,
    systems: { floor: '@hono/node-server + undici Pool', manifold: 'node dist/src/node.js', portkey: portkeyVersion ? `@portkey-ai/gateway@${portkeyVersion}` : 'not measured' },
    correctness, figures, ratios, fanOut: results.fanOut ?? null, usageRows: results.usageRows ?? null,
    direct: { latency: results.latency?.direct ?? null, throughput: results.throughput?.direct ?? null, streaming: results.streaming?.direct ?? null },
    goals: goals(figures, results), notes, raw: results,
  }
}

const fmt = (s, digits = 2) => {
  if (s === null || s === undefined) return 'n/a'
  if (typeof s === 'number') return String(round(s, digits))
  const [m, lo, hi] = [s.median, s.min, s.max].map((v) => round(v, digits))
  return lo === hi ? String(m) : `${m} (${lo}–${hi})`
}

const rows = [
  ['(a) added latency p50, 1 connection (ms)', 'addedP50Ms', 2],
  ['(a) added latency p99, 1 connection (ms)', 'addedP99Ms', 2],
  ['(b) throughput, 64 connections (req/s)', 'rps', 0],
  ['(b) p99 at 64 connections (ms)', 'p99At64Ms', 1],
  ['(c) added time to first token (ms)', 'addedTtftMs', 2],
  ['(c) added gap between chunks p50 (ms)', 'addedGapP50Ms', 2],
  ['(c) added gap between chunks p99 (ms)', 'addedGapP99Ms', 2],
  ['(f) CPU per request (µs)', 'cpuUsPerRequest', 0],
  ['(e) RSS idle (MB)', 'rssIdleMb', 0],
  ['(e) RSS after (b) (MB)', 'rssAfterLoadMb', 0],
]

export function renderMarkdown(report) {
  const names = Object.keys(report.figures)
  const head = ['', ...names, 'Manifold / floor', 'Manifold / Portkey']
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`]
  for (const [label, key, digits] of rows) {
    const r = report.ratios[key] ?? {}
    lines.push(`| ${label} | ${names.map((n) => fmt(report.figures[n][key], digits)).join(' | ')} | ${r.manifoldOverFloor ?? 'n/a'} | ${r.manifoldOverPortkey ?? 'n/a'} |`)
  }
  const m = report.machine
  const out = [
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; load average ${m.loadAverageAtStart.join(' ')} at start, ${m.loadAverageAtEnd.join(' ')} at end.`,
    `Medians of ${report.repetitions} interleaved repetition(s), min–max in brackets; "added" is over the direct call to the same mock.`,
    '',
    renderGoals(report.goals),
    '',
    'Every figure:',
    '',
    ...lines,
    '',
  ]
  const fan = report.fanOut
  if (fan && !fan.notAvailable) {
    out.push('| (d) fan-out `all`, Manifold, latency minus the slowest target (ms) | p50 at 1 conn | p99 at 1 conn | p50 at 64 conns | p99 at 64 conns | floor\'s hop to the slowest, p50 at 1 / 64 conns |', '|---|---|---|---|---|---|')
    for (const [route, f] of Object.entries(fan)) {
      out.push(`| ${route}: ${f.targets} targets, slowest ${f.slowestMs} ms | ${fmt(f.addedP50At1)} | ${fmt(f.addedP99At1)} | ${fmt(f.addedP50At64)} | ${fmt(f.addedP99At64)} | ${fmt(f.floorHopP50At1)} / ${fmt(f.floorHopP50At64)} |`)
    }
  } else {
    out.push(`(d) fan-out: not available${fan?.notAvailable ? `: ${fan.notAvailable}` : ''}`)
  }
  const u = report.usageRows
  const flush = report.raw.usageFlush
  if (flush && !flush.notAvailable) {
    out.push('', `(h) usage flushes: ${flush.flushes} batch writes, ${flush.rowsWritten} rows, ${flush.failures} failed; whole write p99 ≤ ${round(flush.durationP99MsAtMost, 2)} ms, max ${round(flush.durationMaxMs, 2)} ms; event loop held p50 ≤ ${round(flush.blockingP50MsAtMost, 2)} ms (≤ 0.25 ms in ${flush.blockingQuarterMsFlushes} of ${flush.flushes}), p99 ≤ ${round(flush.blockingP99MsAtMost, 2)} ms, max ${round(flush.blockingMaxMs, 2)} ms.`)
  }
  if (u) out.push('', `(g) usage rows: ${u.written} written for ${u.expected} upstream attempts served (${u.missing === 0 ? 'none missing' : `${u.missing} missing`}).`)

  for (const note of report.notes) out.push('', `Note: ${note}`)
  return out.join('\n')
}

const cell = (v, unit) => (v === null || v === undefined ? '—' : `${v} ${unit}`)

/** The goals table: figure, floor, Manifold, Portkey, ratio to the floor, goal, PASS/MISS. */
export function renderGoals(goalRows) {
  const lines = ['| Figure | floor | Manifold | Portkey | Manifold vs floor | Goal | |', '|---|---|---|---|---|---|---|']
  for (const g of goalRows) {
    lines.push(`| ${g.figure} | ${cell(g.floor, g.unit)} | ${cell(g.manifold, g.unit)} | ${cell(g.portkey, g.unit)} | ${g.ratio ?? '—'} | ${g.goal} | ${g.met === null ? 'n/a' : g.met ? 'PASS' : '**MISS**'} |`)
  }
  return lines.join('\n')
}

const escapeXml = (s) => String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c])
const colors = { floor: '#8a8f98', manifold: '#2f6fde', portkey: '#d9822b' }

/** One bar panel: a bar per system (median) with a min–max whisker. */
function panel({ x, title, unit, bars }) {
  const width = 330
  const height = 220
  const top = 40
  const plotH = 140
  const max = Math.max(...bars.map((b) => b.max ?? b.median ?? 0), 1e-9) * 1.15
  const barW = 60
  const gap = (width - bars.length * barW) / (bars.length + 1)
  const parts = [`<text x="${x + width / 2}" y="20" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(title)}</text>`]
  parts.push(`<line x1="${x}" y1="${top + plotH}" x2="${x + width}" y2="${top + plotH}" stroke="#333"/>`)
  bars.forEach((b, i) => {
    if (b.median === null) return
    const bx = x + gap + i * (barW + gap)
    const h = (b.median / max) * plotH
    parts.push(`<rect x="${bx.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW}" height="${h.toFixed(1)}" fill="${colors[b.name] ?? '#555'}"/>`)
    if (b.min !== null && b.max !== null && b.max > b.min) {
      const cx = bx + barW / 2
      const y1 = top + plotH - (b.min / max) * plotH
      const y2 = top + plotH - (b.max / max) * plotH
      parts.push(`<line x1="${cx}" y1="${y1.toFixed(1)}" x2="${cx}" y2="${y2.toFixed(1)}" stroke="#111"/>`)
    }
    parts.push(`<text x="${bx + barW / 2}" y="${(top + plotH - h - 6).toFixed(1)}" text-anchor="middle" font-size="11">${escapeXml(`${round(b.median, b.median >= 100 ? 0 : 2)} ${unit}`)}</text>`)
    parts.push(`<text x="${bx + barW / 2}" y="${top + plotH + 16}" text-anchor="middle" font-size="11">${escapeXml(b.name)}</text>`)
  })
  return { svg: parts.join('\n'), height }
}

/** A hand-made SVG of (b) throughput and (c) added time to first token, medians with min–max whiskers. */
export function renderChart(report) {
  const names = Object.keys(report.figures)
  const barsOf = (key) => names.map((name) => {
    const s = report.figures[name][key]
    return { name, median: s?.median ?? null, min: s?.min ?? null, max: s?.max ?? null }
  })
  const left = panel({ x: 10, title: '(b) requests/s, 64 connections (higher is better)', unit: '/s', bars: barsOf('rps') })
  const right = panel({ x: 360, title: '(c) added time to first token (lower is better)', unit: 'ms', bars: barsOf('addedTtftMs') })
  const m = report.machine
  const caption = `${m.cpu}, ${m.cores} cores, Node ${m.node}; medians of ${report.repetitions} runs, whiskers min–max; ${report.generatedAt.slice(0, 10)}`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="700" height="250" viewBox="0 0 700 250" font-family="sans-serif">
<rect width="700" height="250" fill="#fff"/>
${left.svg}
${right.svg}
<text x="350" y="242" text-anchor="middle" font-size="10" fill="#555">${escapeXml(caption)}</text>
</svg>
`
}

/** Replaces what is between the `<!-- NAME:start -->` and `<!-- NAME:end -->` markers of BENCHMARKS.md. */
export function replaceBenchmarksSection(name, body) {
  const path = join(ROOT, 'BENCHMARKS.md')
  if (!existsSync(path)) return
  const [start, end] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`]
  const text = readFileSync(path, 'utf8')
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) return
  writeFileSync(path, `${text.slice(0, from)}${start}\n${body}\n${end}${text.slice(to + end.length)}`)
}

/** Replaces the figures between the bench markers in BENCHMARKS.md with this run's. */
export function updateBenchmarksMd(report) {
  replaceBenchmarksSection('bench', `_Generated by \`npm run bench\` on ${report.generatedAt}._\n\n${renderMarkdown(report)}\n\n![(b) throughput and (c) time to first token](bench/results/chart.svg)`)
}
