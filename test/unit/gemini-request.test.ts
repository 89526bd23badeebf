import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProviderError, type ChatRequest } from '../../providers/types.js'
import { fixtureJson } from '../support/fixtures.js'
import { chatRequest, collect, startGeminiHarness, type GeminiHarness } from '../support/gemini-harness.js'

const hi = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'weather', description: 'Weather for a city',
    parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
}
const weatherDeclaration = {
  name: 'weather', description: 'Weather for a city',
  parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
}
const PNG = 'iVBORw0KGgo='
/** The SDK always sends a generationConfig, empty when nothing sets one. */
const sentBody = (body: Record<string, unknown>) => ({ generationConfig: {}, ...body })

/** Each item of issue 3 point 3: the OpenAI request fields → the exact body Gemini receives. */
const cases: Array<{ name: string; req: Partial<ChatRequest>; body: Record<string, unknown> }> = [
  { name: 'a plain user message', req: {}, body: hi },
  {
    name: 'system and developer messages → systemInstruction, in order',
    req: { messages: [{ role: 'system', content: 'be brief' }, { role: 'developer', content: [{ type: 'text', text: 'use French' }] }, { role: 'user', content: 'hi' }] },
    body: { ...hi, systemInstruction: { parts: [{ text: 'be brief' }, { text: 'use French' }] } },
  },
  {
    name: 'assistant → model; consecutive same-role messages merged',
    req: { messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }, { role: 'assistant', content: 'c' }, { role: 'assistant', content: 'd' }, { role: 'user', content: 'e' }] },
    body: { contents: [{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }, { role: 'model', parts: [{ text: 'c' }, { text: 'd' }] }, { role: 'user', parts: [{ text: 'e' }] }] },
  },
  {
    name: 'images: data: URL → inlineData, https URL → fileData with MIME from the extension (jpeg fallback)',
    req: { messages: [{ role: 'user', content: [
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.webp?size=large', detail: 'high' } },
      { type: 'image_url', image_url: { url: 'https://cdn.example.com/images/1234' } },
    ] }] },
    body: { contents: [{ role: 'user', parts: [
      { text: 'what is this?' },
      { inlineData: { mimeType: 'image/png', data: PNG } },
      { fileData: { fileUri: 'https://example.com/cat.webp?size=large', mimeType: 'image/webp' } },
      { fileData: { fileUri: 'https://cdn.example.com/images/1234', mimeType: 'image/jpeg' } },
    ] }] },
  },
  {
    name: 'input_audio and inline files → inlineData',
    req: { messages: [{ role: 'user', content: [
      { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
      { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
    ] }] },
    body: { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } }] }] },
  },
  {
    name: 'tools → functionDeclarations with converted schemas ($schema, additionalProperties, strict gone; no-arg tool has no parameters)',
    req: { tools: [weatherTool, { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }] },
    body: { ...hi, tools: [{ functionDeclarations: [weatherDeclaration, { name: 'now' }] }] },
  },
  { name: 'tool_choice auto → AUTO', req: { tools: [weatherTool], tool_choice: 'auto' }, body: { ...hi, tools: [{ functionDeclarations: [weatherDeclaration] }], toolConfig: { functionCallingConfig: { mode: 'AUTO' } } } },
  { name: 'tool_choice none → NONE', req: { tools: [weatherTool], tool_choice: 'none' }, body: { ...hi, tools: [{ functionDeclarations: [weatherDeclaration] }], toolConfig: { functionCallingConfig: { mode: 'NONE' } } } },
  { name: 'tool_choice required → ANY', req: { tools: [weatherTool], tool_choice: 'required' }, body: { ...hi, tools: [{ functionDeclarations: [weatherDeclaration] }], toolConfig: { functionCallingConfig: { mode: 'ANY' } } } },
  {
    name: 'tool_choice naming a function → ANY + allowedFunctionNames',
    req: { tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'weather' } } },
    body: { ...hi, tools: [{ functionDeclarations: [weatherDeclaration] }], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['weather'] } } },
  },
  { name: 'parallel_tool_calls true is Gemini\'s behaviour already', req: { tools: [weatherTool], parallel_tool_calls: true }, body: { ...hi, tools: [{ functionDeclarations: [weatherDeclaration] }] } },
  { name: 'response_format json_object → responseMimeType', req: { response_format: { type: 'json_object' } }, body: { ...hi, generationConfig: { responseMimeType: 'application/json' } } },
  {
    name: 'response_format json_schema → responseSchema (converted)',
    req: { response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { n: { type: 'integer' }, note: { type: ['string', 'null'] } }, required: ['n', 'note'], additionalProperties: false } } } },
    body: { ...hi, generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { n: { type: 'INTEGER' }, note: { type: 'STRING', nullable: true } }, required: ['n', 'note'] } } },
  },
  { name: 'response_format text → nothing', req: { response_format: { type: 'text' } }, body: hi },
  {
    name: 'sampling and limits: temperature, top_p, max_tokens, stop, seed, penalties, n',
    req: { temperature: 0.2, top_p: 0.9, max_tokens: 100, stop: ['END', 'STOP'], seed: 42, presence_penalty: 0.5, frequency_penalty: -0.5, n: 2 },
    body: { ...hi, generationConfig: { temperature: 0.2, topP: 0.9, maxOutputTokens: 100, stopSequences: ['END', 'STOP'], seed: 42, presencePenalty: 0.5, frequencyPenalty: -0.5, candidateCount: 2 } },
  },
  { name: 'max_completion_tokens wins over max_tokens; a stop string becomes a list', req: { max_tokens: 100, max_completion_tokens: 50, stop: 'END' }, body: { ...hi, generationConfig: { maxOutputTokens: 50, stopSequences: ['END'] } } },
  { name: 'user is OpenAI-side bookkeeping: not sent', req: { user: 'user-1', metadata: { a: 'b' }, store: false }, body: hi },
  { name: 'reasoning_effort on Gemini 2.x → thinkingBudget with thoughts included', req: { reasoning_effort: 'low' }, body: { ...hi, generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } } } },
]

