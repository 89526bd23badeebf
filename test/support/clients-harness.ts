import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources'
import { anthropicRecordings, geminiEmbeddingReply, geminiRecordings, nativeJsonText, nativeStreamText } from './clients-native-recordings.js'
import { fixtureJson, fixtureText } from './fixtures.js'
import { startTestGateway, type TestGateway } from './gateway.js'
import { sseFromChunkLines, sseFromRaw, startMockUpstream, type MockReply, type MockUpstream, type ReceivedRequest } from './mock-upstream.js'
import { parseSseBody } from './sse-parse.js'

/**
 * One running gateway (loopback listen) with every provider adapter behind one mock upstream, told apart
 * by path prefix: OpenAI at /v1, a compatible server at /compat/v1, Mistral at /mistral/v1, Anthropic at
 * /anthropic/v1/messages, Gemini at /gemini/v1beta/models/…. Each provider answers with its own recorded fixtures
 * in its own wire format (clients-native-recordings.ts for Anthropic and Gemini), so real clients (openai, the AI SDK, LangChain) see what the
 * gateway makes of real provider output.
 */

export type ClientProvider = 'openai' | 'mistral' | 'compat' | 'anthropic' | 'gemini'
export type Scenario = 'text' | 'tool' | 'object'

/** A recorded stream (or a whole body built from one), as its provider sent it. */
interface Recording {
  /** SSE frames of the streaming answer. */
  frames: string[]
  /** The non-streaming answer's body. */
  json: unknown
}

export interface ProviderCase {
  provider: ClientProvider
  /** `model` as a client names it. */
  model: string
  /** The name of the function the recorded tool call calls, and its parsed arguments. */
  toolName: string
  toolArgs: Record<string, unknown>
  /** The answer text of the recorded non-streaming and streaming replies. */
  jsonText: string
  streamText: string
  recordings: Record<Scenario, Recording>
  /** The embedding model clients name; absent for a provider without embeddings (Anthropic). */
  embeddingModel?: string
}

function framesOf(file: string): string[] {
  const text = fixtureText(file)
  return file.endsWith('.sse') ? sseFromRaw(text) : sseFromChunkLines(text)
}

function chunksOf(frames: string[]): ChatCompletionChunk[] {
  return parseSseBody(frames.join('')).events as ChatCompletionChunk[]
}

/**
 * The whole completion a recorded OpenAI-style stream amounts to: used where a provider's recordings hold
 * only the streaming form of an answer (derived from recorded data, never edited).
 */
export function completionFromChunks(chunks: ChatCompletionChunk[]): ChatCompletion {
  let content = ''
  const calls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = []
  let finish: ChatCompletion.Choice['finish_reason'] = 'stop'
  let usage: ChatCompletion['usage']
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage
    for (const choice of chunk.choices) {
      content += choice.delta.content ?? ''
      choice.delta.tool_calls?.forEach((call, position) => {
        const slot = (calls[call.index ?? position] ??= { id: '', type: 'function', function: { name: '', arguments: '' } })
        if (call.id) slot.id = call.id
        if (call.function?.name) slot.function.name = call.function.name
        slot.function.arguments += call.function?.arguments ?? ''
      })
      if (choice.finish_reason) finish = choice.finish_reason
    }
  }
  const first = chunks[0]!
  return {
    id: first.id, object: 'chat.completion', created: first.created, model: first.model,
    choices: [{ index: 0, message: { role: 'assistant', content: calls.length ? null : content, refusal: null, ...(calls.length ? { tool_calls: calls } : {}) }, finish_reason: finish, logprobs: null }],
    ...(usage ? { usage } : {}),
  }
}

function textOf(frames: string[]): string {
  return chunksOf(frames).map((c) => c.choices.map((ch) => ch.delta.content ?? '').join('')).join('')
}

function streamed(file: string): Recording {
  const frames = framesOf(file)
  return { frames, json: completionFromChunks(chunksOf(frames)) }
}

function recorded(streamFile: string, jsonFile: string): Recording {
  return { frames: framesOf(streamFile), json: fixtureJson(jsonFile) }
}

function messageContent(json: unknown): string {
  return (json as ChatCompletion).choices[0]!.message.content ?? ''
}

const objectRecording = streamed('openai/python-stream-json-response-format.sse')

function providerCase(provider: ClientProvider, model: string, text: Recording, tool: Recording, toolName: string, toolArgs: Record<string, unknown>): ProviderCase {
  return {
    provider, model, toolName, toolArgs,
    jsonText: messageContent(text.json), streamText: textOf(text.frames),
    recordings: { text, tool, object: objectRecording },
    embeddingModel: `${provider}/text-embedding-3-small`,
  }
}

