import { CliUsageError, parseFlags } from '../cli-flags.js'
import { didYouMean, type CommandHelp } from '../cli-help.js'
import { renderTable, type TableColumn } from '../cli-table.js'
import type { Clock } from '../clock.js'
import { periodWindow } from '../metering/budget-period.js'
import { periodSpendFromDb } from '../metering/period-spend.js'
import { plainDecimalJson } from '../metering/plain-decimal-json.js'
import { picoToUsdText } from '../metering/usd.js'
import type { Store } from '../store/store.js'
import { firstProblem, keyCreateSchema, keyUpdateSchema, toKeyFields } from './key-input.js'
import { createKey, getKey, listKeys, revokeKey, rotateKey, toPublicKey, updateKeyFields, type KeyChangeRefusal, type PublicKey } from './key-service.js'

export interface KeysCliContext {
  store: Store
  clock: Clock
  out: (text: string) => void
}

const FIELDS_HELP = `fields:
  --name NAME                 a name people recognise (shown beside the id in lists and reports)
  --team TEAM                 for reports by team
  --models a/*,b              models and routes the key may call (globs); none: all
  --prompts p1,p2             prompt APIs the key may call; none: all
  --budget-usd 10             spend limit in USD per --budget-period (daily|weekly|monthly|total)
  --rpm N  --tpm N            requests and tokens per minute
  --max-parallel N            calls in flight at once
  --route-header POLICY       x-manifold-route header: in_scope (default), allow or deny
  --expires-at ISO            e.g. 2026-12-31T00:00:00Z
  --metadata JSON             e.g. '{"owner":"ana"}'
  --webhook-secret whsec_…    signs this key's job callbacks
  A value of "none" clears a field (update).
`

export const keysHelp: CommandHelp = {
  name: 'keys',
  summary: 'issue, list, change, rotate and revoke virtual keys',
  subcommands: {
    create: { args: '--name NAME [fields]', summary: 'issue a virtual key (the secret is printed once)', details: FIELDS_HELP },
    list: { args: '[--json]', summary: 'list keys as a table (no secrets); --json for JSON' },
    show: { args: 'ID', summary: 'one key, with its spend in the current budget period (JSON)' },
    update: { args: 'ID [fields]', summary: 'change fields of a key', details: FIELDS_HELP },
    rotate: { args: 'ID', summary: 'new secret for the same key; the old one stops working' },
    revoke: { args: 'ID', summary: 'revoke a key (final)' },
  },
}

const FIELD_FLAGS = ['name', 'team', 'models', 'prompts', 'budget-usd', 'budget-period', 'rpm', 'tpm', 'max-parallel', 'route-header', 'expires-at', 'metadata', 'webhook-secret']
const LISTS = new Set(['models', 'prompts'])
const NUMBERS = new Set(['budget-usd', 'rpm', 'tpm', 'max-parallel'])

/** Flags → the admin API's body, so the CLI and POST/PATCH /admin/keys share one schema and one set of errors. */
function bodyFromFlags(flags: Map<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [flag, raw] of flags) {
    const field = flag.replace(/-/g, '_')
    if (raw === 'none') body[field] = null
    else if (LISTS.has(flag)) body[field] = raw.split(',').map((s) => s.trim()).filter(Boolean)
    else if (NUMBERS.has(flag)) body[field] = raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw
    else if (flag === 'metadata') {
      try {
        body[field] = JSON.parse(raw)
      } catch {
        throw new CliUsageError('--metadata must be a JSON object')
      }
    } else body[field] = raw
  }
  return body
}

function invalid(error: Parameters<typeof firstProblem>[0]): CliUsageError {
  const problem = firstProblem(error)
  return new CliUsageError(`--${problem.field.split(/[.[]/)[0]!.replace(/_/g, '-')}: ${problem.message}`)
}

function refusedMessage(id: string, refusal: KeyChangeRefusal): CliUsageError {
  return new CliUsageError(refusal === 'not_found' ? `no key with id ${id}` : `key ${id} is revoked; revocation is final`)
}

function requireId(positionals: string[]): string {
  const id = positionals[0]
  if (!id) throw new CliUsageError('the key id is missing')
  return id
}

const json = (value: unknown) => `${plainDecimalJson(value, 2)}\n`

function status(key: PublicKey, now: number): string {
  if (key.revoked_at !== null) return 'revoked'
  if (key.expires_at !== null && Date.parse(key.expires_at) <= now) return 'expired'
  return 'active'
}

