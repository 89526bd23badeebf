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

/** True when `name` matches any pattern; a null list means no restriction. */
export function matchesAny(patterns: readonly string[] | null | undefined, name: string): boolean {
  if (!patterns) return true
  return patterns.some((p) => globToRegExp(p).test(name))
}
