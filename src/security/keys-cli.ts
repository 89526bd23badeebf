import { CliUsageError, parseFlags } from '../cli-flags.js'
import type { Clock } from '../clock.js'
import { periodWindow } from '../metering/budget-period.js'
import { periodSpendFromDb } from '../metering/period-spend.js'
import { picoToUsdText } from '../metering/usd.js'
import type { Store } from '../store/store.js'
import { firstProblem, keyCreateSchema, keyUpdateSchema, toKeyFields } from './key-input.js'
import { createKey, getKey, listKeys, revokeKey, rotateKey, toPublicKey, updateKeyFields, type KeyChangeRefusal } from './key-service.js'

export interface KeysCliContext {
  store: Store
  clock: Clock
  out: (text: string) => void
}

export const KEYS_HELP = `  keys create --name NAME [fields]   issue a virtual key (the secret is printed once)
  keys list                          list keys (no secrets)
  keys show ID                       one key, with its spend in the current budget period
  keys update ID [fields]            change fields (a value of "none" clears one)
  keys rotate ID                     new secret for the same key; the old one stops working
  keys revoke ID                     revoke a key (final)
    fields: --name --team --models a/*,b --prompts p1,p2 --budget-usd 10 --budget-period daily|weekly|monthly|total
            --rpm N --tpm N --max-parallel N --route-header allow|deny|in_scope --expires-at 2026-12-31T00:00:00Z --metadata '{"owner":"ana"}' --webhook-secret whsec_…
`

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

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

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
    case 'list':
      ctx.out(json((await listKeys(ctx.store.db)).map(toPublicKey)))
      return
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
      throw new CliUsageError(`unknown command: keys ${sub ?? ''}`.trim())
  }
}
