import { createRedactor, type Redactor } from '../src/security/redact.js'
import { lazyProvider } from './lazy-provider.js'
import { createOpenAICompatibleProvider } from './openai-compatible.js'
import { createOpenAIProvider } from './openai.js'
import type { Provider } from './types.js'
import { guardProvider, upstreamEdge, type UpstreamEdge } from './upstream-edge.js'
import { DEFAULT_UPSTREAM_LIMITS, type UpstreamLimits } from './upstream-fetch.js'

export * from './types.js'
export { DEFAULT_UPSTREAM_LIMITS, type UpstreamLimits } from './upstream-fetch.js'
export type { UpstreamEdge } from './upstream-edge.js'

export interface ProviderSpec {
  /** The name models are addressed by: `NAME/model`. */
  name: string
  type: 'openai' | 'anthropic' | 'mistral' | 'gemini' | 'openai-compatible'
  apiKey: string
  baseURL?: string
  models?: string[]
  dropUnsupportedParams: boolean
  /** The model's output limit from the price table; Anthropic needs one when a request sets no max_tokens. */
  maxOutputTokens?: (model: string) => number | undefined
}

/** A provider ready to call: the adapter plus the credentials and address its calls use. */
export interface ProviderEntry {
  spec: ProviderSpec
  /** The adapter, behind `edge`. */
  provider: Provider
  /** For calls that skip the adapter (a dialect's native pass-through): the same guarded fetch and redaction. */
  edge: UpstreamEdge
}

export type ProviderRegistry = ReadonlyMap<string, ProviderEntry>

export function createProvider(spec: ProviderSpec): Provider {
  switch (spec.type) {
    case 'openai':
      return createOpenAIProvider({ id: spec.name, models: spec.models })
    // Loaded on first use: each SDK costs memory and start-up time that an unused provider should not.
    case 'anthropic':
      return lazyProvider({
        id: spec.name, type: 'anthropic', embeds: false,
        load: async () => (await import('./anthropic/index.js')).createAnthropicProvider({
          id: spec.name, models: spec.models, dropUnsupportedParams: spec.dropUnsupportedParams, maxOutputTokens: spec.maxOutputTokens,
        }),
      })
    case 'gemini':
      return lazyProvider({
        id: spec.name, type: 'gemini', embeds: true,
        load: async () => (await import('./gemini/index.js')).createGeminiProvider({ id: spec.name, models: spec.models, dropUnsupportedParams: spec.dropUnsupportedParams }),
      })
    case 'mistral':
      return lazyProvider({
        id: spec.name, type: 'mistral', embeds: true,
        load: async () => (await import('./mistral/index.js')).createMistralProvider({ id: spec.name, models: spec.models, dropUnsupportedParams: spec.dropUnsupportedParams }),
      })
    case 'openai-compatible':
      return createOpenAICompatibleProvider({ id: spec.name, models: spec.models })
    default:
      throw new Error(`provider type "${spec.type}" is not supported yet`)
  }
}

export interface ProviderRegistryOptions {
  create?: (spec: ProviderSpec) => Provider
  limits?: UpstreamLimits
  /** Defaults to a redactor that knows every spec's key. */
  redactor?: Redactor
}

/** Every provider behind the upstream edge (guarded fetch, redacted errors); the redactor knows all their keys. */
export function buildProviderRegistry(specs: Iterable<ProviderSpec>, options: ProviderRegistryOptions = {}): ProviderRegistry {
  const all = [...specs]
  const create = options.create ?? createProvider
  const edgeOptions = {
    limits: options.limits ?? DEFAULT_UPSTREAM_LIMITS,
    redactor: options.redactor ?? createRedactor(all.map((spec) => spec.apiKey)),
  }
  const registry = new Map<string, ProviderEntry>()
  for (const spec of all) {
    const provider = create(spec)
    const edge = upstreamEdge(provider.id, edgeOptions)
    registry.set(spec.name, { spec, provider: guardProvider(provider, edge), edge })
  }
  return registry
}

/** Imports the SDKs of the configured providers now, in the background, so no call waits for one. */
export function preloadProviders(registry: ProviderRegistry, onError: (provider: string, err: unknown) => void): void {
  for (const { spec, provider } of registry.values()) {
    provider.ready?.().catch((err: unknown) => onError(spec.name, err))
  }
}
