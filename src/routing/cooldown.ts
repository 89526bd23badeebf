import type { ProviderError } from '../../providers/index.js'
import type { Clock } from '../clock.js'
import type { FileConfig } from '../config.js'
import { LocalFailure } from './provider-error.js'

export interface CooldownSettings {
  /** Failures within `window_ms` that put a target in cooldown. */
  failures: number
  window_ms: number
  cooldown_ms: number
}

/** One target's health as GET /health/targets and the metrics show it. */
export interface TargetHealthEntry {
  /** `provider/model`, as routes name it. */
  model: string
  state: 'healthy' | 'cooling_down'
  /** Failures counted in the current window. */
  recent_failures: number
  /** When the cooldown ends (ms since the epoch), or null. */
  cooldown_until: number | null
  /** How many times the target has entered cooldown since the gateway started. */
  cooldowns: number
  /** The last counted failure: status and code only (an upstream's message may quote a key). */
  last_error: { status: number; code: string; at: number } | null
}

interface TargetState {
  failures: number[]
  cooldownUntil: number | null
  cooldowns: number
  lastError: TargetHealthEntry['last_error']
}

/** Entries kept at most: names come from callers (any `provider/model`), so the map must not grow without end. */
const MAX_TRACKED = 1000

/** An upstream 401/403 is a credential problem that no retry fixes: it cools the target down at once. */
function isCredentialFailure(err: ProviderError): boolean {
  return err.status === 401 || err.status === 403 || err.code === 'authentication_error' || err.code === 'permission_denied'
}

/** Failures that say the target is unwell (not the caller's mistake, not our own abort). */
function countsTowardCooldown(err: ProviderError): boolean {
  // A request's own overall timeout is not retryable and not the target's fault: it does not count.
  return err.code !== 'aborted' && err.retryable
}

/**
 * The circuit breaker: a target that fails `failures` times within `window_ms` (or once with a 401/403) is
 * skipped for `cooldown_ms`. When the cooldown ends the target starts afresh. Only failures create state,
 * so the hot path of a healthy call costs one Map lookup.
 */
export class TargetHealth {
  private readonly states = new Map<string, TargetState>()

  constructor(
    private readonly settings: CooldownSettings,
    private readonly clock: Clock,
    /** Targets named by configured routes: listed as healthy before they have ever failed. */
    private readonly known: readonly string[] = [],
  ) {}

  /** The end of the target's cooldown, or null when it may be called. A finished cooldown is cleared here. */
  cooldownUntil(model: string): number | null {
    const state = this.states.get(model)
    if (!state || state.cooldownUntil === null) return null
    if (this.clock.now() < state.cooldownUntil) return state.cooldownUntil
    state.cooldownUntil = null
    state.failures = []
    return null
  }

  isCoolingDown(model: string): boolean {
    return this.cooldownUntil(model) !== null
  }

  /** Counts a failed attempt; returns true when it put the target in cooldown. The gateway's own failures never count. */
  recordFailure(model: string, err: ProviderError): boolean {
    if (err instanceof LocalFailure) return false
    const credential = isCredentialFailure(err)
    if (!credential && !countsTowardCooldown(err)) return false
    const now = this.clock.now()
    const state = this.stateOf(model)
    state.lastError = { status: err.status, code: err.code, at: now }
    if (state.cooldownUntil !== null && now < state.cooldownUntil) return false
    const since = now - this.settings.window_ms
    state.failures = state.failures.filter((at) => at > since)
    state.failures.push(now)
    if (!credential && state.failures.length < this.settings.failures) return false
    state.cooldownUntil = now + this.settings.cooldown_ms
    state.failures = []
    state.cooldowns++
    return true
  }

  /** Every configured or ever-failed target, sorted by name: for GET /health/targets and the metrics. */
  snapshot(): TargetHealthEntry[] {
    const names = new Set<string>(this.known)
    for (const name of this.states.keys()) names.add(name)
    const since = this.clock.now() - this.settings.window_ms
    return [...names].sort().map((model) => {
      const until = this.cooldownUntil(model)
      const state = this.states.get(model)
      return {
        model,
        state: until === null ? 'healthy' : 'cooling_down',
        recent_failures: state ? state.failures.filter((at) => at > since).length : 0,
        cooldown_until: until,
        cooldowns: state?.cooldowns ?? 0,
        last_error: state?.lastError ?? null,
      }
    })
  }

  private stateOf(model: string): TargetState {
    let state = this.states.get(model)
    if (state) return state
    if (this.states.size >= MAX_TRACKED) this.evictOne()
    state = { failures: [], cooldownUntil: null, cooldowns: 0, lastError: null }
    this.states.set(model, state)
    return state
  }

  /** Drops the oldest entry that is not cooling down (or the oldest of all when every one is). */
  private evictOne(): void {
    for (const model of this.states.keys()) {
      if (!this.isCoolingDown(model)) {
        this.states.delete(model)
        return
      }
    }
    const oldest = this.states.keys().next()
    if (!oldest.done) this.states.delete(oldest.value)
  }
}

/** The targets the configured routes name (aliases resolved), listed by GET /health/targets from the start. */
export function routeTargetNames(file: Pick<FileConfig, 'routes' | 'aliases'>): string[] {
  const names = new Set<string>()
  for (const route of Object.values(file.routes)) {
    for (const target of route.targets) {
      const model = typeof target === 'string' ? target : target.model
      names.add(file.aliases[model] ?? model)
    }
  }
  return [...names]
}
