import { describe, expect, it } from 'vitest'
import { buildConfig, ConfigError, parseFileConfig } from '../../src/config.js'

const secret = `whsec_${btoa('0123456789abcdef0123456789abcdef')}`

describe('configuration from the environment and the config file', () => {
  it('enables a provider when its key is set, a preset with its own base URL', () => {
    const config = buildConfig({ OPENAI_API_KEY: 'sk-1', GROQ_API_KEY: 'gsk-2', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1/' })
    expect(Object.keys(config.providers).sort()).toEqual(['groq', 'openai'])
    expect(config.providers.openai).toMatchObject({ type: 'openai', apiKey: 'sk-1', baseURL: 'http://127.0.0.1:9/v1' })
    expect(config.providers.groq).toMatchObject({ type: 'openai-compatible', baseURL: 'https://api.groq.com/openai/v1' })
  })

  it('accepts a Standard Webhooks secret and refuses anything else, naming the variable', () => {
    expect(buildConfig({ MANIFOLD_WEBHOOK_SECRET: secret }).webhookSecret).toBe(secret)
    expect(() => buildConfig({ MANIFOLD_WEBHOOK_SECRET: 'hunter2' })).toThrow(ConfigError)
    expect(() => buildConfig({ MANIFOLD_WEBHOOK_SECRET: 'whsec_c2hvcnQ=' })).toThrow(/^MANIFOLD_WEBHOOK_SECRET: expected whsec_/)
  })

  it('names the field of a bad config file value', () => {
    expect(() => parseFileConfig({ routes: { lb: { strategy: 'loadbalance', targets: [{ model: 'openai/x', weight: -1 }] } } }, 'gw.json'))
      .toThrow('invalid config in gw.json: routes.lb.targets[0].weight: Too small: expected number to be >0')
    expect(() => buildConfig({ MANIFOLD_CALLBACK_RETRY_SCHEDULE: '5s,soon' })).toThrow('MANIFOLD_CALLBACK_RETRY_SCHEDULE: "soon" is not a duration')
    expect(buildConfig({ MANIFOLD_CALLBACK_RETRY_SCHEDULE: '50ms,5s,2m' }).callbackRetrySchedule).toEqual([50, 5000, 120000])
  })

  it('caps upstream answers at 32 MiB and stream events at 8 MiB unless the file says otherwise', () => {
    expect(parseFileConfig({}, 'gw.json').upstream).toEqual({ max_response_bytes: 32 * 1024 * 1024, max_event_bytes: 8 * 1024 * 1024 })
    expect(parseFileConfig({ upstream: { max_response_bytes: 65_536 } }, 'gw.json').upstream).toEqual({ max_response_bytes: 65_536, max_event_bytes: 8 * 1024 * 1024 })
    expect(() => parseFileConfig({ upstream: { max_response_bytes: 10 } }, 'gw.json')).toThrow('upstream.max_response_bytes')
    expect(() => parseFileConfig({ upstream: { max_body: 1 } }, 'gw.json')).toThrow('upstream')
  })
})
