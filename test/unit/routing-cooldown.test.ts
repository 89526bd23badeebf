import { describe, expect, it } from 'vitest'
import { ProviderError } from '../../providers/index.js'
import { routeTargetNames, TargetHealth } from '../../src/routing/cooldown.js'
import { ManualClock } from '../support/routing-clock.js'

const fail = (status: number, code: ConstructorParameters<typeof ProviderError>[0]['code'] = 'upstream_error') =>
  new ProviderError({ provider: 'openai', status, code, message: 'x' })

describe('routing: target health (circuit breaker)', () => {
  it('enters cooldown at the Nth failure within the window, and leaves it when the cooldown ends', () => {
    const clock = new ManualClock(0)
    const health = new TargetHealth({ failures: 3, window_ms: 30_000, cooldown_ms: 60_000 }, clock)
    expect(health.recordFailure('openai/a', fail(503))).toBe(false)
    clock.advance(31_000) // the first failure leaves the window
    expect(health.recordFailure('openai/a', fail(503))).toBe(false)
    expect(health.recordFailure('openai/a', fail(429, 'rate_limit_exceeded'))).toBe(false)
    expect(health.isCoolingDown('openai/a')).toBe(false)
    expect(health.recordFailure('openai/a', fail(500))).toBe(true)
    expect(health.cooldownUntil('openai/a')).toBe(31_000 + 60_000)
    clock.advance(59_999)
    expect(health.isCoolingDown('openai/a')).toBe(true)
    clock.advance(1)
    expect(health.isCoolingDown('openai/a')).toBe(false)
    expect(health.snapshot()).toEqual([{ model: 'openai/a', state: 'healthy', recent_failures: 0, cooldown_until: null, cooldowns: 1, last_error: { status: 500, code: 'upstream_error', at: 31_000 } }])
  })

  it('cools down at once on 401/403 and ignores the caller\'s mistakes and aborts', () => {
    const health = new TargetHealth({ failures: 3, window_ms: 30_000, cooldown_ms: 60_000 }, new ManualClock(0), ['openai/b'])
    expect(health.recordFailure('openai/a', fail(403, 'permission_denied'))).toBe(true)
    expect(health.recordFailure('openai/b', fail(400, 'invalid_request_error'))).toBe(false)
    expect(health.recordFailure('openai/b', fail(499, 'aborted'))).toBe(false)
    expect(health.snapshot().map((t) => [t.model, t.state, t.recent_failures])).toEqual([['openai/a', 'cooling_down', 0], ['openai/b', 'healthy', 0]])
  })

  it('lists the configured routes\' targets, aliases resolved', () => {
    expect(routeTargetNames({
      aliases: { smart: 'anthropic/claude-sonnet-4-5' },
      routes: { duo: { strategy: 'all', targets: ['openai/gpt-4o-mini', { model: 'smart', weight: 2 }] } },
    })).toEqual(['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4-5'])
  })
})
