import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BODY_LIMIT, startHardeningGateway, type HardeningGateway } from '../support/hardening-gateway.js'

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`
const chat = (fields: Record<string, unknown> = {}) => JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...fields })
const embed = (fields: Record<string, unknown> = {}) => JSON.stringify({ model: 'openai/text-embedding-3-small', input: 'hi', ...fields })
// Bodies are read as JSON whatever the content-type says: a form body is refused as what it is, not JSON.
const FORM = 'application/x-www-form-urlencoded'
const withDeep = (json: string) => json.replace('"DEEP"', nested(5000))

/** One bad request: where it goes, what it sends, and the status and error code the client must get. */
interface BadCase { route: string; name: string; body: string; status: number; code?: string; param?: string; contentType?: string }

const perRoute: Array<[string, Array<Omit<BadCase, 'route'>>]> = [
  ['POST /v1/chat/completions', [
    { name: 'bad JSON', body: '{"model": ', status: 400, code: 'invalid_json' },
    { name: 'wrong type', body: chat({ temperature: 'hot' }), status: 400, code: 'invalid_value', param: 'temperature' },
    { name: 'huge number', body: chat({ max_tokens: 1e308 }), status: 400, param: 'max_tokens' },
    { name: 'deep nesting', body: withDeep(chat({ metadata: 'DEEP' })), status: 400 },
    { name: 'unknown model', body: chat({ model: 'nope/gpt-4o' }), status: 404, code: 'model_not_found', param: 'model' },
    { name: 'model with a newline', body: chat({ model: 'openai/gpt-4o\nmini' }), status: 400, param: 'model' },
    { name: 'model with non-ASCII', body: chat({ model: 'openai/gpt-4o-mïni' }), status: 400, param: 'model' },
    { name: 'model with dot segments and #', body: chat({ model: 'gemini/%2e%2e/%2e%2e/v1beta/cachedContents#' }), status: 400, param: 'model' },
    { name: 'oversize body', body: chat({ user: 'x'.repeat(BODY_LIMIT) }), status: 413, code: 'request_too_large' },
    { name: 'wrong content-type (a form)', body: 'model=openai%2Fgpt-4o-mini', status: 400, code: 'invalid_json', contentType: FORM },
  ]],
  ['POST /v1/embeddings', [
    { name: 'bad JSON', body: '{"input": [', status: 400, code: 'invalid_json' },
    { name: 'wrong type', body: embed({ input: 42 }), status: 400, param: 'input' },
    { name: 'huge number', body: embed({ dimensions: 1e308 }), status: 400, param: 'dimensions' },
    { name: 'deep nesting', body: withDeep(embed({ user: 'DEEP' })), status: 400 },
    { name: 'unknown model', body: embed({ model: 'nope/embed' }), status: 404, code: 'model_not_found', param: 'model' },
    { name: 'model with a newline', body: embed({ model: 'openai/text\nembed' }), status: 400, param: 'model' },
    { name: 'oversize body', body: embed({ input: 'x'.repeat(BODY_LIMIT) }), status: 413, code: 'request_too_large' },
    { name: 'wrong content-type (a form)', body: 'input=hi', status: 400, code: 'invalid_json', contentType: FORM },
  ]],
  ['POST /v1/prompts/sentiment', [
    { name: 'bad JSON', body: '{"text": ', status: 400, code: 'invalid_json' },
    { name: 'wrong type', body: JSON.stringify({ text: 42 }), status: 400 },
    { name: 'deep nesting', body: withDeep(JSON.stringify({ text: 'hi', extra: 'DEEP' })), status: 400 },
    { name: 'oversize body', body: JSON.stringify({ text: 'x'.repeat(BODY_LIMIT) }), status: 413, code: 'request_too_large' },
    { name: 'wrong content-type (a form)', body: 'text=hi', status: 400, code: 'invalid_json', contentType: FORM },
  ]],
  ['POST /admin/keys', [
    { name: 'bad JSON', body: '{"name": ', status: 400, code: 'invalid_json' },
    { name: 'wrong type', body: JSON.stringify({ name: 42 }), status: 400, param: 'name' },
    { name: 'huge number', body: JSON.stringify({ name: 'n', rpm: 1e308 }), status: 400, param: 'rpm' },
    { name: 'deep metadata', body: withDeep(JSON.stringify({ name: 'n', metadata: { deep: 'DEEP' } })), status: 400 },
    { name: 'oversize body', body: JSON.stringify({ name: 'x'.repeat(BODY_LIMIT) }), status: 413, code: 'request_too_large' },
    { name: 'wrong content-type (a form)', body: 'name=n', status: 400, code: 'invalid_json', contentType: FORM },
  ]],
]
const cases: BadCase[] = perRoute.flatMap(([route, list]) => list.map((c) => ({ route, ...c })))

describe('bad input on every body-taking route', () => {
  let h: HardeningGateway
  beforeAll(async () => { h = await startHardeningGateway() })
  afterAll(() => h.close())

  it.each(cases)('$route, $name → $status', async (bad) => {
    const [method, path] = bad.route.split(' ') as [string, string]
    const upstreamBefore = h.upstream.requests.length
    const res = await h.gw.request(path, {
      method,
      key: path.startsWith('/admin/') ? h.keys.admin : h.keys.normal,
      headers: { 'content-type': bad.contentType ?? 'application/json' },
      body: bad.body,
    })
    const body = (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } }
    expect({ status: res.status, ...body.error }).toMatchObject({
      status: bad.status, type: 'invalid_request_error', ...(bad.code ? { code: bad.code } : {}), ...(bad.param ? { param: bad.param } : {}),
    })
    // A clear message: a sentence, not a stack trace or an engine error.
    expect(body.error.message).toMatch(/^[A-Z'].{10,400}$/s)
    expect(body.error.message).not.toMatch(/stack size|at \w+ \(|TypeError|SyntaxError|undefined/)
    expect(h.upstream.requests.length).toBe(upstreamBefore)

    // The process still serves, and another key's call is unaffected.
    const other = await h.gw.request('/v1/chat/completions', {
      method: 'POST', key: h.keys.admin, headers: { 'content-type': 'application/json' }, body: chat(),
    })
    expect(other.status).toBe(200)
  })
})
