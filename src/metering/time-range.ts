/** Instants in report queries: ISO 8601 (`2026-07-01`, `2026-07-01T12:00:00Z`), epoch milliseconds, or an age (`7d`, `24h`, `30m`). */

const ageUnits: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }

/** The instant `text` names, in ms since the epoch; undefined when it names none. An age counts back from `now`. */
export function parseInstant(text: string, now: number): number | undefined {
  const trimmed = text.trim()
  const age = /^(\d{1,6})([mhdw])$/.exec(trimmed)
  if (age) return now - Number(age[1]) * ageUnits[age[2]!]!
  if (/^\d{10,16}$/.test(trimmed)) return Number(trimmed)
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) return undefined
  // A date or a time without a zone is UTC: reports are in UTC throughout.
  const withZone = /T|\s/.test(trimmed) && !/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ? `${trimmed}Z` : trimmed
  const ms = Date.parse(withZone.replace(' ', 'T'))
  return Number.isNaN(ms) ? undefined : ms
}
