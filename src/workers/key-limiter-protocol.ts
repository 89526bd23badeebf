import type { ApiKeyRow } from '../store/keys-repo.js'

/** What an isolate asks of a key's Durable Object (KeyLimiterObject), as JSON through its stub's fetch. */
export interface AcquireInput {
  /** The key as the isolate's cache holds it; the object keeps the newest row it has seen. */
  key: ApiKeyRow
  attempts: number
  tokensPerAttempt: number
  costPerAttempt: number
}

/** A refusal crosses to the isolate as data, which turns it back into the GatewayError. */
export interface Refusal {
  status: number
  message: string
  type: string
  code: string | null
  headers: Record<string, string>
}

export type AcquireResult = { ok: true; leaseId: string; headers: Record<string, string> } | { ok: false; refusal: Refusal }

export type ChargeResult = { ok: true } | { ok: false; refusal: Refusal }

/** The real usage of a call's attempts, from the isolate's usage rows; absent when they could not be matched. */
export interface SettleInput {
  tokens: number
  costPicoUsd: number
}

export interface KeyLimiterApi {
  acquire(input: AcquireInput): Promise<AcquireResult>
  chargeAttempt(leaseId: string): Promise<ChargeResult>
  settle(leaseId: string, used: SettleInput | null): Promise<void>
  keyChanged(row: ApiKeyRow): Promise<void>
}

/** One request to the object. */
export type LimiterCall =
  | { op: 'acquire'; input: AcquireInput }
  | { op: 'charge'; leaseId: string }
  | { op: 'settle'; leaseId: string; used: SettleInput | null }
  | { op: 'key-changed'; row: ApiKeyRow }
