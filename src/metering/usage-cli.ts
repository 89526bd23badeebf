import { CliUsageError, parseFlags } from '../cli-flags.js'
import type { Clock } from '../clock.js'
import type { Store } from '../store/store.js'
import { parseInstant } from './time-range.js'
import { reportDimensions, usageReport, type ReportDimension, type UsageReportRow } from './usage-report.js'
import { picoToUsdText } from './usd.js'

export interface UsageCliContext {
  store: Store
  clock: Clock
  out: (text: string) => void
}

export const USAGE_HELP = `  usage [--by model[,day…]] [--since 7d] [--until ISO] [--key ID] [--team T] [--model M] [--json]
                                     usage totals as a table; --by takes ${reportDimensions.join(', ')}
`

const COLUMNS: Array<[string, (row: UsageReportRow) => string]> = [
  ['requests', (r) => String(r.requests)],
  ['attempts', (r) => String(r.attempts)],
  ['errors', (r) => String(r.errors)],
  ['input', (r) => String(r.input_tokens)],
  ['cached', (r) => String(r.cached_tokens)],
  ['output', (r) => String(r.output_tokens)],
  ['cost_usd', (r) => picoToUsdText(r.cost_pico_usd)],
  ['unknown_cost', (r) => String(r.unknown_cost_attempts)],
  ['p50_ms', (r) => (r.latency_p50_ms === null ? '-' : String(r.latency_p50_ms))],
  ['p95_ms', (r) => (r.latency_p95_ms === null ? '-' : String(r.latency_p95_ms))],
]

/** Text columns left-aligned, numbers right-aligned, two spaces apart. */
export function renderUsageTable(groupBy: ReportDimension[], rows: UsageReportRow[]): string {
  const header = [...groupBy, ...COLUMNS.map(([name]) => name)]
  const body = rows.map((r) => [...groupBy.map((d) => r.group[d] ?? '(none)'), ...COLUMNS.map(([, cell]) => cell(r))])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => line[i]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => (i < groupBy.length ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()
  return [line(header), ...body.map(line)].join('\n') + '\n'
}

/** `manifold usage …`: the same report as GET /admin/usage, printed as a table (or JSON). */
export async function runUsageCommand(args: string[], ctx: UsageCliContext): Promise<void> {
  const { flags } = parseFlags(args, ['by', 'since', 'until', 'key', 'team', 'model'], ['json'])
  const now = ctx.clock.now()
  const instant = (flag: string, fallback: number) => {
    const raw = flags.get(flag)
    if (raw === undefined) return fallback
    const value = parseInstant(raw, now)
    if (value === undefined) throw new CliUsageError(`--${flag}: expected 7d, 24h, an ISO 8601 date or time, or epoch milliseconds`)
    return value
  }
  const to = instant('until', now + 1)
  const from = instant('since', now - 30 * 86_400_000)
  const groupBy = (flags.get('by') ?? '').split(',').map((d) => d.trim()).filter(Boolean)
  for (const d of groupBy) {
    if (!(reportDimensions as string[]).includes(d)) throw new CliUsageError(`--by: '${d}' is not one of ${reportDimensions.join(', ')}`)
  }
  const { data: rows, latency_percentiles: percentiles } = await usageReport(ctx.store.db, {
    from, to, groupBy: groupBy as ReportDimension[], keyId: flags.get('key'), team: flags.get('team'), model: flags.get('model'),
  })
  if (flags.has('json')) ctx.out(`${JSON.stringify(rows, null, 2)}\n`)
  else {
    ctx.out(renderUsageTable(groupBy as ReportDimension[], rows))
    if (percentiles === 'histogram') ctx.out('p50/p95 from the hourly latency histograms: at most 25% above the exact value\n')
  }
}
