/**
 * The exact JSON text an object was parsed from, carried on the object itself, so an answer that reaches
 * the client unchanged is sent as the upstream's own text instead of being serialised again. The property
 * is non-enumerable: a spread copy (any rewrite: normalising, stripping usage, fan-out) leaves it behind,
 * so a changed object is always serialised from what it now holds.
 */
const RAW_JSON = Symbol('manifold.rawJson')

/** `JSON.parse(text)`, remembering `text` on the result when it is an object. */
export function parseKeepingText(text: string): unknown {
  const value: unknown = JSON.parse(text)
  if (typeof value === 'object' && value !== null) Object.defineProperty(value, RAW_JSON, { value: text })
  return value
}

/** Marks `value` as exactly `text` (a copy whose text was derived from its original's). */
export function keepText<T extends object>(value: T, text: string): T {
  Object.defineProperty(value, RAW_JSON, { value: text })
  return value
}

/** The text `value` was parsed from, when it is still exactly that. */
export function rawJsonOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? (value as { [RAW_JSON]?: string })[RAW_JSON] : undefined
}
