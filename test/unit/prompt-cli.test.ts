import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bundledPrompts } from '../../prompts/index.generated.js'
import { bundleModule, BUNDLE_PATH } from '../../src/prompt-api/bundle.js'
import { PromptCatalog, type PromptSource } from '../../src/prompt-api/catalog.js'
import { runPromptsCommand, type PromptCliIo } from '../../src/prompt-api/cli-commands.js'
import { startMockUpstream } from '../support/mock-upstream.js'
import { shippedPrompts } from '../support/prompt-files.js'

interface Captured { out: string; err: string; files: Record<string, string>; calls: Array<{ url: string; init: RequestInit }> }

function io(sources: PromptSource[], extra: Partial<PromptCliIo> = {}): { io: PromptCliIo; captured: Captured } {
  const captured: Captured = { out: '', err: '', files: {}, calls: [] }
  return {
    captured,
    io: {
      readSources: () => sources,
      out: (t) => { captured.out += t },
      err: (t) => { captured.err += t },
      writeFile: (path, text) => { captured.files[path] = text },
      gatewayUrl: 'http://127.0.0.1:1',
      fetch: globalThis.fetch,
      ...extra,
    },
  }
}

/** The shipped files under the names the bundle uses (relative to the project root). */
const relativeShipped = () => shippedPrompts().map((s) => ({ file: `prompts/${s.file.split('/').at(-1)}`, text: s.text }))

describe('manifold prompts', () => {
  it('list: a table with one row per prompt, errors on stderr and exit code 1', async () => {
    const { io: cli, captured } = io([...relativeShipped(), { file: 'prompts/bad.md', text: 'nope' }])
    expect(await runPromptsCommand('list', [], cli)).toBe(1)
    expect(captured.out.split('\n').map((l) => l.slice(0, 55).trimEnd())).toEqual([
      'name             versions      model               desc',
      'extract-contact  v1 published  openai/gpt-4o-mini  Extr',
      'sentiment        v1 published  openai/gpt-4o-mini  Clas',
      'summarize        v1 published  openai/gpt-4o-mini  Summ',
      'translate        v1 published  openai/gpt-4o-mini  Tran',
      '',
    ])
    expect(captured.err).toBe('error: prompts/bad.md: the file must start with a "---" line, then the YAML front matter, then "---"\n')
  })

  it('list --json: the same rows as JSON', async () => {
    const { io: cli, captured } = io(relativeShipped())
    expect(await runPromptsCommand('list', ['--json'], cli)).toBe(0)
    const rows = JSON.parse(captured.out) as Array<{ name: string; versions: unknown; model: string }>
    expect(rows.map((r) => [r.name, r.versions, r.model])).toEqual(['extract-contact', 'sentiment', 'summarize', 'translate']
      .map((name) => [name, [{ version: '1', status: 'published' }], 'openai/gpt-4o-mini']))
  })

  it('show: the definition with its messages as written', async () => {
    const { io: cli, captured } = io(relativeShipped())
    expect(await runPromptsCommand('show', ['translate'], cli)).toBe(0)
    const shown = JSON.parse(captured.out) as { name: string; path: string; messages: unknown[] }
    expect(shown.path).toBe('/v1/prompts/translate/versions/1')
    expect(shown.messages).toEqual([
      { role: 'system', content: 'You are a translator. Translate the user\'s text into {{target_language}}. Keep the tone, the\nformatting and any names as they are. Answer with the translation only.' },
      { role: 'user', content: '{{text}}' },
    ])
  })

  it('test: validates the input and prints the request it renders to', async () => {
    const { io: cli, captured } = io(relativeShipped())
    expect(await runPromptsCommand('test', ['summarize', '--input', '{"text":"Cats sleep."}'], cli)).toBe(0)
    const body = JSON.parse(captured.out) as { model: string; messages: Array<{ content: string }> }
    expect(body.model).toBe('openai/gpt-4o-mini')
    expect(body.messages[1]!.content).toBe('Summarize this text:\n\nCats sleep.')

    const bad = io(relativeShipped())
    expect(await runPromptsCommand('test', ['summarize', '--input', '{"max_words":1}'], bad.io)).toBe(1)
    expect(bad.captured.err).toBe('Invalid input for summarize v1: text: is required; max_words: must be ≥ 10.\n')
  })

  it('test --call: calls the running gateway with the key from the environment', async () => {
    const upstream = await startMockUpstream(() => ({ json: { id: 'req-1', output: 'hi' } }))
    try {
      const { io: cli, captured } = io(relativeShipped(), { gatewayUrl: upstream.url, apiKey: 'mk-cli-key' })
      expect(await runPromptsCommand('test', ['translate', '--input', '{"text":"hi","target_language":"German"}', '--call'], cli)).toBe(0)
      expect(JSON.parse(captured.out)).toEqual({ id: 'req-1', output: 'hi' })
      const sent = upstream.requests[0]!
      expect(sent.path).toBe('/v1/prompts/translate/versions/1')
      expect(sent.headers.authorization).toBe('Bearer mk-cli-key')
      expect(sent.body).toEqual({ text: 'hi', target_language: 'German' })
    } finally {
      await upstream.close()
    }
  })

  it('bundle: writes the module a Worker imports', async () => {
    const { io: cli, captured } = io(relativeShipped())
    expect(await runPromptsCommand('bundle', [], cli)).toBe(0)
    expect(Object.keys(captured.files)).toEqual([BUNDLE_PATH])
  })

  it('the committed bundle is up to date with prompts/ (run `npm run prompts:bundle` after editing a prompt)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', BUNDLE_PATH), 'utf8')
    expect(committed).toBe(bundleModule(relativeShipped()))
    const fromBundle = new PromptCatalog(bundledPrompts)
    expect(fromBundle.report.errors).toEqual([])
    expect(fromBundle.published().map((p) => p.name)).toEqual(['extract-contact', 'sentiment', 'summarize', 'translate'])
  })
})