const keyColumns = (now: number): Array<TableColumn<PublicKey>> => [
  { header: 'id', cell: (k) => k.id },
  { header: 'name', cell: (k) => k.name },
  { header: 'team', cell: (k) => k.team ?? '-' },
  { header: 'prefix', cell: (k) => k.prefix },
  { header: 'status', cell: (k) => status(k, now) },
  { header: 'models', cell: (k) => k.models?.join(',') ?? 'all' },
  { header: 'budget', cell: (k) => (k.budget_usd === null ? '-' : `$${k.budget_usd} ${k.budget_period ?? 'total'}`) },
  { header: 'rpm', cell: (k) => (k.rpm === null ? '-' : String(k.rpm)), numeric: true },
  { header: 'created', cell: (k) => k.created_at.slice(0, 16).replace('T', ' ') },
]

/** `manifold keys …` on the local database. A running gateway notices rotations and revocations within its key cache's 5 s. */
export async function runKeysCommand(sub: string | undefined, args: string[], ctx: KeysCliContext): Promise<void> {
  const deps = { store: ctx.store, clock: ctx.clock }
  switch (sub) {
    case 'create': {
      const { flags } = parseFlags(args, FIELD_FLAGS)
      const parsed = keyCreateSchema.safeParse(bodyFromFlags(flags))
      if (!parsed.success) throw invalid(parsed.error)
      const fields = toKeyFields(parsed.data)
      if (fields.expiresAt != null && fields.expiresAt <= ctx.clock.now()) throw new CliUsageError('--expires-at is in the past')
      const { row, secret } = await createKey(deps, { ...fields, name: parsed.data.name })
      ctx.out(json({ ...toPublicKey(row), key: secret }))
      return
    }
    case 'list': {
      const { flags } = parseFlags(args, [], ['json'])
      const keys = (await listKeys(ctx.store.db)).map(toPublicKey)
      if (flags.has('json')) ctx.out(json(keys))
      else if (keys.length === 0) ctx.out('no keys yet: create one with manifold keys create --name NAME\n')
      else ctx.out(renderTable(keyColumns(ctx.clock.now()), keys))
      return
    }
    case 'show': {
      const id = requireId(parseFlags(args, []).positionals)
      const row = await getKey(ctx.store.db, id)
      if (!row) throw refusedMessage(id, 'not_found')
      const period = row.budgetPeriod ?? 'total'
      const window = periodWindow(period, ctx.clock.now())
      const spent = await periodSpendFromDb(ctx.store.db, row.id, window.start)
      ctx.out(json({
        ...toPublicKey(row),
        spend: {
          period,
          period_start: new Date(window.start).toISOString(),
          resets_at: window.resetsAt === null ? null : new Date(window.resetsAt).toISOString(),
          spent_usd: Number(picoToUsdText(spent)),
          remaining_usd: row.budgetPicoUsd === null ? null : Number(picoToUsdText(Math.max(0, row.budgetPicoUsd - spent))),
        },
      }))
      return
    }
    case 'update': {
      const { flags, positionals } = parseFlags(args, FIELD_FLAGS)
      const id = requireId(positionals)
      const parsed = keyUpdateSchema.safeParse(bodyFromFlags(flags))
      if (!parsed.success) throw invalid(parsed.error)
      const fields = toKeyFields(parsed.data)
      if (fields.expiresAt != null && fields.expiresAt <= ctx.clock.now()) throw new CliUsageError('--expires-at is in the past')
      const changed = await updateKeyFields(deps, id, fields)
      if (!changed.ok) throw refusedMessage(id, changed.refusal)
      ctx.out(json(toPublicKey(changed.value)))
      return
    }
    case 'rotate': {
      const id = requireId(parseFlags(args, []).positionals)
      const rotated = await rotateKey(deps, id)
      if (!rotated.ok) throw refusedMessage(id, rotated.refusal)
      ctx.out(json({ ...toPublicKey(rotated.value.row), key: rotated.value.secret }))
      return
    }
    case 'revoke': {
      const id = requireId(parseFlags(args, []).positionals)
      const row = await revokeKey(deps, id)
      if (!row) throw refusedMessage(id, 'not_found')
      ctx.out(json(toPublicKey(row)))
      return
    }
    default:
      if (sub === undefined) throw new CliUsageError('keys needs a subcommand (create, list, show, update, rotate or revoke)')
      throw new CliUsageError(`unknown command "keys ${sub}"${didYouMean(sub, Object.keys(keysHelp.subcommands!), (c) => `keys ${c}`)}`)
  }
}
