import type { ContentBlock, Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages'
import { FinishReason, type EmbedContentResponse, type GenerateContentResponse } from '@google/genai'
import { fixtureJson, fixtureText } from './fixtures.js'
import { sseFromChunkLines, sseFromRaw } from './mock-upstream.js'

/**
 * Anthropic and Gemini answers in their own wire formats, for the real-client tests (clients-harness.ts):
 * recorded fixtures replayed as the provider sends them, plus the few replies no fixture holds, built here
 * and marked SYNTHESIZED (minimal bodies per the SDKs' types, never edits of a recording).
 */

/** A provider's answer to one scenario: SSE frames for streaming calls, a body for the others. */
export interface NativeRecording {
  frames: string[]
  json: unknown
}

/** Anthropic frames carry `event:` lines: raw `.sse` bodies have them, `.chunks.txt` lines get them from `type`. */
function anthropicFrames(file: string): string[] {
  const text = fixtureText(`anthropic/${file}`)
  return file.endsWith('.sse') ? sseFromRaw(text) : sseFromChunkLines(text, { eventFromType: true, done: false })
}

/** Gemini raw bodies keep their \r\n\r\n separators; `.chunks.txt` lines become `data:` frames (no [DONE]). */
function geminiFrames(file: string): string[] {
  const text = fixtureText(`gemini/${file}`)
  return file.endsWith('.chunks.txt') ? sseFromChunkLines(text, { done: false }) : sseFromRaw(text)
}

function dataOf(frame: string): string {
  return frame.split(/\r?\n/).filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n')
}

/**
 * The whole Message a recorded Anthropic stream amounts to (text, tool_use with its input_json_delta
 * parts joined, stop reason, usage): derived from recorded data, for answers recorded only as a stream.
 */
export function anthropicMessageFromFrames(frames: string[]): Message {
  let message: Message | undefined
  const partialJson = new Map<number, string>()
  for (const frame of frames) {
    const event = JSON.parse(dataOf(frame)) as RawMessageStreamEvent | { type: 'ping' }
    if (event.type === 'message_start') message = { ...event.message, content: [] }
    else if (event.type === 'content_block_start') message!.content[event.index] = { ...event.content_block } as ContentBlock
    else if (event.type === 'content_block_delta') {
      const block = message!.content[event.index]!
      if (event.delta.type === 'text_delta' && block.type === 'text') block.text += event.delta.text
      if (event.delta.type === 'input_json_delta') partialJson.set(event.index, (partialJson.get(event.index) ?? '') + event.delta.partial_json)
    } else if (event.type === 'content_block_stop') {
      const block = message!.content[event.index]!
      const json = partialJson.get(event.index)
      if (block.type === 'tool_use' && json) block.input = JSON.parse(json) as unknown
    } else if (event.type === 'message_delta') {
      message!.stop_reason = event.delta.stop_reason
      message!.stop_sequence = event.delta.stop_sequence
      message!.usage = { ...message!.usage, output_tokens: event.usage.output_tokens }
    }
  }
  return message!
}

/** The JSON object every client test's generateObject expects (the same answer the OpenAI-style providers replay). */
const objectText = JSON.stringify({ city: 'San Francisco', temperature: 61, units: 'f' })

/**
 * SYNTHESIZED: no Anthropic fixture records a structured-output (`output_config.format` json_schema) answer.
 * A minimal Message whose text is the JSON, as Anthropic answers structured output.
 */
const anthropicObjectMessage: Message = {
  id: 'msg_synthesized_object', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6',
  content: [{ type: 'text', text: objectText, citations: null }],
  stop_reason: 'end_turn', stop_sequence: null, stop_details: null, container: null, diagnostics: null,
  usage: {
    input_tokens: 20, output_tokens: 15, cache_creation_input_tokens: 0, cache_read_input_tokens: 0,
    cache_creation: null, server_tool_use: null, service_tier: 'standard', inference_geo: null, output_tokens_details: null, speed: null,
  },
}

/**
 * SYNTHESIZED: no Gemini fixture records a responseSchema answer. A minimal generateContent body whose one
 * text part is the JSON, as Gemini answers with responseMimeType application/json.
 */
const geminiObjectResponse: Pick<GenerateContentResponse, 'candidates' | 'usageMetadata' | 'modelVersion'> = {
  candidates: [{ content: { role: 'model', parts: [{ text: objectText }] }, finishReason: FinishReason.STOP, index: 0 }],
  usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 15, totalTokenCount: 35 },
  modelVersion: 'gemini-2.5-flash',
}

const anthropicToolFrames = anthropicFrames('sdk-tool_use_response.sse')

export const anthropicRecordings = {
  text: { frames: anthropicFrames('vercel-anthropic-text.chunks.txt'), json: fixtureJson('anthropic/vercel-anthropic-text.json') },
  /** Recorded as a stream only; the non-streaming body is the Message that stream amounts to. */
  tool: { frames: anthropicToolFrames, json: anthropicMessageFromFrames(anthropicToolFrames) },
  /** Only generateObject (non-streaming) uses it: no frames. */
  object: { frames: [], json: anthropicObjectMessage },
} satisfies Record<string, NativeRecording>

export const geminiRecordings = {
  /** A raw recorded stream with Gemini's \r\n\r\n separators, and a recorded unary answer. */
  text: { frames: geminiFrames('firebase-streaming-success-basic-reply-short.txt'), json: fixtureJson('gemini/firebase-unary-success-basic-reply-short.json') },
  tool: { frames: geminiFrames('vercel-google-tool-call.chunks.txt'), json: fixtureJson('gemini/vercel-google-tool-call.json') },
  /** Only generateObject (non-streaming) uses it: no frames. */
  object: { frames: [], json: geminiObjectResponse },
} satisfies Record<string, NativeRecording>

/** The text of a recorded Anthropic or Gemini stream, as the provider sent it (what a client must end up with). */
export function nativeStreamText(frames: string[]): string {
  let text = ''
  for (const frame of frames) {
    const payload = JSON.parse(dataOf(frame)) as { type?: string }
    if (payload.type !== undefined) {
      const event = payload as RawMessageStreamEvent
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text
      continue
    }
    for (const part of (payload as GenerateContentResponse).candidates?.[0]?.content?.parts ?? []) if (!part.thought) text += part.text ?? ''
  }
  return text
}

/** The text of a recorded non-streaming Anthropic Message or Gemini generateContent body. */
export function nativeJsonText(json: unknown): string {
  const body = json as Partial<Message> & Partial<GenerateContentResponse>
  if (body.type === 'message') return (body.content ?? []).map((block) => (block.type === 'text' ? block.text : '')).join('')
  return (body.candidates?.[0]?.content?.parts ?? []).filter((part) => !part.thought).map((part) => part.text ?? '').join('')
}

/**
 * SYNTHESIZED: no Gemini fixture records an embeddings answer. A batchEmbedContents body with one vector
 * per request, taken from the recorded OpenAI embedding floats so every provider's case expects the same.
 */
export function geminiEmbeddingReply(requestBody: unknown, vectors: number[][]): EmbedContentResponse {
  const count = (requestBody as { requests?: unknown[] }).requests?.length ?? 1
  return { embeddings: Array.from({ length: count }, (_, i) => ({ values: vectors[i % vectors.length]! })) }
}
