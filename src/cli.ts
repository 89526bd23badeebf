#!/usr/bin/env node
import { realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { systemClock } from './clock.js'
import { loadConfig, projectRoot } from './node.js'
import { createKey, getKey, listKeys, revokeKey, toPublicKey } from './security/key-service.js'
import { openSqliteStore } from './store/sqlite.js'
import type { Store } from './store/store.js'

/** The `manifold` command: works on the local SQLite database named by MANIFOLD_DB. */

type Command = (store: Store, args: string[]) => Promise<void>

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

const keyCommands: Record<string, Command> = {
  async create(store, args) {
    const { values } = parseArgs({ args, options: { name: { type: 'string' } } })
    if (!values.name) throw new UsageError('keys create needs --name NAME')
    const { row, secret } = await createKey({ store, clock: systemClock }, { name: values.name })
    print({ ...toPublicKey(row), key: secret })
  },
  async list(store) {
    print((await listKeys(store.db)).map(toPublicKey))
  },
  async show(store, args) {
    const row = args[0] ? await getKey(store.db, args[0]) : undefined
    if (!row) throw new UsageError(`no key with id ${args[0] ?? '(none given)'}`)
    print(toPublicKey(row))
  },
  async revoke(store, args) {
    const row = args[0] ? await revokeKey({ store, clock: systemClock }, args[0]) : undefined
    if (!row) throw new UsageError(`no key with id ${args[0] ?? '(none given)'}`)
    print(toPublicKey(row))
  },
}

class UsageError extends Error {}

const HELP = `usage: manifold <command>
  keys create --name NAME     issue a virtual key (the secret is printed once)
  keys list                   list keys (no secrets)
  keys show ID                one key
  keys revoke ID              revoke a key
  migrate                     create or migrate the database (MANIFOLD_DB)
`

export async function runCli(argv: string[]): Promise<number> {
  const [group, sub, ...rest] = argv
  if (!group || group === 'help' || group === '--help') {
    process.stdout.write(HELP)
    return 0
  }
  const config = loadConfig(process.env)
  const store = openSqliteStore({ path: config.dbPath, migrationsFolder: join(projectRoot(), 'migrations') })
  try {
    if (group === 'migrate') {
      process.stdout.write(`database ready at ${resolve(config.dbPath)}\n`)
      return 0
    }
    const command = group === 'keys' && sub ? keyCommands[sub] : undefined
    if (!command) throw new UsageError(`unknown command: ${argv.join(' ')}`)
    await command(store, rest)
    return 0
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`manifold: ${err.message}\n${HELP}`)
      return 2
    }
    throw err
  } finally {
    await store.close()
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
    process.stderr.write(`manifold: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
