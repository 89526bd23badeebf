import type { Context } from 'hono'
import { uiApi } from '../api-client.js'
import { Page } from '../layout.js'
import type { UiEnv } from '../ui-env.js'

interface UsageTotals { requests: number; input_tokens: number; output_tokens: number; cost_usd: number }
interface UsageReportBody { data: UsageTotals[] }

/** GET /ui: the overview. */
export async function overviewPage(c: Context<UiEnv>) {
  const report = await uiApi(c).get<UsageReportBody>('/admin/usage?from=24h')
  const totals = report.data[0]
  return c.html(
    <Page title="Overview" active="overview" session={c.get('session')}>
      <dl class="grid">
        <div class="stat"><dt>Requests</dt><dd data-field="requests">{totals?.requests ?? 0}</dd></div>
        <div class="stat"><dt>Tokens</dt><dd data-field="tokens">{(totals?.input_tokens ?? 0) + (totals?.output_tokens ?? 0)}</dd></div>
        <div class="stat"><dt>Cost</dt><dd data-field="cost_usd">{`$${(totals?.cost_usd ?? 0).toFixed(4)}`}</dd></div>
      </dl>
    </Page>,
  )
}
