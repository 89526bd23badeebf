import type { Context } from 'hono'
import type { UpgradeWebSocket } from 'hono/ws'
import type { AppEnv } from './app-env.js'
import type { CallerSignal } from './routing/caller-signal.js'
import type { ProviderRegistry } from '../providers/index.js'
import type { Clock } from './clock.js'
import type { Config } from './config.js'
import type { JobQueue } from './jobs/queue.js'
import type { Logger } from './log.js'
import type { PriceTable } from './metering/prices.js'
import type { PromptCatalog } from './prompt-api/catalog.js'
import type { UsageRecorder } from './metering/usage-recorder.js'
import type { ApiReferenceScript } from './prompt-api/docs-page.js'
import type { GatewayMetrics } from './metering/gateway-metrics.js'
import type { Observability } from './observability/observability.js'
import type { SpendLedger } from './metering/spend-ledger.js'
import type { Admission } from './routing/admission.js'
import type { TargetHealth } from './routing/cooldown.js'
import type { KeyCache } from './security/key-cache.js'
import type { HostResolver } from './security/url-check.js'
import type { Store } from './store/store.js'

/** Everything a route may touch, injected once through createApp(deps). No module-level state. */
export interface AppDeps {
  config: Config
  store: Store
  providers: ProviderRegistry
  prices: PriceTable
  usage: UsageRecorder
  clock: Clock
  log: Logger
  /** The HTTP client the provider SDKs use (Node hands a faster one than the global fetch). */
  fetch: typeof fetch
  /** How a route hears that its client went away: the request's signal, or on Node the response's close. */
  callerSignal: (c: Context<AppEnv>) => CallerSignal
  keyCache: KeyCache
  /** Scopes, budgets and rate limits, checked before every call. */
  admission: Admission
  /** Each key's spend in its budget period, in memory and reconciled with the usage rows. */
  spend: SpendLedger
  /** Prometheus counters for GET /metrics, fed by the usage recorder and the access log. */
  metrics: GatewayMetrics
  /** Access log, client-request metrics and tracing (the access log middleware and the attempt hooks feed it). */
  observability: Observability
  /** SHA-256 of the admin key (configured or generated on first start). */
  adminKeyHash: string
  /** Routing targets' health (cooldowns, circuit breaking): GET /health/targets and the metrics read snapshot(). */
  targets: TargetHealth
  /** Randomness for load balancing and retry jitter, injected so tests are deterministic. */
  random: () => number
  /** The prompt APIs (loaded from prompts/ on Node, bundled on Workers); absent means none. */
  prompts?: PromptCatalog
  /** The interactive API reference's browser script (@scalar/api-reference), served at /docs. */
  apiReferenceScript?: () => Promise<ApiReferenceScript>
  /** Async jobs: where an accepted job is signalled (in-process on Node, Cloudflare Queues on Workers). */
  jobQueue: JobQueue
  /** DNS lookups for callback URL checks (node:dns on Node); absent on Workers, whose fetch reaches no private network. */
  resolveHost?: HostResolver
  /** The HTTP client for job callbacks (Node: one that re-checks the address it connects to); else `fetch`. */
  callbackFetch?: typeof fetch
  /** The runtime's WebSocket upgrade (@hono/node-server or hono/cloudflare-workers); absent: GET /v1/ws answers 501. */
  // The socket type differs per runtime; the app only uses hono's WSContext surface.
  upgradeWebSocket?: UpgradeWebSocket<unknown>
}
