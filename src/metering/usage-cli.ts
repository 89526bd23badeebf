import { CliUsageError, parseFlags } from '../cli-flags.js'
import type { CommandHelp } from '../cli-help.js'
import { renderTable, type TableColumn } from '../cli-table.js'
import type { Clock } from '../clock.js'
import { listKeys } from '../store/keys-repo.js'
import type { Store } from '../store/store.js'
import { plainDecimalJson } from './plain-decimal-json.js'
import { parseInstant } from './time-range.js'
import { reportDimensions, usageReport, type ReportDimension, type UsageReportRow } from './usage-report.js'
import { picoToUsdText } from './usd.js'

export interface UsageCliContext {
  store: Store
  clock: Clock
  out: (text: string) => void
}

export const usageHelp: CommandHelp = {
  name: 'usage',
  summary: 'usage and cost totals as a table (the report of GET /admin/usage)',
  args: '[--by model[,day…]] [--since 7d] [--until ISO] [--key ID] [--team T] [--model M] [--json]',
  details: `  --by DIMS               group by ${reportDimensions.join(', ')} (comma-separated);
                          grouped by key, each key's name is shown beside its id
  --since, --until        7d, 24h, an ISO 8601 date or time, or epoch milliseconds (default: the last 30 days)
  --key, --team, --model  only these calls
  --json                  the rows as JSON instead of a table
`,
}

/** A report row with the key's name beside its id, when grouped by key. */
type NamedRow = UsageReportRow & { keyName?: string }

const COLUMNS: Array<TableColumn<NamedRow>> = [
  { header: 'requests', cell: (r) => String(r.requests), numeric: true },
  { header: 'attempts', cell: (r) => String(r.attempts), numeric: true },
  { header: 'errors', cell: (r) => String(r.errors), numeric: true },
  { header: 'input', cell: (r) => String(r.input_tokens), numeric: true },
  { header: 'cached', cell: (r) => String(r.cached_tokens), numeric: true },
  { header: 'output', cell: (r) => String(r.output_tokens), numeric: true },
  { header: 'cost_usd', cell: (r) => picoToUsdText(r.cost_pico_usd), numeric: true },
  { header: 'unknown_cost', cell: (r) => String(r.unknown_cost_attempts), numeric: true },
  { header: 'p50_ms', cell: (r) => (r.latency_p50_ms === null ? '-' : String(r.latency_p50_ms)), numeric: true },
  { header: 'p95_ms', cell: (r) => (r.latency_p95_ms === null ? '-' : String(r.latency_p95_ms)), numeric: true },
]

/** Group columns first (the key's name right after the key), then the totals. */
export function renderUsageTable(groupBy: ReportDimension[], rows: NamedRow[]): string {
  const groups = groupBy.flatMap((d): Array<TableColumn<NamedRow>> => {
    const column = { header: d, cell: (r: NamedRow) => r.group[d] ?? '(none)' }
    return d === 'key' ? [column, { header: 'key_name', cell: (r) => r.keyName ?? '-' }] : [column]
  })
  return renderTable([...groups, ...COLUMNS], rows)
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
  const { data, latency_percentiles: percentiles } = await usageReport(ctx.store.db, {
    from, to, groupBy: groupBy as ReportDimension[], keyId: flags.get('key'), team: flags.get('team'), model: flags.get('model'),
  })
  const names = groupBy.includes('key') ? new Map((await listKeys(ctx.store.db)).map((k) => [k.id, k.name])) : undefined
  const rows: NamedRow[] = data.map((r) => (names && r.group.key ? { ...r, keyName: names.get(r.group.key) } : r))
  if (flags.has('json')) {
    const withNames = rows.map(({ keyName, ...r }) => (names ? { ...r, group: { ...r.group, key_name: keyName ?? null } } : r))
    ctx.out(`${plainDecimalJson(withNames, 2)}\n`)
    return
  }
  ctx.out(renderUsageTable(groupBy as ReportDimension[], rows))
  if (percentiles === 'histogram') ctx.out('p50/p95 from the hourly latency histograms: at most 25% above the exact value\n')
}
