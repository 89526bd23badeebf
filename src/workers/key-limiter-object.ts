import type { D1Database, DurableObjectState } from '@cloudflare/workers-types'
import { systemClock } from '../clock.js'
import { GatewayError } from '../errors.js'
import { periodWindow, type BudgetPeriod } from '../metering/budget-period.js'
import { fitsBudget, overBudget } from '../metering/budget-refusal.js'
import { periodSpendFromDb } from '../metering/period-spend.js'
import { RateLimiter, type KeyRateSnapshot, type RateTicket, type SettlingRow } from '../metering/rate-limiter.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import { openD1Store } from '../store/d1.js'
import type { AcquireInput, AcquireResult, ChargeResult, KeyLimiterApi, LimiterCall, Refusal, SettleInput } from './key-limiter-protocol.js'

/** A call whose isolate never settled it (the isolate died) gives its hold and parallel slot back after this. */
const LEASE_MS = 60 * 60_000
/** How often the spend is compared with D1's usage rows (rows written by anything that bypassed the object). */
const RECONCILE_MS = 60_000

interface Lease {
  ticket?: RateTicket
  /** A lease from before an eviction: its parallel slot, taken again at restart. */
  resumed?: () => void
  /** Whether the call holds a parallel slot (it had a rate ticket). */
  limited: boolean
  /** Picodollars held against the budget until the call settles. */
  hold: number
  costPerAttempt: number
  tokensPerAttempt: number
  expiresAt: number
}

interface StoredSpend {
  period: BudgetPeriod
  start: number
  /** Settled spend of the period: D1's sum when first read, plus every settled call since. */
  spent: number
  reconciledAt: number
}

interface StoredLease {
  hold: number
  costPerAttempt: number
  tokensPerAttempt: number
  expiresAt: number
  limited: boolean
}

interface StoredState {
  key?: ApiKeyRow
  spend?: StoredSpend
  /** Calls in flight: their holds and parallel slots outlive an eviction of the object. */
  leases: Record<string, StoredLease>
  rates?: KeyRateSnapshot
}

function refusalOf(err: unknown): Refusal {
  if (!(err instanceof GatewayError)) throw err
  return { status: err.status, message: err.message, type: err.type, code: err.code, headers: err.headers }
}

const unauthorized = (message: string, code: string): Refusal =>
  ({ status: 401, message, type: 'invalid_request_error', code, headers: {} })

/**
 * One per virtual key (`idFromName(keyId)`): every isolate's admission of the key goes through it, so
 * rpm, tpm, max_parallel and the budget are one number everywhere. The object runs one event at a time,
 * and nothing awaits between a check and its reservation, so an acquire is atomic. The spend, the calls
 * in flight (holds, parallel slots) and the rate buckets are kept in the object's storage, so an eviction
 * between calls forgets nothing.
 */
export class KeyLimiterObject implements KeyLimiterApi {
  private state: StoredState = { leases: {} }
  private readonly leases = new Map<string, Lease>()
  private readonly settling: Array<(row: SettlingRow) => void> = []
  private readonly limiter = new RateLimiter(systemClock, { subscribe: (listener) => this.settling.push(listener) })
  private reconciling = false
  /** The stored state, read once; every entry point awaits it (a resolved promise after the first call). */
  private readonly loaded: Promise<void>

  constructor(private readonly ctx: DurableObjectState, private readonly env: { DB: D1Database }) {
    this.loaded = this.ctx.blockConcurrencyWhile(async () => {
      this.state = (await this.ctx.storage.get<StoredState>('state')) ?? { leases: {} }
      const keyId = this.state.key?.id
      if (keyId && this.state.rates) this.limiter.restore(keyId, this.state.rates)
      // Calls from before an eviction keep their holds and parallel slots until they settle or expire.
      const now = Date.now()
      for (const [leaseId, stored] of Object.entries(this.state.leases)) {
        if (stored.expiresAt <= now) continue
        const resumed = keyId && stored.limited ? this.limiter.resume(keyId) : undefined
        this.leases.set(leaseId, { ...stored, resumed })
      }
    })
  }

  /** The object's one entry point: the isolates' calls (key-limiter-client.ts) as JSON over its stub's fetch. */
  async fetch(request: Request): Promise<Response> {
    // Only this Worker's isolates reach the object (through its binding): the bodies are ours.
    const body = (await request.json()) as LimiterCall
    switch (body.op) {
      case 'acquire': return Response.json(await this.acquire(body.input))
      case 'charge': return Response.json(await this.chargeAttempt(body.leaseId))
      case 'settle': return Response.json(await this.settle(body.leaseId, body.used) ?? null)
      case 'key-changed': return Response.json(await this.keyChanged(body.row) ?? null)
    }
    return new Response('unknown operation', { status: 400 })
  }

  async acquire(input: AcquireInput): Promise<AcquireResult> {
    await this.loaded
    const now = Date.now()
    this.expireLeases(now)
    const key = this.currentKey(input.key)
    const denied = this.authRefusal(key, input.key, now)
    if (denied) return { ok: false, refusal: denied }
    const budget = key.budgetPicoUsd
    const spend = budget === null ? undefined : await this.spendOf(key, now)
    // From here to the reservation nothing awaits: the object runs no other event in between.
    const hold = input.costPerAttempt * input.attempts
    const leaseId = crypto.randomUUID()
    try {
      if (budget !== null) this.assertFits(key, budget, spend!.spent, hold, now)
      const limited = key.rpm !== null || key.tpm !== null || key.maxParallel !== null
      const ticket = limited ? this.limiter.acquire(key, input.tokensPerAttempt * input.attempts, leaseId, input.attempts) : undefined
      this.leases.set(leaseId, {
        ticket, limited: ticket !== undefined, hold, costPerAttempt: input.costPerAttempt, tokensPerAttempt: input.tokensPerAttempt, expiresAt: now + LEASE_MS,
      })
      await this.save()
      return { ok: true, leaseId, headers: ticket?.headers ?? {} }
    } catch (err) {
      return { ok: false, refusal: refusalOf(err) }
    }
  }

