import { buildProviderRegistry, type ProviderRegistry } from '../providers/index.js'
import { systemClock, type Clock } from './clock.js'
import type { Config } from './config.js'
import { LocalJobQueue, type JobQueue } from './jobs/queue.js'
import type { AppDeps } from './deps.js'
import type { Logger } from './log.js'
import { PriceTable } from './metering/prices.js'
import type { PromptCatalog } from './prompt-api/catalog.js'
import type { ApiReferenceScript } from './prompt-api/docs-page.js'
import { UsageRecorder } from './metering/usage-recorder.js'
import { GatewayMetrics } from './metering/gateway-metrics.js'
import { MetricLabelBounds } from './observability/label-bounds.js'
import { Observability } from './observability/observability.js'
import type { RuntimeSampler } from './observability/runtime-metrics.js'
import type { TracingSettings } from './observability/settings.js'
import { OtlpHttpExporter } from './observability/tracing/exporter.js'
import { Tracer } from './observability/tracing/tracer.js'
import { keyAdmission } from './metering/key-admission.js'
import type { KeyLimits } from './metering/key-limits.js'
import { LocalKeyLimits } from './metering/local-key-limits.js'
import { RateLimiter } from './metering/rate-limiter.js'
import { SpendLedger } from './metering/spend-ledger.js'
import { routeTargetNames, TargetHealth } from './routing/cooldown.js'
import { KeyCache } from './security/key-cache.js'
import type { HostResolver } from './security/url-check.js'
import type { Store } from './store/store.js'

export interface AssembleOptions {
  config: Config
  store: Store
  log: Logger
  adminKeyHash: string
  fetch?: typeof fetch
  /** Default: the request's own AbortSignal. */
  callerSignal?: AppDeps['callerSignal']
  clock?: Clock
  providers?: ProviderRegistry
  /** Default Math.random: load balancing and retry jitter. */
  random?: () => number
  prompts?: PromptCatalog
  apiReferenceScript?: () => Promise<ApiReferenceScript>
  /** Default: an in-process queue for the Node job runner. */
  jobQueue?: JobQueue
  resolveHost?: HostResolver
  callbackFetch?: typeof fetch
  upgradeWebSocket?: AppDeps['upgradeWebSocket']
  /** OTLP tracing; absent: off. */
  tracing?: TracingSettings
  /** The HTTP client spans are exported with; default the global fetch. */
  exportFetch?: typeof fetch
  /** Process metrics for GET /metrics (Node). */
  runtime?: RuntimeSampler
  /** Default: in this process (LocalKeyLimits); Workers pass one Durable Object per key. */
  keyLimits?: (parts: { usage: UsageRecorder; spend: SpendLedger; clock: Clock }) => KeyLimits
}

function tracerFor(options: AssembleOptions): Tracer | undefined {
  const { tracing } = options
  if (!tracing) return undefined
  const exporter = new OtlpHttpExporter({
    endpoint: tracing.endpoint, headers: tracing.headers, serviceName: tracing.serviceName, log: options.log,
    fetch: options.exportFetch ?? globalThis.fetch.bind(globalThis),
  })
  return new Tracer(tracing, exporter, options.random)
}

/** Builds the dependency graph both entries share; each runtime supplies its store, fetch and logger. */
export function assembleDeps(options: AssembleOptions): AppDeps {
  const { config, store, log } = options
  const prices = new PriceTable(config.file.prices)
  const clock = options.clock ?? systemClock
  const usage = new UsageRecorder({ store, log, flushMs: config.usageFlushMs })
  const spend = new SpendLedger({ db: store.db, usage, clock, log })
  const labels = new MetricLabelBounds(config, prices)
  const metrics = new GatewayMetrics(usage, labels, options.runtime)
  return {
    config,
    store,
    log,
    prices,
    adminKeyHash: options.adminKeyHash,
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    callerSignal: options.callerSignal ?? ((c) => c.req.raw.signal),
    providers: options.providers ?? buildProviderRegistry(Object.values(config.providers).map((p) => ({
      ...p,
      // A provider named otherwise but of a known type (e.g. "claude" of type anthropic) uses that type's prices.
      maxOutputTokens: (model: string) => (prices.lookup(p.name, model) ?? prices.lookup(p.type, model))?.maxOutputTokens,
    })), { limits: { maxResponseBytes: config.file.upstream.max_response_bytes, maxEventBytes: config.file.upstream.max_event_bytes } }),
    usage,
    keyCache: new KeyCache(),
    admission: keyAdmission({
      limits: options.keyLimits?.({ usage, spend, clock }) ?? new LocalKeyLimits(spend, new RateLimiter(clock, usage), clock),
      prices,
    }),
    spend,
    metrics,
    observability: new Observability({ log, clock, usage, metrics, labels, tracer: tracerFor(options) }),
    targets: new TargetHealth(config.file.routing.cooldown, options.clock ?? systemClock, routeTargetNames(config.file)),
    random: options.random ?? Math.random,
    prompts: options.prompts,
    apiReferenceScript: options.apiReferenceScript,
    jobQueue: options.jobQueue ?? new LocalJobQueue(),
    resolveHost: options.resolveHost,
    callbackFetch: options.callbackFetch,
    upgradeWebSocket: options.upgradeWebSocket,
  }
}
