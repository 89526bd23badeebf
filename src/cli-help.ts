/** Help text and typo suggestions for the `manifold` command, built from each command's own description. */

export interface SubcommandHelp {
  /** What follows `manifold GROUP SUB`: `ID [--json]`. */
  args: string
  summary: string
  /** Extra lines shown by `manifold GROUP SUB --help`. */
  details?: string
}

export interface CommandHelp {
  name: string
  summary: string
  /** For a command without subcommands: what follows `manifold NAME`. */
  args?: string
  details?: string
  subcommands?: Record<string, SubcommandHelp>
}

const COMMON_FLAGS = '  -h, --help      this help\n      --version   print the version of manifold\n'

function usageLine(parts: string[]): string {
  return `usage: manifold ${parts.filter(Boolean).join(' ')}\n`
}

/** `manifold --help`: every command with its one-line summary. */
export function overviewHelp(commands: readonly CommandHelp[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`)
  return `${usageLine(['<command> [options]'])}
The Manifold gateway's command line: keys, usage reports, prompt APIs and the database, on the local
database (MANIFOLD_DB, else data/manifold.db in the gateway's folder, found from the current folder upward).

commands:
${lines.join('\n')}

options:
${COMMON_FLAGS}
Run "manifold <command> --help" for a command's own options.
`
}

/** `manifold keys --help`: the command's subcommands, or its own usage when it has none. */
export function commandHelp(command: CommandHelp): string {
  const subs = Object.entries(command.subcommands ?? {})
  if (subs.length === 0) {
    return `${usageLine([command.name, command.args ?? ''])}\n${command.summary}\n${command.details ? `\n${command.details}` : ''}\noptions:\n${COMMON_FLAGS}`
  }
  const width = Math.max(...subs.map(([name]) => name.length)) + 2
  const lines = subs.map(([name, sub]) => `  ${name.padEnd(width)}${sub.summary}`)
  return `${usageLine([command.name, '<subcommand> [options]'])}\n${command.summary}\n\nsubcommands:\n${lines.join('\n')}\n${command.details ? `\n${command.details}` : ''}
Run "manifold ${command.name} <subcommand> --help" for its options.
`
}

/** `manifold keys create --help`. */
export function subcommandHelp(command: CommandHelp, name: string, sub: SubcommandHelp): string {
  return `${usageLine([command.name, name, sub.args])}\n${sub.summary}\n${sub.details ? `\n${sub.details}` : ''}\noptions:\n${COMMON_FLAGS}`
}

/** Edit distance with transpositions (`kyes` is one edit from `keys`); small words, so the plain table is plenty. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1)
    }
  }
  return rows[a.length]![b.length]!
}

/** The candidate a typo most likely meant (within two edits, or a unique prefix), if any. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.filter((c) => input.length >= 2 && c.startsWith(input))
  if (prefixed.length === 1) return prefixed[0]
  let best: string | undefined
  let bestDistance = input.length <= 3 ? 1 : 2
  for (const candidate of candidates) {
    const d = distance(input.toLowerCase(), candidate)
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/** `; did you mean "keys"?` or nothing. */
export function didYouMean(input: string, candidates: readonly string[], render: (c: string) => string = (c) => c): string {
  const match = closest(input, candidates)
  return match === undefined ? '' : `; did you mean "${render(match)}"?`
}
