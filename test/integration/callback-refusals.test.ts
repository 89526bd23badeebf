import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startJobsGateway, type JobsGateway } from '../support/jobs-gateway.js'

describe('callback URLs refused at submission', () => {
  let gw: JobsGateway

  beforeAll(async () => {
    gw = await startJobsGateway({
      env: { OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
      resolveHost: async (host) => (host === 'rebind.example.com' ? ['192.168.7.7'] : ['93.184.215.14']),
      run: false,
    })
  })
  afterAll(() => gw.close())

  const submit = (callback: string) => gw.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', prefer: 'respond-async', 'x-manifold-callback-url': callback },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  })

  it.each([
    ['https://10.0.0.1/hook', 'the host 10.0.0.1 is a private address'],
    ['https://[::1]/hook', 'the host [::1] is a loopback address'],
    ['https://[::ffff:127.0.0.1]/hook', 'the host [::ffff:7f00:1] is a loopback address'],
    ['https://2130706433/hook', 'the host 127.0.0.1 is a loopback address'],
    ['https://[::ffff:0:7f00:1]/hook', 'the host [::ffff:0:7f00:1] is a loopback address'],
    ['https://[::ffff:0:a9fe:a9fe]/hook', 'the host [::ffff:0:a9fe:a9fe] is a link-local or cloud metadata address'],
    ['https://[64:ff9b:1::a9fe:a9fe]/hook', 'the host [64:ff9b:1::a9fe:a9fe] is a link-local or cloud metadata address'],
    ['https://0x7f000001/hook', 'the host 127.0.0.1 is a loopback address'],
    ['https://rebind.example.com/hook', 'the host rebind.example.com resolves to 192.168.7.7, a private address'],
    ['https://user:secret@hooks.example.com/hook', 'it contains credentials (user:password@)'],
    ['http://hooks.example.com/hook', 'only https URLs are accepted'],
  ])('%s → 400', async (url, reason) => {
    const res = await submit(url)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: { message: `The callback URL is refused: ${reason}.`, type: 'invalid_request_error', param: 'x-manifold-callback-url', code: 'invalid_callback_url' },
    })
  })

  it('queues no job for a refused URL, and accepts a public one', async () => {
    await submit('https://10.0.0.1/hook')
    expect((await (await gw.request('/v1/jobs')).json() as { data: unknown[] }).data).toEqual([])
    expect((await submit('https://hooks.example.com/hook')).status).toBe(202)
  })
})
