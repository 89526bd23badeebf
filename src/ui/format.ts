/** How the dashboard writes figures: the API's numbers, made readable; "—" for what the API did not give. */

export const MISSING = '—'

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export function formatCount(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? integer.format(value) : MISSING
}

/** Dollars with enough decimals for a fraction of a cent (LLM calls cost that). */
export function formatUsd(value: number | null | undefined): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return MISSING
  const digits = value !== 0 && Math.abs(value) < 0.01 ? 6 : value < 100 ? 4 : 2
  return `$${value.toFixed(digits)}`
}

export function formatMs(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${integer.format(value)} ms` : MISSING
}

export function formatPercent(ratio: number | null | undefined): string {
  return typeof ratio === 'number' && Number.isFinite(ratio) ? `${(ratio * 100).toFixed(2)} %` : MISSING
}

/** `2026-12-04 09:15:02 UTC`: one unambiguous form on every page. */
export function formatInstant(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return MISSING
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return MISSING
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** A number the API may or may not send (fields added by later releases): the value, or null. */
export function numberField(row: object | undefined, name: string): number | null {
  if (!row || !(name in row)) return null
  const value: unknown = (row as Record<string, unknown>)[name]
  return typeof value === 'number' ? value : null
}

/** The raw API value for a data attribute, so a test can compare the page with the API exactly. */
export function dataValue(value: unknown): string {
  return value === undefined ? 'null' : JSON.stringify(value)
}
