import type { ModelPrice } from './prices.js'
import { picoToUsdText } from './usd.js'

/** Token counts of one attempt, as the gateway meters them. */
export interface TokenCounts {
  /** All input tokens, cached reads and cache writes included. */
  promptTokens: number
  completionTokens: number
  cachedTokens: number
  cacheWriteTokens: number
  reasoningTokens: number
}

export const zeroTokens: TokenCounts = { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 }

/**
 * uncached input × input price + cached input × cache-read price + cache writes × cache-write price +
 * output (reasoning included) × output price, in integer picodollars. Null when the model has no price.
 */
export function costPicoUsd(price: ModelPrice | undefined, tokens: TokenCounts): number | null {
  if (!price) return null
  const uncached = Math.max(0, tokens.promptTokens - tokens.cachedTokens - tokens.cacheWriteTokens)
  return uncached * price.inputPicoPerToken
    + tokens.cachedTokens * price.cacheReadPicoPerToken
    + tokens.cacheWriteTokens * price.cacheWritePicoPerToken
    + tokens.completionTokens * price.outputPicoPerToken
}

/**
 * What the cached input tokens saved: their cost at the uncached input price minus their cost at the
 * cache-read price, in integer picodollars; 0 when the model has no price (nothing known is claimed).
 */
export function cacheSavingsPicoUsd(price: ModelPrice | undefined, tokens: TokenCounts): number {
  if (!price || tokens.cachedTokens === 0) return 0
  return tokens.cachedTokens * (price.inputPicoPerToken - price.cacheReadPicoPerToken)
}

/** Picodollars as a USD number for JSON and headers (exact to the 1e-12 digit the integer holds). */
export function picoToUsd(pico: number): number {
  return Number((pico / 1e12).toFixed(12))
}

/** A header value such as `0.00000042` (never `4.2e-7`); "unknown" when the price is. */
export function formatUsd(pico: number | null): string {
  if (pico === null) return 'unknown'
  return picoToUsdText(Math.round(pico))
}
