import type { Context } from 'hono'
import type { AppDeps } from '../../deps.js'
import { uiApi } from '../api-client.js'
import { dataValue, formatCount, formatMs, formatPercent, formatUsd, numberField } from '../format.js'
import { Field } from '../field.js'
import { Page } from '../layout.js'
import type { UiEnv } from '../ui-env.js'
import { overviewRange, RANGES, SPLITS, type OverviewRange } from './overview-range.js'
import { chartData, type ChartData, type UsageRow } from './overview-series.js'

interface UsageReport { data: Array<UsageRow & Record<string, unknown>> }
interface KeyList { data: Array<{ id: string; name: string; prefix: string }> }

const RANGE_LABELS: Record<(typeof RANGES)[number], string> = { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', custom: 'Custom dates' }
const SPLIT_LABELS: Record<(typeof SPLITS)[number], string> = { provider: 'Provider', model: 'Model', key: 'Key', team: 'Team', prompt: 'Prompt API' }

/** The figures of the summary, each with the API field it shows (data-field) and its raw value (data-value). */
const STATS: ReadonlyArray<{ field: string; label: string; format: (v: number | null) => string }> = [
  { field: 'requests', label: 'Requests', format: formatCount },
  { field: 'input_tokens', label: 'Input tokens', format: formatCount },
  { field: 'output_tokens', label: 'Output tokens', format: formatCount },
  { field: 'cost_usd', label: 'Cost', format: formatUsd },
  { field: 'latency_p50_ms', label: 'Latency p50', format: formatMs },
  { field: 'latency_p95_ms', label: 'Latency p95', format: formatMs },
  { field: 'ttft_p50_ms', label: 'Time to first token p50', format: formatMs },
  { field: 'ttft_p95_ms', label: 'Time to first token p95', format: formatMs },
  { field: 'error_rate', label: 'Error rate', format: formatPercent },
  { field: 'cache_savings_usd', label: 'Saved by cached tokens', format: formatUsd },
]

const CHARTS: ReadonlyArray<{ metric: 'requests' | 'tokens' | 'cost_usd'; title: string }> = [
  { metric: 'requests', title: 'Requests' },
  { metric: 'tokens', title: 'Tokens (input + output)' },
  { metric: 'cost_usd', title: 'Cost (USD)' },
]

function RangeForm({ range }: { range: OverviewRange }) {
  return (
    <form method="get" action="/ui" class="panel form-grid" aria-label="Time range and split">
      <Field label="Time range" id="range">
        <select id="range" name="range">{RANGES.map((r) => <option value={r} selected={r === range.range}>{RANGE_LABELS[r]}</option>)}</select>
      </Field>
      <Field label="From (custom)" id="range-from"><input id="range-from" type="date" name="from" value={range.fromDate} /></Field>
      <Field label="To (custom)" id="range-to"><input id="range-to" type="date" name="to" value={range.toDate} /></Field>
      <Field label="Per" id="range-per">
        <select id="range-per" name="per">
          <option value="hour" selected={range.bucket === 'hour'}>Hour</option>
          <option value="day" selected={range.bucket === 'day'}>Day</option>
        </select>
      </Field>
      <Field label="Split by" id="range-split">
        <select id="range-split" name="split">{SPLITS.map((s) => <option value={s} selected={s === range.split}>{SPLIT_LABELS[s]}</option>)}</select>
      </Field>
      <button type="submit">Show</button>
    </form>
  )
}

export function Stats({ totals }: { totals: Record<string, unknown> | undefined }) {
  return (
    <dl class="grid" aria-label="Totals for the range">
      {STATS.map((stat) => {
        // A range without calls has no row: the sums are zero, the percentiles and rates unknown.
        const value = totals ? numberField(totals, stat.field) : ['requests', 'input_tokens', 'output_tokens', 'cost_usd'].includes(stat.field) ? 0 : null
        return <div class="stat"><dt>{stat.label}</dt><dd data-field={stat.field} data-value={dataValue(totals ? totals[stat.field] : value)}>{stat.format(value)}</dd></div>
      })}
    </dl>
  )
}

function Charts({ data }: { data: ChartData }) {
  return (
    <section aria-labelledby="charts-title">
      <h2 id="charts-title">{`Per ${data.bucket}, split by ${SPLIT_LABELS[data.split as keyof typeof SPLIT_LABELS] ?? data.split}`}</h2>
      <div class="charts" id="overview-charts" data-charts={JSON.stringify(data)}>
        {CHARTS.map((chart) => (
          <figure class="panel chart" data-chart={chart.metric} role="img" aria-label={`${chart.title} per ${data.bucket}`}>
            <figcaption>{chart.title}</figcaption>
            {data.series.length === 0 ? <p class="muted">No calls in this range.</p> : null}
          </figure>
        ))}
      </div>
    </section>
  )
}

function SplitTable({ rows, range, labelOf }: { rows: UsageReport['data']; range: OverviewRange; labelOf: (g: string | null) => string }) {
  return (
    <section class="panel" aria-labelledby="split-title">
      <h2 id="split-title">{`By ${SPLIT_LABELS[range.split].toLowerCase()}`}</h2>
      <div class="table-wrap">
        <table data-testid="split-table">
          <thead><tr><th scope="col">{SPLIT_LABELS[range.split]}</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Tokens</th><th scope="col" class="num">Cost</th><th scope="col" class="num hide-narrow">p50</th><th scope="col" class="num hide-narrow">p95</th><th scope="col" class="num hide-narrow">Error rate</th></tr></thead>
          <tbody>
            {rows.length === 0 ? <tr><td colspan={7} class="muted">No calls in this range.</td></tr> : rows.map((row) => (
              <tr data-group={dataValue(row.group[range.split] ?? null)}>
                <th scope="row">{labelOf(row.group[range.split] ?? null)}</th>
                <td class="num" data-value={row.requests}>{formatCount(row.requests)}</td>
                <td class="num">{formatCount(row.input_tokens + row.output_tokens)}</td>
                <td class="num" data-value={dataValue(row.cost_usd)}>{formatUsd(row.cost_usd)}</td>
                <td class="num hide-narrow">{formatMs(numberField(row, 'latency_p50_ms'))}</td>
                <td class="num hide-narrow">{formatMs(numberField(row, 'latency_p95_ms'))}</td>
                <td class="num hide-narrow">{formatPercent(numberField(row, 'error_rate'))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

/** GET /ui: totals, percentiles and charts for a time range, every figure read from GET /admin/usage. */
export function overviewPage(deps: AppDeps) {
  return async function overviewPage(c: Context<UiEnv>) {
    const range = overviewRange(c.req.query(), deps.clock.now())
    const api = uiApi(c)
    const window = `from=${new Date(range.from).toISOString()}&to=${new Date(range.to).toISOString()}`
    const [totals, series, split, keys] = await Promise.all([
      api.get<UsageReport>(`/admin/usage?${window}`),
      api.get<UsageReport>(`/admin/usage?${window}&group_by=${range.bucket},${range.split}`),
      api.get<UsageReport>(`/admin/usage?${window}&group_by=${range.split}`),
      range.split === 'key' ? api.get<KeyList>('/admin/keys') : Promise.resolve<KeyList>({ data: [] }),
    ])
    const keyNames = new Map(keys.data.map((k) => [k.id, `${k.name} (${k.prefix})`]))
    const labelOf = (group: string | null) => (group === null ? '(none)' : keyNames.get(group) ?? group)
    const sortedSplit = [...split.data].sort((a, b) => b.requests - a.requests)
    return c.html(
      <Page title="Overview" active="overview" session={c.get('session')}>
        <RangeForm range={range} />
        {range.problem ? <p class="notice error" role="alert">{range.problem}</p> : null}
        <p class="muted" id="range-window" data-from={new Date(range.from).toISOString()} data-to={new Date(range.to).toISOString()}>
          {`From ${new Date(range.from).toISOString().slice(0, 16).replace('T', ' ')} to ${new Date(range.to - 1).toISOString().slice(0, 16).replace('T', ' ')} UTC`}
        </p>
        <Stats totals={totals.data[0]} />
        <Charts data={chartData(series.data, range, labelOf)} />
        <SplitTable rows={sortedSplit} range={range} labelOf={labelOf} />
        <script src="/ui/assets/uplot.js" defer></script>
      </Page>,
    )
  }
}
