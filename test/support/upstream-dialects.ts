import type { Env } from '../../src/config.js'
import type { MockReply } from './mock-upstream.js'
import { completionFor, streamFramesFor } from './routing-upstream.js'

/**
 * Each provider's wire format, as far as the upstream fault tests need it: where its calls arrive, a valid
 * answer and stream, the same stream cut before its terminal event, bodies that are JSON but not an answer,
 * and how it words an error (quoting whatever the test gives it, e.g. the gateway's key).
 */
export interface UpstreamDialect {
  name: string
  /** The gateway model that reaches this provider. */
  model: string
  /** The key the gateway is configured with for it (long and distinct, so its fragments can be searched for). */
  key: string
  env(mockUrl: string): Env
  answer(): MockReply
  stream(): string[]
  /** The stream without its terminal event(s), after some output. */
  cutStream(): string[]
  /** 200 JSON bodies of the wrong shape, beyond the common HTML, `{}` and `[1,2,3]`. */
  wrongShapes: unknown[]
  errorReply(status: number, message: string): MockReply
  /** The gateway model of this provider's embeddings, and a valid answer (providers that embed). */
  embeddings?: { model: string; answer: unknown }
  /** An SSE frame whose data is not JSON, as this dialect would frame it. */
  brokenFrame: string
  /** A stream that starts, then reports an error quoting `message`. */
  errorStream(message: string): string[]
}

