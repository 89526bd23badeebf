#!/usr/bin/env node
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { systemClock } from './clock.js'
import { loadConfig, projectRoot, readPromptFiles } from './node.js'
import { PromptCliUsageError, PROMPTS_HELP, runPromptsCommand } from './prompt-api/cli-commands.js'
import { CliUsageError } from './cli-flags.js'
import { runUsageCommand, USAGE_HELP } from './metering/usage-cli.js'
import { KEYS_HELP, runKeysCommand } from './security/keys-cli.js'
import { openSqliteStore } from './store/sqlite.js'

/** The `manifold` command: works on the local SQLite database named by MANIFOLD_DB. */

class UsageError extends Error {}

const HELP = `usage: manifold <command>
${KEYS_HELP}${USAGE_HELP}  migrate                     create or migrate the database (MANIFOLD_DB)
${PROMPTS_HELP}`

export async function runCli(argv: string[]): Promise<number> {
  const [group, sub, ...rest] = argv
  if (!group || group === 'help' || group === '--help') {
    process.stdout.write(HELP)
    return 0
  }
  const config = loadConfig(process.env)
  if (group === 'prompts') return runPromptsCli(sub, rest, config.promptsDir)
  const store = openSqliteStore({ path: config.dbPath, migrationsFolder: join(projectRoot(), 'migrations') })
  try {
    if (group === 'migrate') {
      process.stdout.write(`database ready at ${resolve(config.dbPath)}\n`)
      return 0
    }
    const out = (text: string) => process.stdout.write(text)
    if (group === 'keys') await runKeysCommand(sub, rest, { store, clock: systemClock, out })
    else if (group === 'usage') await runUsageCommand(argv.slice(1), { store, clock: systemClock, out })
    else throw new UsageError(`unknown command: ${argv.join(' ')}`)
    return 0
  } catch (err) {
    if (err instanceof UsageError || err instanceof CliUsageError) {
      process.stderr.write(`manifold: ${err.message}\n${HELP}`)
      return 2
    }
    throw err
  } finally {
    await store.close()
  }
}

/** `manifold prompts …`: works on the prompt files alone, no database. */
async function runPromptsCli(sub: string | undefined, args: string[], dir: string): Promise<number> {
  try {
    return await runPromptsCommand(sub, args, {
      readSources: () => readPromptFiles(dir),
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      writeFile: (path, text) => {
        mkdirSync(dirname(path), { recursive: true })
        writeFileSync(path, text)
      },
      gatewayUrl: process.env.MANIFOLD_URL || 'http://127.0.0.1:8787',
      apiKey: process.env.MANIFOLD_API_KEY || undefined,
      fetch: globalThis.fetch,
    })
  } catch (err) {
    if (!(err instanceof PromptCliUsageError)) throw err
    process.stderr.write(`manifold: ${err.message}\n${HELP}`)
    return 2
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
    process.stderr.write(`manifold: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
