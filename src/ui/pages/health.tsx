import type { Context } from 'hono'
import { UiApiError, uiApi } from '../api-client.js'
import { formatInstant, MISSING } from '../format.js'
import { Page } from '../layout.js'
import type { UiEnv } from '../ui-env.js'

interface HealthJson { status: string; providers: string[]; version?: string; uptime_s?: number }
interface TargetJson { model: string; state: string; recent_failures: number; cooldown_until: number | null; cooldowns: number; last_error: string | null }

function uptimeText(seconds: number | undefined): string {
  if (seconds === undefined) return MISSING
  const d = Math.floor(seconds / 86_400)
  const h = Math.floor((seconds % 86_400) / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${seconds % 60} s`
}

function TargetsTable({ targets }: { targets: TargetJson[] }) {
  return (
    <div class="table-wrap">
      <table data-testid="targets">
        <thead><tr><th scope="col">Target</th><th scope="col">State</th><th scope="col" class="num">Recent failures</th><th scope="col" class="num">Cooldowns</th><th scope="col">Cooling down until</th><th scope="col">Last error</th></tr></thead>
        <tbody>
          {targets.length === 0 ? <tr><td colspan={6} class="muted">No target has been called yet.</td></tr> : targets.map((t) => (
            <tr data-target={t.model}>
              <th scope="row" class="mono">{t.model}</th>
              <td><span class={`badge ${t.state === 'healthy' ? 'ok' : 'warn'}`}>{t.state.replace('_', ' ')}</span></td>
              <td class="num">{t.recent_failures}</td>
              <td class="num">{t.cooldowns}</td>
              <td>{t.cooldown_until === null ? MISSING : formatInstant(t.cooldown_until)}</td>
              <td>{t.last_error ?? MISSING}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** GET /ui/health: GET /health (providers, version, uptime) and GET /health/targets (admin key: cooldown state). */
export async function healthPage(c: Context<UiEnv>) {
  const api = uiApi(c)
  const health = await api.get<HealthJson>('/health')
  let targets: TargetJson[] | null = null
  try {
    targets = (await api.get<{ targets: TargetJson[] }>('/health/targets')).targets
  } catch (err) {
    if (!(err instanceof UiApiError && err.status === 403)) throw err
  }
  return c.html(
    <Page title="Health" active="health" session={c.get('session')}>
      <section class="panel">
        <dl class="facts" data-testid="gateway-facts">
          <dt>Status</dt><dd><span class={`badge ${health.status === 'ok' ? 'ok' : 'error'}`}>{health.status}</span></dd>
          <dt>Version</dt><dd data-field="version">{health.version ?? MISSING}</dd>
          <dt>Uptime</dt><dd data-field="uptime_s" data-value={String(health.uptime_s ?? '')}>{uptimeText(health.uptime_s)}</dd>
          <dt>Providers enabled</dt><dd data-field="providers">{health.providers.length === 0 ? 'none' : health.providers.join(', ')}</dd>
        </dl>
      </section>
      <section class="panel" aria-labelledby="targets-title">
        <h2 id="targets-title">Targets</h2>
        {targets === null ? <p class="muted">Target state needs the admin key.</p> : <TargetsTable targets={targets} />}
      </section>
    </Page>,
  )
}
