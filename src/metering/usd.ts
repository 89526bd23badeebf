/** Exact conversions between picodollars (1e-12 USD, integers) and the USD a person reads. */

const PICO_PER_USD = 1_000_000_000_000n

/**
 * A budget or price in USD → picodollars. Goes through the decimal text, not a float product, so
 * `0.01` is exactly 10_000_000_000; digits past the twelfth decimal are dropped.
 */
export function usdToPico(usd: number): number {
  const text = usd.toFixed(12)
  const [whole, fraction = ''] = text.split('.')
  return Number(BigInt(whole!) * PICO_PER_USD + BigInt(fraction.padEnd(12, '0').slice(0, 12)))
}

/** An exact integer count of picodollars (any size, as a bigint or its decimal text) → USD as decimal text. */
export function picoToUsdText(pico: bigint | string | number): string {
  const value = BigInt(pico)
  const negative = value < 0n
  const abs = negative ? -value : value
  const whole = abs / PICO_PER_USD
  const fraction = (abs % PICO_PER_USD).toString().padStart(12, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`
}

/** For messages: `$0.01`, `$12.50`, and sub-cent amounts with the digits they need. */
export function formatDollars(pico: number): string {
  const usd = pico / 1e12
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${picoToUsdText(Math.round(pico))}`
  return `$${usd.toFixed(2)}`
}
