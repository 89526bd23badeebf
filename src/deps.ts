import type { ProviderRegistry } from '../providers/index.js'
import type { Clock } from './clock.js'
import type { Config } from './config.js'
import type { Logger } from './log.js'
import type { PriceTable } from './metering/prices.js'
import type { UsageRecorder } from './metering/usage-recorder.js'
import type { Admission } from './routing/admission.js'
import type { KeyCache } from './security/key-cache.js'
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
  keyCache: KeyCache
  /** Scopes, budgets and rate limits, checked before every call. */
  admission: Admission
  /** SHA-256 of the admin key (configured or generated on first start). */
  adminKeyHash: string
}
