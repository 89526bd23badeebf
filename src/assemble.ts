import { buildProviderRegistry, type ProviderRegistry } from '../providers/index.js'
import { systemClock, type Clock } from './clock.js'
import type { Config } from './config.js'
import type { AppDeps } from './deps.js'
import type { Logger } from './log.js'
import { PriceTable } from './metering/prices.js'
import { UsageRecorder } from './metering/usage-recorder.js'
import { scopeOnlyAdmission } from './routing/admission.js'
import { KeyCache } from './security/key-cache.js'
import type { Store } from './store/store.js'

export interface AssembleOptions {
  config: Config
  store: Store
  log: Logger
  adminKeyHash: string
  fetch?: typeof fetch
  clock?: Clock
  providers?: ProviderRegistry
}

/** Builds the dependency graph both entries share; each runtime supplies its store, fetch and logger. */
export function assembleDeps(options: AssembleOptions): AppDeps {
  const { config, store, log } = options
  const prices = new PriceTable(config.file.prices)
  return {
    config,
    store,
    log,
    prices,
    adminKeyHash: options.adminKeyHash,
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    providers: options.providers ?? buildProviderRegistry(Object.values(config.providers)),
    usage: new UsageRecorder({ store, log, flushMs: config.usageFlushMs }),
    keyCache: new KeyCache(),
    admission: scopeOnlyAdmission,
  }
}