  async chargeAttempt(leaseId: string): Promise<ChargeResult> {
    await this.loaded
    const lease = this.leases.get(leaseId)
    const key = this.state.key
    if (!lease || !key) return { ok: true }
    const now = Date.now()
    try {
      if (key.budgetPicoUsd !== null) this.assertFits(key, key.budgetPicoUsd, (await this.spendOf(key, now)).spent, lease.costPerAttempt, now)
      lease.ticket?.chargeAttempt(lease.tokensPerAttempt)
      lease.hold += lease.costPerAttempt
      await this.save()
      return { ok: true }
    } catch (err) {
      return { ok: false, refusal: refusalOf(err) }
    }
  }

  /** The call ended: its tokens settle the tpm reservation, its cost replaces its hold in the spend. */
  async settle(leaseId: string, used: SettleInput | null): Promise<void> {
    await this.loaded
    const lease = this.leases.get(leaseId)
    if (!lease) return
    this.leases.delete(leaseId)
    if (used) for (const listener of this.settling) listener({ requestId: leaseId, promptTokens: used.tokens, completionTokens: 0 })
    lease.ticket?.release()
    lease.resumed?.()
    const spend = this.state.spend
    // Usage that could not be matched to the call counts as its whole hold: it errs on the side of refusing.
    if (spend && spend.start === this.periodStart(spend.period, Date.now())) spend.spent += used ? used.costPicoUsd : lease.hold
    await this.save()
  }

  /** An update, rotation or revocation from the admin API: the next acquire from any isolate sees it. */
  async keyChanged(row: ApiKeyRow): Promise<void> {
    await this.loaded
    if (this.state.key && this.state.key.updatedAt > row.updatedAt) return
    this.state.key = row
    await this.ctx.storage.put('state', this.state)
  }

  private currentKey(seen: ApiKeyRow): ApiKeyRow {
    if (!this.state.key || seen.updatedAt > this.state.key.updatedAt) {
      this.state.key = seen
      void this.ctx.storage.put('state', this.state)
    }
    return this.state.key
  }

  /** The isolate's cached row may be older than the object's: a revoked or rotated key is refused at once. */
  private authRefusal(key: ApiKeyRow, seen: ApiKeyRow, now: number): Refusal | undefined {
    if (key.keyHash !== seen.keyHash) return unauthorized('Incorrect API key provided.', 'invalid_api_key')
    if (key.revokedAt !== null) return unauthorized('This API key has been revoked.', 'key_revoked')
    if (key.expiresAt !== null && key.expiresAt <= now) return unauthorized('This API key has expired.', 'key_expired')
    return undefined
  }

  private periodStart(period: BudgetPeriod, now: number): number {
    return periodWindow(period, now).start
  }

  /** The period's spend: read from D1 once per period (no other event runs meanwhile), then kept here. */
  private async spendOf(key: ApiKeyRow, now: number): Promise<StoredSpend> {
    const period = key.budgetPeriod ?? 'total'
    const start = this.periodStart(period, now)
    const known = this.state.spend
    if (known && known.period === period && known.start === start) {
      if (now - known.reconciledAt >= RECONCILE_MS) this.reconcile(key.id, known, now)
      return known
    }
    await this.ctx.blockConcurrencyWhile(async () => {
      const spent = await periodSpendFromDb(openD1Store(this.env.DB).db, key.id, start)
      this.state.spend = { period, start, spent, reconciledAt: now }
      await this.ctx.storage.put('state', this.state)
    })
    return this.state.spend!
  }

  /** D1's sum can only be higher than the object's count (rows written around it); never lower the count. */
  private reconcile(keyId: string, spend: StoredSpend, now: number): void {
    if (this.reconciling) return
    this.reconciling = true
    spend.reconciledAt = now
    periodSpendFromDb(openD1Store(this.env.DB).db, keyId, spend.start).then(async (sum) => {
      if (this.state.spend === spend && sum > spend.spent) {
        spend.spent = sum
        await this.ctx.storage.put('state', this.state)
      }
    }, (err: unknown) => {
      console.warn(`key limiter: spend reconcile failed for ${keyId}: ${err instanceof Error ? err.message : String(err)}`)
    }).finally(() => {
      this.reconciling = false
    })
  }

  private assertFits(key: ApiKeyRow, budget: number, spent: number, wanted: number, now: number): void {
    let held = 0
    for (const lease of this.leases.values()) held += lease.hold
    if (!fitsBudget(budget, spent, held, wanted)) throw overBudget(key, spent, held, wanted, now)
  }

  private expireLeases(now: number): void {
    for (const [leaseId, lease] of this.leases) {
      if (lease.expiresAt > now) continue
      lease.ticket?.release()
      lease.resumed?.()
      this.leases.delete(leaseId)
    }
  }

  /** Stores the calls in flight and the rate buckets with the rest, in one write. */
  private async save(): Promise<void> {
    const leases: StoredState['leases'] = {}
    for (const [leaseId, { hold, costPerAttempt, tokensPerAttempt, expiresAt, limited }] of this.leases) {
      leases[leaseId] = { hold, costPerAttempt, tokensPerAttempt, expiresAt, limited }
    }
    this.state.leases = leases
    if (this.state.key) this.state.rates = this.limiter.snapshot(this.state.key.id)
    await this.ctx.storage.put('state', this.state)
  }
}
