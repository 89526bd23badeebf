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

function goals(figures, results) {
  const m = figures.manifold
  const f = figures.floor
  const p = figures.portkey
  const list = []
  const goal = (name, actual, target, met, unit = '') => list.push({
    goal: name, actual: round(actual, 3), target: round(target, 3), unit, met: actual === null || target === null ? null : met(actual, target),
  })
  goal('(b) throughput ≥ 3× Portkey', med(m?.rps), med(p?.rps) === null ? null : 3 * med(p.rps), (a, t) => a >= t, 'req/s')
  goal('(b) throughput ≥ 70% of floor', med(m?.rps), 0.7 * med(f?.rps), (a, t) => a >= t, 'req/s')
  goal('(f) CPU/request ≤ 1.5× floor', med(m?.cpuUsPerRequest), 1.5 * med(f?.cpuUsPerRequest), (a, t) => a <= t, 'µs')
  goal('(a) added p50 ≤ floor + 0.3 ms', med(m?.addedP50Ms), med(f?.addedP50Ms) + 0.3, (a, t) => a <= t, 'ms')
  goal('(a) added p99 ≤ floor + 1 ms', med(m?.addedP99Ms), med(f?.addedP99Ms) + 1, (a, t) => a <= t, 'ms')
  goal('(c) added TTFT ≤ floor + 0.5 ms', med(m?.addedTtftMs), med(f?.addedTtftMs) + 0.5, (a, t) => a <= t, 'ms')
  for (const route of ['fan2', 'fan3']) {
    goal(`(d) ${route} p50 at 1 connection ≤ slowest + 1 ms`, med(results.fanOut?.[route]?.addedP50At1), 1, (a, t) => a <= t, 'ms')
  }
  goal('(e) RSS after load ≤ 150 MB', med(m?.rssAfterLoadMb), 150, (a, t) => a <= t, 'MB')
  goal('(g) no usage row missing', results.usageRows?.missing ?? null, 0, (a) => a === 0, 'rows')
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
    ...lines,
    '',
  ]
  const fan = report.fanOut
  if (fan && !fan.notAvailable) {
    out.push('| (d) fan-out `all`, Manifold, latency minus the slowest target (ms) | p50 at 1 conn | p99 at 1 conn | p50 at 64 conns | p99 at 64 conns |', '|---|---|---|---|---|')
    for (const [route, f] of Object.entries(fan)) {
      out.push(`| ${route}: ${f.targets} targets, slowest ${f.slowestMs} ms | ${fmt(f.addedP50At1)} | ${fmt(f.addedP99At1)} | ${fmt(f.addedP50At64)} | ${fmt(f.addedP99At64)} |`)
    }
  } else {
    out.push(`(d) fan-out: not available${fan?.notAvailable ? `: ${fan.notAvailable}` : ''}`)
  }
  const u = report.usageRows
  if (u) out.push('', `(g) usage rows: ${u.written} written for ${u.expected} upstream attempts served (${u.missing === 0 ? 'none missing' : `${u.missing} missing`}).`)
  out.push('', '| Goal | Manifold | Target | Met |', '|---|---|---|---|')
  for (const g of report.goals) out.push(`| ${g.goal} | ${g.actual ?? 'n/a'} ${g.unit} | ${g.target ?? 'n/a'} ${g.unit} | ${g.met === null ? 'n/a' : g.met ? 'yes' : '**no**'} |`)
  for (const note of report.notes) out.push('', `Note: ${note}`)
  return out.join('\n')
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

const START = '<!-- bench:start -->'
const END = '<!-- bench:end -->'

/** Replaces the figures between the markers in BENCHMARKS.md with this run's. */
export function updateBenchmarksMd(report) {
  const path = join(ROOT, 'BENCHMARKS.md')
  if (!existsSync(path)) return
  const text = readFileSync(path, 'utf8')
  const from = text.indexOf(START)
  const to = text.indexOf(END)
  if (from < 0 || to < from) return
  const section = `${START}\n_Generated by \`npm run bench\` on ${report.generatedAt}._\n\n${renderMarkdown(report)}\n\n![(b) throughput and (c) time to first token](bench/results/chart.svg)\n${END}`
  writeFileSync(path, text.slice(0, from) + section + text.slice(to + END.length))
}
