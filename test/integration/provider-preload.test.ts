import { afterEach, describe, expect, it } from 'vitest'
import { buildProviderRegistry, preloadProviders, type ProviderSpec } from '../../providers/index.js'
import { lazyProvider } from '../../providers/lazy-provider.js'
import { createOpenAIProvider } from '../../providers/openai.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { ManualClock } from '../support/routing-clock.js'
import { completionFor } from '../support/routing-upstream.js'

/** A provider whose module "import" waits until the test releases it, counting how often it ran. */
function slowLoadingProvider(upstreamUrl: string) {
  let release!: () => void
  const released = new Promise<void>((resolve) => { release = resolve })
  let markStarted!: () => void
  const started = new Promise<void>((resolve) => { markStarted = resolve })
  const loads = { count: 0 }
  const spec: ProviderSpec = { name: 'openai', type: 'openai', apiKey: 'sk-test-preload-0123456789', baseURL: `${upstreamUrl}/v1`, dropUnsupportedParams: false }
  const registry = buildProviderRegistry([spec], {
    create: (s) => lazyProvider({
      id: s.name, type: s.type, embeds: false,
      load: async () => {
        loads.count++
        markStarted()
        await released
        return createOpenAIProvider({ id: s.name })
      },
    }),
  })
  return { registry, release, started, loads }
}

describe('provider SDKs load outside every timeout', () => {
  let upstream: MockUpstream
  let gw: TestGateway
  afterEach(async () => {
    await gw?.close()
    await upstream?.close()
  })

  it('a first-byte timeout shorter than the module load does not fail the first call', async () => {
    upstream = await startMockUpstream(() => ({ json: completionFor('gpt-4o-mini', { text: 'loaded' }) }))
    const slow = slowLoadingProvider(upstream.url)
    const clock = new ManualClock()
    gw = await startTestGateway({ clock, file: { routing: { first_byte_timeout_ms: 100 } }, assemble: { providers: slow.registry } })

    const pending = gw.request('/v1/chat/completions', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    })
    await slow.started
    // Ten first-byte timeouts pass while the SDK loads: no attempt timer is running to fire.
    expect(clock.pending()).toEqual([])
    clock.advance(1_000)
    slow.release()

    const res = await pending
    expect(res.status).toBe(200)
    expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('loaded')
    expect(upstream.requests).toHaveLength(1)
  })

  it('preloading imports a configured provider once, before any call, and calls reuse it', async () => {
    upstream = await startMockUpstream(() => ({ json: completionFor('gpt-4o-mini') }))
    const slow = slowLoadingProvider(upstream.url)
    const failures: string[] = []
    preloadProviders(slow.registry, (provider) => failures.push(provider))
    await slow.started
    slow.release()
    await slow.registry.get('openai')!.provider.ready!()
    gw = await startTestGateway({ assemble: { providers: slow.registry } })
    const res = await gw.request('/v1/chat/completions', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(res.status).toBe(200)
    expect(slow.loads.count).toBe(1)
    expect(failures).toEqual([])
  })
})