describe('Gemini request translation: OpenAI request → the body Gemini receives', () => {
  let h: GeminiHarness
  beforeAll(async () => {
    h = await startGeminiHarness()
    h.upstream.setHandler(() => ({ json: fixtureJson('gemini/firebase-unary-success-basic-reply-short.json') }))
  })
  afterAll(() => h.close())

  for (const c of cases) {
    it(c.name, async () => {
      await h.provider.chat(chatRequest(c.req), h.ctx())
      const sent = h.upstream.requests.at(-1)!
      expect(sent.method).toBe('POST')
      expect(sent.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent')
      expect(sent.body).toEqual(sentBody(c.body))
    })
  }

  it('reasoning_effort on Gemini 3 → thinkingLevel', async () => {
    await h.provider.chat(chatRequest({ model: 'gemini-3-pro-preview', reasoning_effort: 'high' }), h.ctx())
    expect(h.upstream.requests.at(-1)!.path).toBe('/v1beta/models/gemini-3-pro-preview:generateContent')
    expect(h.upstream.requests.at(-1)!.body).toEqual({ ...hi, generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } } })
  })

  it('streams go to :streamGenerateContent?alt=sse with the same body', async () => {
    h.upstream.setHandler(() => ({ sse: ['data: {"candidates": [{"content": {"parts": [{"text": "ok"}],"role": "model"},"finishReason": "STOP"}]}\r\n\r\n'] }))
    await collect(await h.provider.chatStream(chatRequest({ temperature: 0 }), h.ctx()))
    const sent = h.upstream.requests.at(-1)!
    expect(sent.path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse')
    expect(sent.body).toEqual({ ...hi, generationConfig: { temperature: 0 } })
    h.upstream.setHandler(() => ({ json: fixtureJson('gemini/firebase-unary-success-basic-reply-short.json') }))
  })

  it('a base URL naming the API version is split into host and version', async () => {
    await h.provider.chat(chatRequest(), { ...h.ctx(), baseURL: `${h.upstream.url}/v1` })
    expect(h.upstream.requests.at(-1)!.path).toBe('/v1/models/gemini-2.0-flash:generateContent')
  })
})

