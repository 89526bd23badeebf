import type { DurableObjectNamespace } from '@cloudflare/workers-types'
import { GatewayError } from '../errors.js'
import type { KeyLimits, LimitGrant, LimitRequest } from '../metering/key-limits.js'
import type { UsageRecorder } from '../metering/usage-recorder.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import type { AcquireResult, ChargeResult, LimiterCall, Refusal, SettleInput } from './key-limiter-protocol.js'

function refused(refusal: Refusal): GatewayError {
  return new GatewayError(refusal.status, refusal.message, { type: refusal.type, code: refusal.code, headers: refusal.headers })
}

/**
 * The Workers side of KeyLimits: each key's limits live in its Durable Object (KeyLimiterObject, one per
 * key by `idFromName(keyId)`), so every isolate checks and reserves against the same numbers. The real
 * usage of a call is summed here from the isolate's usage rows and sent when the call ends; the worker
 * keeps the isolate alive for it (`settled()` under waitUntil).
 */
export class DurableKeyLimits implements KeyLimits {
  private readonly used = new Map<string, SettleInput>()
  private readonly pending = new Set<Promise<unknown>>()

  constructor(private readonly namespace: DurableObjectNamespace, usage: UsageRecorder) {
    usage.subscribe((row) => {
      const call = this.used.get(row.requestId)
      if (!call) return
      call.tokens += (row.promptTokens ?? 0) + (row.completionTokens ?? 0)
      call.costPicoUsd += row.costPicoUsd ?? 0
    })
  }

  async acquire(request: LimitRequest): Promise<LimitGrant> {
    const { key, requestId } = request
    const result = await this.send<AcquireResult>(key.id, {
      op: 'acquire',
      input: { key, attempts: request.attempts, tokensPerAttempt: request.tokensPerAttempt, costPerAttempt: request.costPerAttempt },
    })
    if (!result.ok) throw refused(result.refusal)
    const { leaseId } = result
    if (requestId !== undefined) this.used.set(requestId, { tokens: 0, costPicoUsd: 0 })
    let released = false
    return {
      headers: result.headers,
      chargeAttempt: async () => {
        const charged = await this.send<ChargeResult>(key.id, { op: 'charge', leaseId })
        if (!charged.ok) throw refused(charged.refusal)
      },
      release: () => {
        if (released) return
        released = true
        const used = requestId === undefined ? null : this.used.get(requestId) ?? null
        if (requestId !== undefined) this.used.delete(requestId)
        this.track(this.send(key.id, { op: 'settle', leaseId, used }))
      },
    }
  }

  async keyChanged(row: ApiKeyRow): Promise<void> {
    await this.send(row.id, { op: 'key-changed', row })
  }

  /** Resolves when every settle sent so far has reached its object (the worker waits for it before the isolate may stop). */
  async settled(): Promise<void> {
    // A call's ticket is released just after its response ends: let that turn of the event loop run first.
    await new Promise((resolve) => setTimeout(resolve, 0))
    await Promise.allSettled([...this.pending])
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((err: unknown) => {
      console.error(`key limiter: settle failed: ${err instanceof Error ? err.message : String(err)}`)
    }).finally(() => this.pending.delete(tracked))
    this.pending.add(tracked)
  }

  private async send<T>(keyId: string, call: LimiterCall): Promise<T> {
    const stub = this.namespace.get(this.namespace.idFromName(keyId))
    const res = await stub.fetch('https://key-limiter/', { method: 'POST', body: JSON.stringify(call) })
    if (!res.ok) throw new Error(`key limiter answered ${res.status}: ${await res.text()}`)
    return (await res.json()) as T
  }
}
