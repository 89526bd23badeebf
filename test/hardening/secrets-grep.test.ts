import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashKey } from '../../src/security/keys.js'
import { startHardeningGateway, HARDENING_SECRETS, type HardeningGateway } from '../support/hardening-gateway.js'
import type { MockReply } from '../support/mock-upstream.js'

/** Everything a user or an operator can see, captured as text: response bodies and headers, logs, rows, metrics. */
interface Seen { where: string; text: string }

const chatBody = (model: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra })

/** An upstream error that quotes the key it was called with, as real upstreams do. */
function quotingError(status: number, key: string): MockReply {
  return { status, json: { error: { message: `Incorrect API key provided: ${key}. Rate limit for ${key} reached.`, type: 'invalid_request_error', code: 'invalid_api_key' } } }
}

describe('secrets never appear in logs, error bodies, rows or metrics', () => {
  let h: HardeningGateway
  const seen: Seen[] = []

  beforeAll(async () => { h = await startHardeningGateway() })
  afterAll(() => h.close())

  async function call(where: string, path: string, init: RequestInit & { key?: string | null } = {}): Promise<void> {
    const res = await h.gw.request(path, init)
    seen.push({ where: `${where}: body`, text: await res.text() })
    seen.push({ where: `${where}: headers`, text: JSON.stringify([...res.headers.entries()]) })
  }
  const post = (where: string, path: string, body: string, key: string | null = h.keys.normal, headers: Record<string, string> = {}) =>
    call(where, path, { method: 'POST', key, headers: { 'content-type': 'application/json', ...headers }, body })

  it('after a run of good, bad and failing calls on every surface, no secret nor its hash is anywhere', async () => {
    const normal = h.keys.normal!
    await post('chat', '/v1/chat/completions', chatBody('openai/gpt-4o-mini'))
    await post('chat stream', '/v1/chat/completions', chatBody('openai/gpt-4o-mini', { stream: true, stream_options: { include_usage: true } }))
    await post('embeddings', '/v1/embeddings', JSON.stringify({ model: 'openai/text-embedding-3-small', input: 'hi' }))
    await post('prompt', '/v1/prompts/sentiment', JSON.stringify({ text: 'I love it' }))
    await post('bad key', '/v1/chat/completions', chatBody('openai/gpt-4o-mini'), h.keys.bad)
    await post('revoked key', '/v1/chat/completions', chatBody('openai/gpt-4o-mini'), h.keys.revoked)
    await post('scoped key', '/v1/chat/completions', chatBody('openai/gpt-4o-mini'), h.keys['scoped-elsewhere'])
    await post('job', '/v1/chat/completions', chatBody('openai/gpt-4o-mini'), normal, { prefer: 'respond-async', 'x-manifold-callback-url': 'https://hooks.example.com/manifold' })

    // Each provider's upstream quotes the gateway's key back in an error, before and after a stream began.
    const upstreamKeys: Array<[string, string]> = [
      ['openai/gpt-4o-mini', HARDENING_SECRETS.openaiKey], ['anthropic/claude-haiku-4-5', HARDENING_SECRETS.anthropicKey],
      ['mistral/mistral-small-latest', HARDENING_SECRETS.mistralKey], ['gemini/gemini-2.5-flash', HARDENING_SECRETS.geminiKey],
    ]
    for (const [model, key] of upstreamKeys) {
      for (const status of [400, 401, 429, 500]) {
        h.upstream.setHandler(() => quotingError(status, key))
        await post(`${model} upstream ${status}`, '/v1/chat/completions', chatBody(model))
        await post(`${model} upstream ${status} stream`, '/v1/chat/completions', chatBody(model, { stream: true }))
      }
    }
    h.upstream.setHandler(() => ({ sse: [`data: {"error":{"message":"key ${HARDENING_SECRETS.openaiKey} over quota"}}\n\n`] }))
    await post('openai error frame', '/v1/chat/completions', chatBody('openai/gpt-4o-mini', { stream: true }))

    await call('admin keys', '/admin/keys', { key: h.gw.adminKey })
    await call('admin usage', '/admin/usage', { key: h.gw.adminKey })
    await call('admin requests', '/admin/requests', { key: h.gw.adminKey })
    await call('jobs', '/v1/jobs', { key: normal })
    await call('metrics', '/metrics', { key: h.gw.adminKey })
    await h.gw.deps.usage.close()

    for (const line of h.logLines) seen.push({ where: 'log', text: line })
    const db = h.gw.deps.store.db
    const tables = await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\'`)
    for (const { name } of tables) {
      const rows = await db.all<Record<string, unknown>>(sql.raw(`SELECT * FROM "${name}"`))
      for (const row of rows) {
        // api_keys.key_hash is where a virtual key's hash lives by design (it is how a key is recognised).
        const { key_hash: _storedHash, ...rest } = row
        seen.push({ where: `row of ${name}`, text: JSON.stringify(name === 'api_keys' ? rest : row) })
      }
    }
    expect(seen.filter((s) => s.where.startsWith('row of usage')).length).toBeGreaterThan(0)

    const secrets: Record<string, string> = {
      ...HARDENING_SECRETS, admin: h.gw.adminKey, normal, scoped: h.keys['scoped-elsewhere']!, revoked: h.keys.revoked!, bad: h.keys.bad!,
    }
    const needles: Array<[string, string]> = []
    for (const [name, value] of Object.entries(secrets)) needles.push([name, value], [`${name} (SHA-256)`, await hashKey(value)])
    const leaks = needles.flatMap(([name, needle]) => seen.filter((s) => s.text.includes(needle)).map((s) => `${name} in ${s.where}`))
    expect([...new Set(leaks)]).toEqual([])
  })
})
