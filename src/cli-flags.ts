import { didYouMean } from './cli-help.js'

/** `--name value` and `--name=value` flags plus positional arguments, for the portable CLI commands. */
export interface ParsedFlags {
  flags: Map<string, string>
  positionals: string[]
}

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError'
}

/** Flags outside `known` are refused by name, so a typo never passes silently. Boolean flags take no value. */
export function parseFlags(args: readonly string[], known: readonly string[], booleans: readonly string[] = []): ParsedFlags {
  const flags = new Map<string, string>()
  const positionals: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('--')) {
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    if (!known.includes(name) && !booleans.includes(name)) {
      throw new CliUsageError(`unknown flag --${name}${didYouMean(name, [...known, ...booleans], (flag) => `--${flag}`)}`)
    }
    if (booleans.includes(name)) {
      flags.set(name, 'true')
      continue
    }
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1)
    if (value === undefined) throw new CliUsageError(`--${name} needs a value`)
    flags.set(name, value)
  }
  return { flags, positionals }
}
