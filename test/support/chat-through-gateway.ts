import type { ChatCompletionChunk } from 'openai/resources'
import type { TestGateway } from './gateway.js'
import { parseSseBody } from './sse-parse.js'

/** POSTs a chat request to the gateway (admin key) and returns status and parsed JSON body. */
export async function postChat(gw: TestGateway, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await gw.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

/** POSTs a streaming chat request and returns the chunks the client saw, and whether [DONE] ended them. */
export async function postChatStream(gw: TestGateway, body: Record<string, unknown>): Promise<{ status: number; chunks: ChatCompletionChunk[]; done: boolean }> {
  const res = await gw.request('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  })
  const { events, done } = parseSseBody(await res.text())
  return { status: res.status, chunks: events as ChatCompletionChunk[], done }
}
