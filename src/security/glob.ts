/** Glob patterns for scopes: `*` matches any run of characters (slashes included), `?` one character. */
export function globToRegExp(pattern: string): RegExp {
  let source = '^'
  for (const ch of pattern) {
    if (ch === '*') source += '.*'
    else if (ch === '?') source += '.'
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')
  }
  return new RegExp(`${source}$`)
}

/**
 * Compiled patterns per pattern list: a key's scopes are one list, held by its cached key row, so each is
 * compiled once while that row lives (weakly held: a row evicted or reloaded takes its entry with it).
 */
const compiled = new WeakMap<readonly string[], RegExp[]>()

function compiledFor(patterns: readonly string[]): RegExp[] {
  let regexps = compiled.get(patterns)
  if (!regexps) {
    regexps = patterns.map(globToRegExp)
    compiled.set(patterns, regexps)
  }
  return regexps
}

/** True when `name` matches any pattern; a null list means no restriction. */
export function matchesAny(patterns: readonly string[] | null | undefined, name: string): boolean {
  if (!patterns) return true
  return compiledFor(patterns).some((regexp) => regexp.test(name))
}
