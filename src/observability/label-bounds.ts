import type { Config } from '../config.js'
import type { PriceTable } from '../metering/prices.js'

/** The label value for every model, route or code outside the bounded set. */
export const OTHER = 'other'
/** The route label of a call routed by its own x-manifold-route header. */
export const CUSTOM_ROUTE = 'custom'

const WELL_FORMED_CODE = /^[a-z0-9][a-z0-9_.-]{0,63}$/i
const MAX_CODES = 64

/**
 * Label values the metrics may carry. Clients write model names, route headers and (through upstreams)
 * error codes; a label taking any of them grows the exposition without bound, so only configured,
 * aliased, routed or priced models and configured routes keep their names, and everything else is `other`.
 */
export class MetricLabelBounds {
  private readonly knownModels = new Set<string>()
  private readonly routes: Set<string>
  private readonly providerTypes = new Map<string, string>()
  private readonly codes = new Set<string>()

  constructor(config: Pick<Config, 'file' | 'providers'>, private readonly prices: PriceTable) {
    const { routes, aliases } = config.file
    this.routes = new Set([...Object.keys(routes), ...Object.keys(aliases)])
    for (const [alias, target] of Object.entries(aliases)) {
      this.knownModels.add(alias)
      this.knownModels.add(target)
    }
    for (const route of Object.values(routes)) {
      for (const target of route.targets) {
        const model = typeof target === 'string' ? target : target.model
        this.knownModels.add(aliases[model] ?? model)
      }
    }
    for (const provider of Object.values(config.providers)) {
      this.providerTypes.set(provider.name, provider.type)
      for (const model of provider.models ?? []) this.knownModels.add(`${provider.name}/${model}`)
    }
  }

  /** `provider/model` as the router names it, if configured or priced; else `other`. */
  model(provider: string, model: string): string {
    if (this.knownModels.has(model)) return model
    const upstream = model.startsWith(`${provider}/`) ? model.slice(provider.length + 1) : model
    const type = this.providerTypes.get(provider)
    if (this.prices.lookup(provider, upstream) || (type !== undefined && this.prices.lookup(type, upstream))) return model
    return OTHER
  }

  /** A configured route or alias keeps its name; a per-request route is `custom`; a plain model as `model()` says. */
  route(name: string, provider?: string): string {
    if (name === 'header') return CUSTOM_ROUTE
    if (this.routes.has(name)) return name
    const slash = name.indexOf('/')
    return this.model(provider ?? (slash > 0 ? name.slice(0, slash) : ''), name)
  }

  /** Error codes come from the gateway's own set and from upstreams; the first few dozen well-formed ones keep their name. */
  code(code: string | null | undefined): string {
    if (code === null || code === undefined || code === '') return ''
    if (this.codes.has(code)) return code
    if (!WELL_FORMED_CODE.test(code) || this.codes.size >= MAX_CODES) return OTHER
    this.codes.add(code)
    return code
  }
}
