import { describe, expect, it } from 'vitest'
import { checkProviderReferences, noProviderWarning } from '../../src/config-checks.js'
import { buildConfig, parseFileConfig, type Env } from '../../src/config.js'

const configWith = (env: Env, file: unknown) => buildConfig(env, parseFileConfig(file, 'config.json'))

describe('start-up reference checks', () => {
  it('accepts aliases to routes, aliases used as targets, and providers from the config file', () => {
    const config = configWith({ OPENAI_API_KEY: 'sk' }, {
      providers: { local: { type: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1' } },
      aliases: { fast: 'openai/gpt-4o-mini', both: 'duo' },
      routes: { duo: { strategy: 'all', targets: ['fast', { model: 'local/llama3' }] } },
    })
    expect(() => checkProviderReferences(config, 'config.json', [{ file: 'prompts/p.v1.md', model: 'both' }])).not.toThrow()
    expect(noProviderWarning(config)).toBeUndefined()
  })

  it('names the ollama preset by the variable that enables it', () => {
    const config = configWith({ OPENAI_API_KEY: 'sk' }, { aliases: { local: 'ollama/llama3' } })
    expect(() => checkProviderReferences(config, 'config.json', [])).toThrow('config.json: aliases.local: provider "ollama" is not enabled (set OLLAMA_BASE_URL)')
  })

  it('with no provider at all (a first run) only names Manifold does not know fail', () => {
    const config = configWith({}, { routes: { duo: { strategy: 'all', targets: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] } } })
    expect(noProviderWarning(config)).toMatch(/^no provider is enabled, so every call will fail: set one of OPENAI_API_KEY, /)
    expect(() => checkProviderReferences(config, 'config.json', [{ file: 'prompts/p.v1.md', model: 'openai/gpt-4o-mini' }])).not.toThrow()
    expect(() => checkProviderReferences(config, 'config.json', [{ file: 'prompts/p.v1.md', model: 'opnai/gpt-4o-mini' }]))
      .toThrow('prompts/p.v1.md: model: provider "opnai" is not configured (add it under "providers" in the config file)')
  })
})
