import type { Clock } from '../clock.js'
import type { Admission } from '../routing/admission.js'
import { getKey, insertKey, listKeys, updateKey, type ApiKeyRow } from '../store/keys-repo.js'
import type { KeyRole, RouteHeaderPolicy } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { picoToUsdText } from '../metering/usd.js'
import { matchesAny } from './glob.js'
import type { KeyCache } from './key-cache.js'
import { displayPrefix, generateId, generateSecretKey, hashKey } from './keys.js'

/** A key as the admin API shows it: everything but the hash. */
export interface PublicKey {
  id: string
  object: 'api_key'
  name: string
  team: string | null
  role: KeyRole
  prefix: string
  models: string[] | null
  prompts: string[] | null
  budget_usd: number | null
  budget_period: string | null
  rpm: number | null
  tpm: number | null
  max_parallel: number | null
  route_header: RouteHeaderPolicy
  expires_at: string | null
  metadata: Record<string, unknown> | null
  /** Whether job callbacks for this key are signed with its own secret (the secret is never shown). */
  has_webhook_secret: boolean
  created_at: string
  updated_at: string
  revoked_at: string | null
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function toPublicKey(row: ApiKeyRow): PublicKey {
  return {
    id: row.id,
    object: 'api_key',
    name: row.name,
    team: row.team,
    role: row.role,
    prefix: row.keyPrefix,
    models: row.models ?? null,
    prompts: row.prompts ?? null,
    budget_usd: row.budgetPicoUsd === null ? null : Number(picoToUsdText(row.budgetPicoUsd)),
    budget_period: row.budgetPeriod,
    rpm: row.rpm,
    tpm: row.tpm,
    max_parallel: row.maxParallel,
    route_header: row.routeHeader,
    expires_at: iso(row.expiresAt),
    metadata: row.metadata ?? null,
    has_webhook_secret: row.webhookSecret !== null,
    created_at: iso(row.createdAt)!,
    updated_at: iso(row.updatedAt)!,
    revoked_at: iso(row.revokedAt),
  }
}

export interface KeyFields {
  name: string
  team?: string | null
  role?: KeyRole
  models?: string[] | null
  prompts?: string[] | null
  budgetPicoUsd?: number | null
  budgetPeriod?: ApiKeyRow['budgetPeriod']
  rpm?: number | null
  tpm?: number | null
  maxParallel?: number | null
  routeHeader?: RouteHeaderPolicy
  expiresAt?: number | null
  metadata?: Record<string, unknown> | null
  webhookSecret?: string | null
}

export interface StoreAndClock { store: Store; clock: Clock }

/** Creates a key; the secret is returned here once and never again. */
export async function createKey(deps: StoreAndClock, fields: KeyFields): Promise<{ row: ApiKeyRow; secret: string }> {
  const secret = generateSecretKey()
  const now = deps.clock.now()
  const row: ApiKeyRow = {
    id: generateId('key'),
    name: fields.name,
    team: fields.team ?? null,
    role: fields.role ?? 'member',
    keyHash: await hashKey(secret),
    keyPrefix: displayPrefix(secret),
    models: fields.models ?? null,
    prompts: fields.prompts ?? null,
    budgetPicoUsd: fields.budgetPicoUsd ?? null,
    // A budget without a period is a monthly budget.
    budgetPeriod: fields.budgetPeriod ?? (fields.budgetPicoUsd != null ? 'monthly' : null),
    rpm: fields.rpm ?? null,
    tpm: fields.tpm ?? null,
    maxParallel: fields.maxParallel ?? null,
    routeHeader: fields.routeHeader ?? 'in_scope',
    expiresAt: fields.expiresAt ?? null,
    metadata: fields.metadata ?? null,
    webhookSecret: fields.webhookSecret ?? null,
    createdAt: now,
    updatedAt: now,
    revokedAt: null,
  }
  await insertKey(deps.store.db, row)
  return { row, secret }
}

export async function revokeKey(deps: StoreAndClock, id: string): Promise<ApiKeyRow | undefined> {
  const existing = await getKey(deps.store.db, id)
  if (!existing) return undefined
  if (existing.revokedAt !== null) return existing
  const now = deps.clock.now()
  return updateKey(deps.store.db, id, { revokedAt: now, updatedAt: now })
}

/** Why a key cannot be changed: it does not exist, or it was revoked (revocation is final). */
export type KeyChangeRefusal = 'not_found' | 'revoked'

export type KeyChange<T> = { ok: true; value: T } | { ok: false; refusal: KeyChangeRefusal }

async function liveKey(deps: StoreAndClock, id: string): Promise<KeyChange<ApiKeyRow>> {
  const existing = await getKey(deps.store.db, id)
  if (!existing) return { ok: false, refusal: 'not_found' }
  if (existing.revokedAt !== null) return { ok: false, refusal: 'revoked' }
  return { ok: true, value: existing }
}

/** Changes the given fields of a live key; a revoked key stays revoked and unchanged. */
export async function updateKeyFields(deps: StoreAndClock, id: string, fields: Partial<KeyFields>): Promise<KeyChange<ApiKeyRow>> {
  const found = await liveKey(deps, id)
  if (!found.ok) return found
  const patch: Partial<ApiKeyRow> = { ...fields, updatedAt: deps.clock.now() }
  // A budget set on a key without a period is a monthly budget, as at creation.
  if (fields.budgetPicoUsd != null && fields.budgetPeriod === undefined && found.value.budgetPeriod === null) patch.budgetPeriod = 'monthly'
  const row = await updateKey(deps.store.db, id, patch)
  return row ? { ok: true, value: row } : { ok: false, refusal: 'not_found' }
}

/** A new secret for the same key (same id, limits and history); the old secret stops matching at once. */
export async function rotateKey(deps: StoreAndClock, id: string): Promise<KeyChange<{ row: ApiKeyRow; secret: string }>> {
  const found = await liveKey(deps, id)
  if (!found.ok) return found
  const secret = generateSecretKey()
  const row = await updateKey(deps.store.db, id, { keyHash: await hashKey(secret), keyPrefix: displayPrefix(secret), updatedAt: deps.clock.now() })
  return row ? { ok: true, value: { row, secret } } : { ok: false, refusal: 'not_found' }
}

/** What must hear of a changed key at once: this isolate's key cache and the admission (on Workers, the key's Durable Object). */
export interface KeyChangeListeners { keyCache: KeyCache; admission: Pick<Admission, 'keyChanged'> }

/** Tells the key cache and the admission that a key changed, so the next call with it sees the change. */
export async function publishKeyChange(deps: KeyChangeListeners, row: ApiKeyRow): Promise<void> {
  deps.keyCache.invalidateKey(row.id)
  await deps.admission.keyChanged?.(row)
}

/**
 * Allows a live key a prompt API: its name is appended to the key's `prompts` (unless they already allow it)
 * and the change is published, so the key can call the prompt at once.
 */
export async function grantPrompt(deps: StoreAndClock & KeyChangeListeners, id: string, prompt: string): Promise<KeyChange<ApiKeyRow>> {
  const found = await liveKey(deps, id)
  if (!found.ok) return found
  const current = found.value.prompts
  if (current === null || matchesAny(current, prompt)) return found
  const changed = await updateKeyFields(deps, id, { prompts: [...current, prompt] })
  if (changed.ok) await publishKeyChange(deps, changed.value)
  return changed
}

export { getKey, listKeys }