export const providerCases: ProviderCase[] = [
  providerCase('openai', 'openai/gpt-4.1-nano',
    recorded('openai/vercel-openai-text.chunks.txt', 'openai/vercel-openai-text.json'),
    streamed('openai/python-stream-tool-call-get-weather.sse'), 'get_weather', { city: 'New York City' }),
  providerCase('mistral', 'mistral/mistral-small-latest',
    recorded('mistral/vercel-mistral-text.chunks.txt', 'mistral/vercel-mistral-text.json'),
    recorded('mistral/vercel-mistral-tool-call.chunks.txt', 'mistral/vercel-mistral-tool-call.json'), 'weather', { location: 'San Francisco' }),
  providerCase('compat', 'compat/deepseek-reasoner',
    streamed('openai-compatible/vercel-groq-text.chunks.txt'),
    recorded('openai-compatible/vercel-deepseek-tool-call.chunks.txt', 'openai-compatible/vercel-deepseek-tool-call.json'), 'weather', { location: 'San Francisco' }),
  {
    provider: 'anthropic', model: 'anthropic/claude-sonnet-4-6', toolName: 'get_weather', toolArgs: { location: 'Paris' },
    jsonText: nativeJsonText(anthropicRecordings.text.json), streamText: nativeStreamText(anthropicRecordings.text.frames),
    recordings: anthropicRecordings,
  },
  {
    provider: 'gemini', model: 'gemini/gemini-2.5-flash', toolName: 'weather', toolArgs: { location: 'San Francisco' },
    jsonText: nativeJsonText(geminiRecordings.text.json), streamText: nativeStreamText(geminiRecordings.text.frames),
    recordings: geminiRecordings, embeddingModel: 'gemini/gemini-embedding-001',
  },
]

/** The recorded embedding reply (OpenAI's shape; Mistral's adds an id). */
export const embeddingRecording = fixtureJson<{ data: Array<{ embedding: number[] }> }>('openai/vercel-openai-embedding.json')

export interface ClientsHarness {
  upstream: MockUpstream
  gw: TestGateway
  /** A virtual key for the clients. */
  key: string
  baseURL: string
  /** What the mock answers next, per provider (undoing any handler a test set on the upstream). */
  play(scenario: Scenario): void
  /** The requests each provider received. */
  received(provider: ClientProvider): ReceivedRequest[]
  close(): Promise<void>
}

function providerOf(path: string): ClientProvider {
  if (path.startsWith('/mistral/')) return 'mistral'
  if (path.startsWith('/compat/')) return 'compat'
  if (path.startsWith('/anthropic/')) return 'anthropic'
  if (path.startsWith('/gemini/')) return 'gemini'
  return 'openai'
}

/** Answers a request some other way than the chat recordings (the Responses API's own), or undefined. */
export type ExtraReply = (req: ReceivedRequest, scenario: Scenario) => MockReply | undefined

/** Config the harness adds to its providers: aliases and routes over them, more providers, other settings. */
export interface ClientsHarnessOptions {
  aliases?: Record<string, string>
  routes?: Record<string, unknown>
  providers?: Record<string, unknown>
  /** Any other top-level config file setting (body_limit_bytes, routing, …). */
  settings?: Record<string, unknown>
  extra?: ExtraReply
}

export async function startClientsHarness(options: ClientsHarnessOptions = {}): Promise<ClientsHarness> {
  const upstream = await startMockUpstream()
  const gw = await startTestGateway({
    listen: true,
    env: {
      OPENAI_API_KEY: 'sk-upstream-openai', OPENAI_BASE_URL: `${upstream.url}/v1`,
      MISTRAL_API_KEY: 'upstream-mistral', MISTRAL_BASE_URL: `${upstream.url}/mistral`,
      COMPAT_API_KEY: 'upstream-compat',
      ANTHROPIC_API_KEY: 'upstream-anthropic', ANTHROPIC_BASE_URL: `${upstream.url}/anthropic`,
      GEMINI_API_KEY: 'upstream-gemini', GEMINI_BASE_URL: `${upstream.url}/gemini`,
    },
    file: {
      ...options.settings,
      providers: { compat: { type: 'openai-compatible', base_url: `${upstream.url}/compat/v1`, api_key_env: 'COMPAT_API_KEY' }, ...options.providers },
      ...(options.aliases && { aliases: options.aliases }),
      ...(options.routes && { routes: options.routes }),
    },
  })
  const key = await gw.createKey({ name: 'clients' })
  let scenario: Scenario = 'text'

  const replay = (req: ReceivedRequest): MockReply => {
    const special = options.extra?.(req, scenario)
    if (special) return special
    const provider = providerOf(req.path)
    if (req.path.endsWith('/embeddings')) {
      return { json: provider === 'mistral' ? { id: 'embd-1', ...embeddingRecording } : embeddingRecording }
    }
    if (req.path.endsWith(':batchEmbedContents')) return { json: geminiEmbeddingReply(req.body, embeddingRecording.data.map((d) => d.embedding)) }
    const recording = providerCases.find((c) => c.provider === provider)!.recordings[scenario]
    // Gemini says "stream" in the path (`:streamGenerateContent?alt=sse`), the others in the body.
    const stream = provider === 'gemini' ? req.path.includes(':streamGenerateContent') : (req.body as { stream?: boolean }).stream === true
    return stream ? { sse: recording.frames } : { json: recording.json }
  }
  upstream.setHandler(replay)

  return {
    upstream, gw, key,
    baseURL: `${gw.url}/v1`,
    play(next) {
      scenario = next
      upstream.setHandler(replay)
    },
    received: (provider) => upstream.requests.filter((r) => providerOf(r.path) === provider),
    async close() {
      await gw.close()
      await upstream.close()
    },
  }
}
