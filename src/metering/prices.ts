import seed from './model-prices.json' with { type: 'json' }

/** List prices, converted once to integer picodollars (1e-12 USD) per token so every cost is an exact integer. */
export interface ModelPrice {
  provider: string
  model: string
  inputPicoPerToken: number
  outputPicoPerToken: number
  cacheReadPicoPerToken: number
  cacheWritePicoPerToken: number
  maxInputTokens?: number
  maxOutputTokens?: number
}

export interface PriceInput {
  input_per_mtok: number
  output_per_mtok: number
  cache_read_per_mtok?: number | null
  cache_write_per_mtok?: number | null
  max_input_tokens?: number | null
  max_output_tokens?: number | null
}

/** The date the seed table was taken (see its `about`). */
export const PRICE_TABLE_DATE = '2026-07-24'

/** USD per million tokens → picodollars per token; exact for prices quoted to six decimals. */
export function picoPerToken(usdPerMillion: number): number {
  return Math.round(usdPerMillion * 1_000_000)
}

function toModelPrice(provider: string, model: string, p: PriceInput): ModelPrice {
  const input = picoPerToken(p.input_per_mtok)
  return {
    provider,
    model,
    inputPicoPerToken: input,
    outputPicoPerToken: picoPerToken(p.output_per_mtok),
    // A provider without a separate cached price bills cached input as input.
    cacheReadPicoPerToken: p.cache_read_per_mtok == null ? input : picoPerToken(p.cache_read_per_mtok),
    cacheWritePicoPerToken: p.cache_write_per_mtok == null ? input : picoPerToken(p.cache_write_per_mtok),
    maxInputTokens: p.max_input_tokens ?? undefined,
    maxOutputTokens: p.max_output_tokens ?? undefined,
  }
}

export class PriceTable {
  private readonly byKey = new Map<string, ModelPrice>()
  readonly takenOn: string

  /** `overrides` are keyed `provider/model` and win over the seed. */
  constructor(overrides: Record<string, PriceInput> = {}, takenOn = PRICE_TABLE_DATE) {
    this.takenOn = takenOn
    for (const entry of seed.models) {
      if (entry.input_per_mtok == null) continue
      // Embedding models produce no output tokens, so a missing output price is zero for them; a chat model
      // without one has no known price at all.
      if (entry.output_per_mtok == null && entry.mode !== 'embedding') continue
      this.byKey.set(`${entry.provider}/${entry.model}`, toModelPrice(entry.provider, entry.model, { ...entry, output_per_mtok: entry.output_per_mtok ?? 0 } as PriceInput))
    }
    for (const [key, value] of Object.entries(overrides)) {
      const slash = key.indexOf('/')
      if (slash <= 0) continue
      this.byKey.set(key, toModelPrice(key.slice(0, slash), key.slice(slash + 1), value))
    }
  }

  /**
   * The price of `provider/model`. Compatible servers share the seed's provider names (groq, deepseek, …);
   * a dated model name (`gpt-4o-mini-2024-07-18`) falls back to its undated family when only that is listed.
   */
  lookup(provider: string, model: string): ModelPrice | undefined {
    const exact = this.byKey.get(`${provider}/${model}`)
    if (exact) return exact
    const undated = model.replace(/-\d{4}-\d{2}-\d{2}$|-\d{8}$/, '')
    return undated !== model ? this.byKey.get(`${provider}/${undated}`) : undefined
  }

  entries(): IterableIterator<ModelPrice> {
    return this.byKey.values()
  }
}
