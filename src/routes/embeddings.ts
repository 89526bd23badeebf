import { Hono } from 'hono'
import { z } from 'zod'
import type { ChatCompletionCreateParams } from 'openai/resources'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { invalidRequest } from '../errors.js'
import { formatUsd } from '../metering/cost.js'
import { issuePath } from '../openai/chat-request.js'
import { base64ToFloats, floatsToBase64 } from '../openai/embedding-encoding.js'
import { readJsonBody } from '../openai/read-json.js'
import { attemptEmbeddings } from '../routing/attempt-embeddings.js'
import { resolveTarget } from '../routing/resolve.js'
import type { CreateEmbeddingResponse, EmbeddingRequest } from '../../providers/index.js'

const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1).max(2048),
    z.array(z.number().int().nonnegative()).min(1),
    z.array(z.array(z.number().int().nonnegative()).min(1)).min(1).max(2048),
  ]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().positive().nullish(),
  user: z.string().nullish(),
})
type EmbeddingBody = z.infer<typeof embeddingRequestSchema>

function parseEmbeddingRequest(body: unknown): EmbeddingBody {
  const result = embeddingRequestSchema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const param = issuePath(issue.path)
  const missing = issue.path.length === 1 && typeof body === 'object' && body !== null && !(String(issue.path[0]) in body)
  if (missing) {
    throw invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter')
  }
  throw invalidRequest(`Invalid value for '${param || 'body'}': ${issue.message}`, param || null, 'invalid_value')
}

/** The caller's input as chat text, for the admission's token estimate (rate limits reserve by characters). */
function admissionBody(body: EmbeddingBody): ChatCompletionCreateParams {
  const texts = typeof body.input === 'string' ? [body.input] : body.input.filter((item): item is string => typeof item === 'string')
  // An embedding has no output: its worst case against a budget is its input alone.
  return { model: body.model, messages: texts.map((content) => ({ role: 'user' as const, content })), max_tokens: 0 }
}

/** Floats whatever the upstream sent (some servers answer base64 even when asked for floats). */
function floatsOf(embedding: number[] | string): number[] {
  return typeof embedding === 'string' ? base64ToFloats(embedding) : embedding
}

/**
 * POST /v1/embeddings: OpenAI's embeddings API in front of every provider that embeds. Upstreams are always
 * asked for floats and the gateway encodes them as the caller asked, so `encoding_format: "base64"` (the
 * openai SDK's default) works even where the upstream ignores it.
 */
export function embeddingRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/v1/embeddings', async (c) => {
    const body = parseEmbeddingRequest(await readJsonBody(c))
    const target = resolveTarget(deps, body.model)
    if (!target.entry.provider.embed) {
      throw invalidRequest(`The model \`${body.model}\` does not support embeddings: ${target.providerName} offers no embeddings API.`, 'model', 'embeddings_not_supported')
    }

    const meta = { requestId: c.get('requestId'), principal: c.get('principal'), signal: c.req.raw.signal, endpoint: 'embeddings' as const }
    const ticket = await deps.admission.admit({
      principal: meta.principal,
      requested: body.model,
      route: { name: target.model, origin: deps.config.file.aliases[body.model] ? 'configured' : 'model', strategy: 'single', targets: [target] },
      body: admissionBody(body),
      requestId: meta.requestId,
    })

    let response: CreateEmbeddingResponse
    let headers: Record<string, string>
    try {
      const { encoding_format: _asked, ...rest } = body
      const request = { ...rest, model: target.upstreamModel, encoding_format: 'float' } as EmbeddingRequest
      const attempt = await attemptEmbeddings(deps, meta, target, request)
      response = attempt.response
      headers = {
        'x-manifold-route': target.model,
        'x-manifold-target': target.model,
        'x-manifold-attempts': '1',
        'x-manifold-latency-ms': String(attempt.report.latencyMs),
        'x-manifold-cost-usd': formatUsd(attempt.report.costPicoUsd),
        ...ticket.headers,
      }
    } finally {
      ticket.release()
    }

    const base64 = body.encoding_format === 'base64'
    const promptTokens = response.usage?.prompt_tokens ?? 0
    return c.json({
      object: 'list',
      data: response.data.map((item, position) => {
        const floats = floatsOf(item.embedding as number[] | string)
        return { object: 'embedding', index: item.index ?? position, embedding: base64 ? floatsToBase64(floats) : floats }
      }),
      model: response.model || target.upstreamModel,
      usage: { prompt_tokens: promptTokens, total_tokens: response.usage?.total_tokens ?? promptTokens },
    }, 200, headers)
  })

  return app
}
