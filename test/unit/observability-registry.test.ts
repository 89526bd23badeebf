import { describe, expect, it } from 'vitest'
import type { Principal } from '../../src/app-env.js'
import type { ApiKeyRow } from '../../src/store/keys-repo.js'
import { RequestObservation, RequestRegistry } from '../../src/observability/request-observation.js'

const keyed = (keyId: string): Principal => ({ kind: 'key', keyId, key: { id: keyId } as ApiKeyRow })
function observation(requestId: string, principal?: Principal): RequestObservation {
  const o = new RequestObservation(requestId, 'POST', '/v1/chat/completions', 0, 'chat')
  o.principal = principal
  return o
}

describe('RequestRegistry', () => {
  it('matches an attempt on the request id and the key together', () => {
    const registry = new RequestRegistry()
    const alice = observation('same-id', keyed('key_a'))
    const bob = observation('same-id', keyed('key_b'))
    registry.add(alice)
    registry.add(bob)
    expect(registry.find('same-id', 'key_b')).toBe(bob)
    expect(registry.find('same-id', 'key_a')).toBe(alice)
    expect(registry.find('same-id', null)).toBeUndefined()
    registry.remove(alice)
    expect(registry.find('same-id', 'key_a')).toBeUndefined()
    expect(registry.find('same-id', 'key_b')).toBe(bob)
    registry.remove(bob)
    expect(registry.find('same-id', 'key_b')).toBeUndefined()
    expect(registry.size).toBe(0)
  })

  it('holds a bounded number of requests, forgetting the oldest', () => {
    const registry = new RequestRegistry(3)
    for (let i = 0; i < 5; i++) registry.add(observation(`r${i}`))
    expect(registry.size).toBe(3)
    expect(registry.find('r1', null)).toBeUndefined()
    expect(registry.find('r4', null)).toBeDefined()
  })
})
