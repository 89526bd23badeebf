import { providerCases, type ExtraReply } from './clients-harness.js'
import { framesOfEvents, outputText, streamedText, textJson, textStream, toolJson, toolStream } from './responses-recordings.js'

/** OpenAI itself answers /v1/responses with its recorded Responses traffic; every other backend with its chat recordings. */
export const responsesReplies: ExtraReply = (req, scenario) => {
  if (!req.path.startsWith('/v1/responses')) return undefined
  const stream = (req.body as { stream?: boolean }).stream === true
  const [frames, json] = scenario === 'tool' ? [toolStream, toolJson] : [textStream, textJson]
  return stream ? { sse: framesOfEvents(frames) } : { json }
}

/** What a Responses client must end up with, per backend (OpenAI native, the others translated). */
export interface ResponsesCase {
  provider: string
  model: string
  native: boolean
  jsonText: string
  streamText: string
  toolName: string
  toolArgs: Record<string, unknown>
}

export const responsesCases: ResponsesCase[] = providerCases.map((c) => c.provider === 'openai'
  ? {
    provider: c.provider, model: c.model, native: true, jsonText: outputText(textJson), streamText: streamedText(textStream),
    toolName: 'calculator', toolArgs: { a: 12, b: 7, op: 'add' },
  }
  : { provider: c.provider, model: c.model, native: false, jsonText: c.jsonText, streamText: c.streamText, toolName: c.toolName, toolArgs: c.toolArgs })

