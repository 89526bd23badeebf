import { Hono } from 'hono'
import type { AppEnv, Principal } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { matchesAny } from '../security/glob.js'

interface ModelEntry { id: string; object: 'model'; created: number; owned_by: string }

const LIST_TTL_MS = 60_000

/** GET /v1/models: every enabled provider's models, and the configured routes and aliases, that the key may use. */
export function modelRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const cache = new Map<string, { ids: string[]; expiresAt: number }>()

  function fallbackList(providerName: string, type: string): string[] {
    const seedProvider = type === 'openai-compatible' ? providerName : type
    const ids: string[] = []
    for (const price of deps.prices.entries()) if (price.provider === seedProvider) ids.push(price.model)
    return ids
  }

  async function providerModels(providerName: string): Promise<string[]> {
    const entry = deps.providers.get(providerName)!
    const cached = cache.get(providerName)
    const now = deps.clock.now()
    if (cached && cached.expiresAt > now) return cached.ids
    let ids: string[]
    if (entry.spec.models) {
      ids = entry.spec.models
    } else if (entry.provider.listModels) {
      try {
        ids = await entry.provider.listModels({ signal: AbortSignal.timeout(5_000), apiKey: entry.spec.apiKey, baseURL: entry.spec.baseURL, fetch: deps.fetch })
      } catch (err) {
        deps.log.warn('model listing failed; using the price table', { provider: providerName, error: err instanceof Error ? err.message : String(err) })
        ids = fallbackList(providerName, entry.spec.type)
      }
    } else {
      ids = fallbackList(providerName, entry.spec.type)
    }
    cache.set(providerName, { ids, expiresAt: now + LIST_TTL_MS })
    return ids
  }

  async function visibleModels(principal: Principal): Promise<ModelEntry[]> {
    const created = Math.floor(deps.clock.now() / 1000)
    const allowed = principal.kind === 'admin' ? null : principal.key.models
    const out: ModelEntry[] = []
    const seen = new Set<string>()
    const add = (id: string, ownedBy: string) => {
      if (seen.has(id) || !matchesAny(allowed, id)) return
      seen.add(id)
      out.push({ id, object: 'model', created, owned_by: ownedBy })
    }
    const lists = await Promise.all([...deps.providers.keys()].map(async (name) => [name, await providerModels(name)] as const))
    for (const [name, ids] of lists) for (const id of ids) add(`${name}/${id}`, name)
    for (const name of Object.keys(deps.config.file.routes)) add(name, 'manifold')
    for (const name of Object.keys(deps.config.file.aliases)) add(name, 'manifold')
    return out
  }

  app.get('/v1/models', async (c) => c.json({ object: 'list', data: await visibleModels(c.get('principal')) }))

  return app
}