const data = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`
const event = (payload: { type: string }) => `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`

const openaiFormat = (name: string, model: string, key: string, keyEnv: string, baseEnv: string): UpstreamDialect => ({
  name,
  model: `${name}/${model}`,
  key,
  env: (url) => ({ [keyEnv]: key, [baseEnv]: `${url}/v1` }),
  answer: () => ({ json: completionFor(model, { text: 'Hello there' }) }),
  stream: () => streamFramesFor(model, { text: 'Hello there' }),
  cutStream: () => streamFramesFor(model, { text: 'Hello there' }).slice(0, 3),
  wrongShapes: [{ choices: null }, { choices: [] }, { choices: 'none' }, { choices: [1, 2] }],
  errorReply: (status, message) => ({ status, json: { error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } }),
  embeddings: {
    model: `${name}/text-embedding-3-small`,
    answer: { object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }], usage: { prompt_tokens: 2, total_tokens: 2 } },
  },
  brokenFrame: 'data: {"choices": [{"delta": \n\n',
  errorStream: (message) => [...streamFramesFor(model, { text: 'Hello there' }).slice(0, 2), data({ error: { message, type: 'server_error', param: null, code: null } })],
})

const anthropicStart = (model: string) => [
  event({ type: 'message_start', message: { id: 'msg_01', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 1 } } } as { type: string }),
  event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } as { type: string }),
  event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello there' } } as { type: string }),
]
const anthropicEnd = [
  event({ type: 'content_block_stop', index: 0 } as { type: string }),
  event({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 3 } } as { type: string }),
  event({ type: 'message_stop' }),
]

const anthropic: UpstreamDialect = {
  name: 'anthropic',
  model: 'anthropic/claude-haiku-4-5',
  key: 'sk-ant-api03-Rk2Lm9Qx7Wv4Tz1Bn6Cy3Dp8Fs5Gh0Jj',
  env: (url) => ({ ANTHROPIC_API_KEY: anthropic.key, ANTHROPIC_BASE_URL: url }),
  answer: () => ({
    json: {
      id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [{ type: 'text', text: 'Hello there' }],
      stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 9, output_tokens: 3 },
    },
  }),
  stream: () => [...anthropicStart('claude-haiku-4-5'), ...anthropicEnd],
  cutStream: () => [...anthropicStart('claude-haiku-4-5'), ...anthropicEnd.slice(0, 2)],
  wrongShapes: [
    { type: 'message', id: 'msg_01', content: null, usage: {} },
    { type: 'message', id: 'msg_01', content: 'Hello', usage: { input_tokens: 1 } },
    { type: 'message', id: 7, content: [], usage: {} },
  ],
  errorReply: (status, message) => ({ status, json: { type: 'error', error: { type: status === 401 ? 'authentication_error' : 'api_error', message } } }),
  brokenFrame: 'event: content_block_delta\ndata: {"type": "content_block_delta", "index": \n\n',
  errorStream: (message) => [...anthropicStart('claude-haiku-4-5'), event({ type: 'error', error: { type: 'api_error', message } } as { type: string })],
}

const geminiChunk = (text: string, finishReason?: string) => data({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...(finishReason ? { finishReason } : {}) }],
  ...(finishReason ? { usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 3, totalTokenCount: 12 } } : {}),
  modelVersion: 'gemini-2.5-flash', responseId: 'resp-1',
})

const gemini: UpstreamDialect = {
  name: 'gemini',
  model: 'gemini/gemini-2.5-flash',
  key: 'AIzaSyQm4Xk8Zr2Lw6Tn0Vb5Yc3Hd9Fg7Js1Kp',
  env: (url) => ({ GEMINI_API_KEY: gemini.key, GEMINI_BASE_URL: url }),
  answer: () => ({
    json: {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hello there' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 3, totalTokenCount: 12 }, modelVersion: 'gemini-2.5-flash', responseId: 'resp-1',
    },
  }),
  stream: () => [geminiChunk('Hello '), geminiChunk('there', 'STOP')],
  cutStream: () => [geminiChunk('Hello '), geminiChunk('there')],
  wrongShapes: [{ candidates: [] }, { candidates: 'none' }, { candidates: [{ content: { parts: 'text' } }] }],
  errorReply: (status, message) => ({
    status,
    json: { error: { code: status, message, status: status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL', details: [{ '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: message }] } },
  }),
  embeddings: { model: 'gemini/text-embedding-004', answer: { embeddings: [{ values: [0.25, -0.5] }] } },
  brokenFrame: 'data: {"candidates": [{"content": \n\n',
  errorStream: (message) => [geminiChunk('Hello '), data({ error: { code: 500, message, status: 'INTERNAL' } })],
}

const mistralChunk = (choice: Record<string, unknown>, usage?: unknown) => data({
  id: 'cmpl-1', object: 'chat.completion.chunk', created: 1_750_000_000, model: 'mistral-small-latest', choices: [choice], ...(usage ? { usage } : {}),
})

const mistral: UpstreamDialect = {
  name: 'mistral',
  model: 'mistral/mistral-small-latest',
  key: 'Mst7Qw2Er9Ty4Ui1Op6As3Df8Gh5Jk0Lz',
  env: (url) => ({ MISTRAL_API_KEY: mistral.key, MISTRAL_BASE_URL: url }),
  answer: () => ({
    json: {
      id: 'cmpl-1', object: 'chat.completion', created: 1_750_000_000, model: 'mistral-small-latest',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there', tool_calls: null }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
    },
  }),
  stream: () => [
    mistralChunk({ index: 0, delta: { role: 'assistant', content: 'Hello there' }, finish_reason: null }),
    mistralChunk({ index: 0, delta: { content: '' }, finish_reason: 'stop' }, { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 }),
    'data: [DONE]\n\n',
  ],
  cutStream: () => [mistralChunk({ index: 0, delta: { role: 'assistant', content: 'Hello there' }, finish_reason: null })],
  wrongShapes: [
    { id: 'cmpl-1', object: 'chat.completion', choices: null },
    { id: 'cmpl-1', object: 'chat.completion', model: 'm', created: 1, choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
  ],
  errorReply: (status, message) => ({ status, json: { object: 'error', message, type: 'invalid_request_error', code: String(status) } }),
  embeddings: {
    model: 'mistral/mistral-embed',
    answer: { id: 'emb-1', object: 'list', model: 'mistral-embed', data: [{ object: 'embedding', index: 0, embedding: [0.25, -0.5] }], usage: { prompt_tokens: 2, total_tokens: 2 } },
  },
  brokenFrame: 'data: {"choices": [{"delta": \n\n',
  errorStream: (message) => [
    mistralChunk({ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }),
    data({ object: 'error', message, type: 'internal_error', code: '500' }),
  ],
}

export const upstreamDialects: UpstreamDialect[] = [
  openaiFormat('openai', 'gpt-4o-mini', 'sk-proj-Fq3ZmW9xLp0aTrV7bN2cKd5HsJ8gYeUi', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'),
  openaiFormat('groq', 'llama-3.1-8b-instant', 'gsk_Zx8Cv3Bn6Mq1Wr4Et7Yu0Io5Pa2Sd9Fg', 'GROQ_API_KEY', 'GROQ_BASE_URL'),
  anthropic,
  mistral,
  gemini,
]

