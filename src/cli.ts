#!/usr/bin/env node
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CliUsageError } from './cli-flags.js'
import { commandHelp, didYouMean, overviewHelp, subcommandHelp, type CommandHelp } from './cli-help.js'
import { systemClock } from './clock.js'
import { ConfigError, type Env } from './config.js'
import { runUsageCommand, usageHelp } from './metering/usage-cli.js'
import { findDatabasePath, findProjectRoot, loadConfig, openDatabase, projectRoot, readPromptFiles } from './node.js'
import { promptsHelp, runPromptsCommand } from './prompt-api/cli-commands.js'
import { keysHelp, runKeysCommand } from './security/keys-cli.js'
import type { Store } from './store/store.js'

/** The `manifold` command: keys, usage, prompts and migrate, on the same database the gateway uses. */

export interface CliIo {
  env: Env
  cwd: string
  out(text: string): void
  err(text: string): void
}

const migrateHelp: CommandHelp = {
  name: 'migrate',
  summary: 'create the database, or bring it up to date with this version',
  args: '',
  details: '  The database is MANIFOLD_DB, else data/manifold.db in the gateway\'s folder (found from here upward).\n',
}
const helpHelp: CommandHelp = { name: 'help', summary: 'this overview, or a command\'s help: manifold help keys create', args: '[command [subcommand]]' }

const COMMANDS = [keysHelp, usageHelp, promptsHelp, migrateHelp, helpHelp]
const commandNames = COMMANDS.map((c) => c.name)

function version(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version
}

function findCommand(name: string): CommandHelp {
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) throw new CliUsageError(`unknown command "${name}"${didYouMean(name, commandNames)}`)
  return command
}

/** `manifold help keys create`, `manifold keys create -h`: the most specific help the words name. */
function helpFor(words: string[]): string {
  const [name, sub] = words.filter((w) => !w.startsWith('-'))
  if (name === undefined) return overviewHelp(COMMANDS)
  const command = findCommand(name)
  if (sub === undefined || !command.subcommands) return commandHelp(command)
  const found = command.subcommands[sub]
  if (!found) throw new CliUsageError(`unknown command "${name} ${sub}"${didYouMean(sub, Object.keys(command.subcommands), (c) => `${name} ${c}`)}`)
  return subcommandHelp(command, sub, found)
}

/** Where to look after a usage error: the help of the deepest command the words name correctly. */
function helpHint(argv: string[]): string {
  const [name, sub] = argv
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) return 'manifold --help'
  return sub !== undefined && command.subcommands?.[sub] ? `manifold ${name} ${sub} --help` : `manifold ${name} --help`
}

/**
 * The database the gateway would use. Never a new file in whatever folder this runs from: without
 * MANIFOLD_DB and outside the gateway's folder, it says so instead.
 */
function openCliDatabase(io: CliIo): { store: Store; path: string } {
  const path = findDatabasePath(io.env, io.cwd)
  if (path === undefined) {
    throw new ConfigError(`no Manifold database found in ${io.cwd} or any folder above it (looked for data/manifold.db and the gateway's package.json): `
      + 'run manifold inside the gateway\'s folder, or set MANIFOLD_DB=/path/to/manifold.db')
  }
  if (path !== ':memory:' && !existsSync(path)) io.err(`manifold: creating a new database at ${path}\n`)
  return { store: openDatabase(path), path }
}

async function runDatabaseCommand(command: string, sub: string | undefined, rest: string[], io: CliIo): Promise<number> {
  const { store, path } = openCliDatabase(io)
  try {
    const ctx = { store, clock: systemClock, out: io.out }
    if (command === 'migrate') {
      if (sub !== undefined) throw new CliUsageError(`migrate takes no arguments (got "${sub}")`)
      io.out(`database ready at ${path}\n`)
    } else if (command === 'keys') await runKeysCommand(sub, rest, ctx)
    else await runUsageCommand(sub === undefined ? rest : [sub, ...rest], ctx)
    return 0
  } finally {
    await store.close()
  }
}

/** `manifold prompts …`: works on the prompt files alone, no database. */
function runPromptsCli(sub: string | undefined, args: string[], io: CliIo): Promise<number> {
  const config = loadConfig(io.env)
  const base = io.env.MANIFOLD_PROMPTS_DIR ? io.cwd : findProjectRoot(io.cwd) ?? io.cwd
  const dir = resolve(base, config.promptsDir)
  return runPromptsCommand(sub, args, {
    readSources: () => readPromptFiles(dir),
    out: io.out,
    err: io.err,
    writeFile: (path, text) => {
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, text)
    },
    gatewayUrl: io.env.MANIFOLD_URL || 'http://127.0.0.1:8787',
    apiKey: io.env.MANIFOLD_API_KEY || undefined,
    fetch: globalThis.fetch,
  })
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, sub, ...rest] = argv
  // In `prompts show|test`, --version V names a prompt version; everywhere else it asks for manifold's.
  const promptVersion = name === 'prompts' && (sub === 'show' || sub === 'test')
  if (argv.includes('--version') && !promptVersion) {
    io.out(`manifold ${version()}\n`)
    return 0
  }
  if (name === undefined || name === '-h' || name === '--help') {
    io.out(overviewHelp(COMMANDS))
    return 0
  }
  if (name === 'help') {
    io.out(helpFor(argv.slice(1)))
    return 0
  }
  const command = findCommand(name)
  if (argv.includes('-h') || argv.includes('--help') || (command.subcommands && sub === undefined)) {
    io.out(helpFor(argv))
    return 0
  }
  // An unknown subcommand is refused (with a suggestion) before any database is opened.
  if (command.subcommands && !command.subcommands[sub!]) helpFor([name, sub!])
  if (name === 'prompts') return runPromptsCli(sub, rest, io)
  return runDatabaseCommand(name, sub, rest, io)
}

/** Runs one command line; returns the exit code (0 done, 1 failed, 2 wrong usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io)
  } catch (err) {
    if (err instanceof CliUsageError) {
      io.err(`manifold: ${err.message}\nrun "${helpHint(argv)}" for usage\n`)
      return 2
    }
    if (err instanceof ConfigError) {
      io.err(`manifold: ${err.message}\n`)
      return 1
    }
    throw err
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const io: CliIo = { env: process.env, cwd: process.cwd(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }
  // Exit once stdout has drained, so a piped table is never cut short.
  runCli(process.argv.slice(2), io).then((code) => process.stdout.write('', () => process.exit(code)), (err: unknown) => {
    process.stderr.write(`manifold: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
