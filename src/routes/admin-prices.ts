import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { picoToUsdText } from '../metering/usd.js'

/** Picodollars per token → USD per million tokens, as the price table is written. */
const perMillion = (picoPerToken: number) => Number(picoToUsdText(picoPerToken * 1_000_000))

/** GET /admin/prices: the price table in force (seed plus config overrides) and the date it was taken. */
export function adminPriceRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/admin/prices', (c) => {
    const data = [...deps.prices.entries()].map((p) => ({
      provider: p.provider,
      model: p.model,
      input_per_mtok: perMillion(p.inputPicoPerToken),
      output_per_mtok: perMillion(p.outputPicoPerToken),
      cache_read_per_mtok: perMillion(p.cacheReadPicoPerToken),
      cache_write_per_mtok: perMillion(p.cacheWritePicoPerToken),
      max_input_tokens: p.maxInputTokens ?? null,
      max_output_tokens: p.maxOutputTokens ?? null,
    }))
    return c.json({ object: 'list', taken_on: deps.prices.takenOn, data })
  })
  return app
}