describe('Gemini request translation: a multi-turn tool conversation', () => {
  let h: GeminiHarness
  beforeAll(async () => {
    h = await startGeminiHarness()
  })
  afterAll(() => h.close())

  it('call → result → answer: functionCall and functionResponse parts named after the call', async () => {
    // Turn 1: the model calls the tool (recorded response).
    h.upstream.setHandler(() => ({ json: fixtureJson('gemini/vercel-google-tool-call.json') }))
    const question = { role: 'user' as const, content: 'Weather in San Francisco? And the time?' }
    const first = await h.provider.chat(chatRequest({ messages: [question], tools: [weatherTool] }), h.ctx())
    const assistant = first.choices[0]!.message
    const call = assistant.tool_calls![0]!
    expect(call.type === 'function' && call.function).toEqual({ name: 'weather', arguments: '{"location":"San Francisco"}' })

    // Turn 2: the client sends the call back with its results (one object, one plain text) and gets an answer.
    h.upstream.setHandler(() => ({ json: fixtureJson('gemini/firebase-unary-success-basic-reply-short.json') }))
    const answer = await h.provider.chat(chatRequest({
      tools: [weatherTool],
      messages: [
        question,
        assistant,
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_clock', type: 'function', function: { name: 'clock', arguments: '' } }] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature":18,"unit":"C"}' },
        { role: 'tool', tool_call_id: 'call_clock', content: '12:00' },
        { role: 'tool', tool_call_id: 'call_clock', content: '[1,2]' },
      ],
    }), h.ctx())
    expect(answer.choices[0]!.finish_reason).toBe('stop')
    expect(h.upstream.requests.at(-1)!.body).toEqual(sentBody({
      contents: [
        { role: 'user', parts: [{ text: 'Weather in San Francisco? And the time?' }] },
        {
          role: 'model',
          parts: [
            // the signature Gemini issued comes back through the tool call's extra_content …
            { functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: 'EskgCsYgAb4+9vtF7/499YQS2bjZs3xcQI+iAl+ILn29nK1j0Kg6su7QsUUUk3nrAAfnS2w5WiVvlcCqu9fAebJ2cvfaEyBahEt5' },
            // … and a call without one carries Google's documented skip value
            { functionCall: { name: 'clock', args: {} }, thoughtSignature: 'skip_thought_signature_validator' },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'weather', response: { temperature: 18, unit: 'C' } } },
            { functionResponse: { name: 'clock', response: { result: '12:00' } } },
            { functionResponse: { name: 'clock', response: { result: [1, 2] } } },
          ],
        },
      ],
      tools: [{ functionDeclarations: [weatherDeclaration] }],
    }))
  })

  it('a tool result whose call id no assistant message made → 400 naming the message', async () => {
    const err = await h.provider.chat(chatRequest({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'r' }] }), h.ctx())
      .then(() => undefined, (e: unknown) => e as ProviderError)
    expect(err).toBeInstanceOf(ProviderError)
    expect([err?.status, err?.code, err?.param]).toEqual([400, 'invalid_request_error', 'messages[1].tool_call_id'])
  })
})

describe('Gemini request translation: parameters Gemini cannot honour', () => {
  let strict: GeminiHarness
  let lenient: GeminiHarness
  beforeAll(async () => {
    strict = await startGeminiHarness()
    lenient = await startGeminiHarness({ dropUnsupportedParams: true })
    for (const h of [strict, lenient]) h.upstream.setHandler(() => ({ json: fixtureJson('gemini/firebase-unary-success-basic-reply-short.json') }))
  })
  afterAll(async () => {
    await strict.close()
    await lenient.close()
  })

  const unsupported: Array<[string, Partial<ChatRequest>]> = [
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { top_logprobs: 3 }],
    ['logit_bias', { logit_bias: { '50256': -100 } }],
    ['parallel_tool_calls', { tools: [weatherTool], parallel_tool_calls: false }],
    ['modalities', { modalities: ['text', 'audio'] }],
    ['prediction', { prediction: { type: 'content', content: 'x' } }],
  ]
  for (const [param, fields] of unsupported) {
    it(`${param} → 400 unsupported_parameter naming it, nothing sent; dropped with drop_unsupported_params`, async () => {
      const before = strict.upstream.requests.length
      const err = await strict.provider.chat(chatRequest(fields), strict.ctx()).then(() => undefined, (e: unknown) => e as ProviderError)
      expect(err).toBeInstanceOf(ProviderError)
      expect([err?.status, err?.code, err?.param, err?.retryable]).toEqual([400, 'unsupported_parameter', param, false])
      expect(err?.message).toContain(`'${param}'`)
      expect(strict.upstream.requests.length).toBe(before)

      await lenient.provider.chat(chatRequest(fields), lenient.ctx())
      const body = lenient.upstream.requests.at(-1)!.body as Record<string, unknown>
      expect(body.contents).toEqual(hi.contents)
      expect(JSON.stringify(body)).not.toMatch(/logprob|logit|parallel|modalit|prediction/i)
    })
  }
})
