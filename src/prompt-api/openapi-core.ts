import { z } from 'zod'
import { chatRequestSchema } from '../openai/chat-request.js'

/**
 * The gateway's fixed surface for the OpenAPI document: every route the gateway serves besides the
 * per-prompt operations (which openapi-document.ts generates from the catalog). Request schemas come
 * from the zod schemas the routes validate with where one is exported; the rest describe the shapes
 * the routes return.
 */

export type JsonObject = Record<string, unknown>

const json = (schema: JsonObject) => ({ 'application/json': { schema } })
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) })

/** The errors every authenticated operation can answer. */
export const commonErrors = {
  401: errorResponse('No key, or an unknown, revoked or expired key.'),
  403: errorResponse('The key may not use this model, prompt or endpoint.'),
  429: errorResponse('A rate limit or budget was reached.'),
}

function fromZod(schema: z.ZodType): JsonObject {
  const { $schema: _dropped, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonObject
  return rest
}

const sseDescription = 'Server-sent events, one JSON object per `data:` line, ending with `data: [DONE]`.'

export function coreSchemas(): Record<string, JsonObject> {
  return {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['message', 'type'],
          properties: {
            message: { type: 'string' },
            type: { type: 'string' },
            param: { type: ['string', 'null'] },
            code: { type: ['string', 'null'] },
          },
        },
      },
    },
    ChatCompletionRequest: fromZod(chatRequestSchema),
    ChatCompletion: {
      type: 'object',
      description: 'OpenAI\'s chat completion object, whichever provider answered.',
      required: ['id', 'object', 'created', 'model', 'choices'],
      properties: {
        id: { type: 'string' },
        object: { const: 'chat.completion' },
        created: { type: 'integer' },
        model: { type: 'string' },
        choices: { type: 'array', items: { type: 'object' } },
        usage: ref('Usage'),
      },
    },
    Usage: {
      type: 'object',
      properties: {
        prompt_tokens: { type: 'integer' },
        completion_tokens: { type: 'integer' },
        total_tokens: { type: 'integer' },
      },
    },
    EmbeddingRequest: {
      type: 'object',
      required: ['model', 'input'],
      properties: {
        model: { type: 'string' },
        input: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }, { type: 'array', items: { type: 'integer' } }, { type: 'array', items: { type: 'array', items: { type: 'integer' } } }] },
        dimensions: { type: 'integer' },
        encoding_format: { type: 'string', enum: ['float', 'base64'] },
      },
    },
    EmbeddingList: { type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: { type: 'object' } }, model: { type: 'string' }, usage: { type: 'object' } } },
    ModelList: { type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, object: { const: 'model' }, created: { type: 'integer' }, owned_by: { type: 'string' } } } } } },
    PromptList: { type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: ref('PromptDescription') } } },
    PromptDescription: {
      type: 'object',
      properties: {
        object: { const: 'prompt' }, name: { type: 'string' }, version: { type: 'string' }, status: { type: 'string', enum: ['draft', 'published', 'deprecated', 'retired'] },
        allowed: { type: 'boolean', description: 'Whether the calling key may call it (false only with `include=requestable`).' },
        description: { type: 'string' }, model: { type: 'string' }, path: { type: 'string' },
        input: { type: 'object', description: 'JSON Schema of the variables.' }, output: { type: ['object', 'null'], description: 'JSON Schema of the structured output, if any.' },
        versions: { type: 'array', items: { type: 'object' } },
      },
    },
    PromptResult: {
      type: 'object',
      required: ['id', 'prompt', 'version', 'model', 'output', 'usage', 'cost_usd'],
      properties: {
        id: { type: 'string' }, prompt: { type: 'string' }, version: { type: 'string' }, model: { type: 'string' },
        output: { description: 'The text, or the parsed object when the prompt has an output schema.' },
        usage: ref('Usage'), cost_usd: { type: ['number', 'null'] },
        outputs: { type: 'array', description: 'Through a fan-out route: every target\'s answer, in target order.', items: { type: 'object', properties: { target: { type: ['string', 'null'] }, output: {} } } },
      },
    },
    Job: { type: 'object', properties: { id: { type: 'string' }, object: { const: 'job' }, status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'canceled'] } } },
    AccessRequest: {
      type: 'object',
      properties: {
        object: { const: 'access_request' }, id: { type: 'string' }, prompt: { type: 'string' }, status: { enum: ['pending', 'approved', 'refused'] },
        reason: { type: ['string', 'null'] }, created_at: { type: 'string' }, decided_at: { type: ['string', 'null'] }, note: { type: ['string', 'null'] },
      },
    },
    ApiKey: {
      type: 'object',
      properties: {
        id: { type: 'string' }, object: { const: 'api_key' }, name: { type: 'string' }, team: { type: ['string', 'null'] },
        role: { enum: ['member', 'team_admin'] }, prefix: { type: 'string' },
        models: { type: ['array', 'null'], items: { type: 'string' } }, prompts: { type: ['array', 'null'], items: { type: 'string' } },
        budget_usd: { type: ['number', 'null'] }, rpm: { type: ['integer', 'null'] }, tpm: { type: ['integer', 'null'] },
        expires_at: { type: ['string', 'null'] }, created_at: { type: 'string' }, revoked_at: { type: ['string', 'null'] },
      },
    },
  }
}

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } }
const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string' } }

function promptCall(operationId: string, summary: string, parameters: JsonObject[]): JsonObject {
  return {
    operationId, tags: ['Prompt APIs'], summary, parameters,
    requestBody: { required: true, content: json({ type: 'object', description: 'The prompt\'s variables.' }) },
    responses: {
      200: { description: 'The answer (or a stream with `Accept: text/event-stream`).', content: { ...json(ref('PromptResult')), 'text/event-stream': { schema: { type: 'string' } } } },
      400: errorResponse('Invalid input: `error.fields` lists every invalid field.'), 404: errorResponse('Unknown prompt or version.'),
      410: errorResponse('A retired version; the message names its successor.'), ...commonErrors, 502: errorResponse('The upstream failed, or its answer did not match the output schema twice.'),
    },
  }
}
const ok = (description: string, schema: JsonObject) => ({ description, content: json(schema) })

/** The fixed operations, by path and method. */
export function corePaths(): Record<string, JsonObject> {
  const asyncHeader = { name: 'Prefer', in: 'header', required: false, schema: { type: 'string' }, description: '`respond-async` queues the call as a job (202 with Location: /v1/jobs/{id}).' }
  return {
    '/health': { get: { operationId: 'health', tags: ['Gateway'], summary: 'Liveness (no key needed)', security: [], responses: { 200: { description: 'The gateway is up.' } } } },
    '/v1/chat/completions': {
      post: {
        operationId: 'createChatCompletion', tags: ['OpenAI-compatible'], summary: 'Chat completion through any provider, alias or route',
        parameters: [
          asyncHeader,
          { name: 'x-manifold-route', in: 'header', required: false, schema: { type: 'string' }, description: 'A route as JSON, chosen per request.' },
          {
            name: 'x-manifold-drop-unsupported-params', in: 'header', required: false, schema: { type: 'string', enum: ['true', 'false'] },
            description: 'Drop parameters the provider cannot honour (listed in the x-manifold-dropped-params response header) instead of answering 400; overrides drop_unsupported_params.',
          },
        ],
        requestBody: { required: true, content: json(ref('ChatCompletionRequest')) },
        responses: {
          200: { description: 'The completion, or chunks when `stream` is true.', content: { ...json(ref('ChatCompletion')), 'text/event-stream': { schema: { type: 'string', description: sseDescription } } } },
          202: ok('Queued as a job.', ref('Job')), 400: errorResponse('Invalid request.'), 404: errorResponse('Unknown model.'), ...commonErrors, 502: errorResponse('The upstream failed.'),
        },
      },
    },
    '/': { get: { operationId: 'root', tags: ['Gateway'], summary: 'Answers clients that probe their base URL (GET or HEAD, no key needed)', security: [], responses: { 200: { description: 'The gateway is here.' } } } },
    '/v1/messages': {
      get: { operationId: 'probeMessages', tags: ['Anthropic-compatible'], summary: 'Answers a client probing the Messages API (GET or HEAD)', responses: { 200: ok('The API is here.', { type: 'object' }), ...commonErrors } },
      post: {
        operationId: 'createMessage', tags: ['Anthropic-compatible'], summary: 'Anthropic Messages API through any provider, alias or route (key as x-api-key or Bearer)',
        parameters: [{ name: 'x-manifold-route', in: 'header', required: false, schema: { type: 'string' }, description: 'A route as JSON, chosen per request.' }],
        requestBody: { required: true, content: json({ type: 'object', required: ['model', 'max_tokens', 'messages'], description: 'Anthropic\'s Messages request.' }) },
        responses: {
          200: { description: 'A Message, or Anthropic\'s event stream when `stream` is true.', content: { ...json({ type: 'object' }), 'text/event-stream': { schema: { type: 'string' } } } },
          400: errorResponse('Invalid request (Anthropic\'s error shape).'), 404: errorResponse('Unknown model.'), ...commonErrors, 529: errorResponse('The upstream is overloaded.'),
        },
      },
    },
    '/v1/messages/count_tokens': {
      post: { operationId: 'countMessageTokens', tags: ['Anthropic-compatible'], summary: 'Input tokens of a Messages request: exact from Anthropic, estimated elsewhere (x-manifold-token-count)', requestBody: { required: true, content: json({ type: 'object' }) }, responses: { 200: ok('The count.', { type: 'object', properties: { input_tokens: { type: 'integer' } } }), 400: errorResponse('Invalid request.'), ...commonErrors } },
    },
    '/v1/embeddings': {
      post: { operationId: 'createEmbedding', tags: ['OpenAI-compatible'], summary: 'Embeddings', requestBody: { required: true, content: json(ref('EmbeddingRequest')) }, responses: { 200: ok('The embeddings.', ref('EmbeddingList')), 400: errorResponse('Invalid request.'), ...commonErrors } },
    },
    '/v1/models': { get: { operationId: 'listModels', tags: ['OpenAI-compatible'], summary: 'Models, routes and aliases the key may use', responses: { 200: ok('The models.', ref('ModelList')), ...commonErrors } } },
    '/v1/prompts': { get: { operationId: 'listPrompts', tags: ['Prompt APIs'], summary: 'Published prompt APIs with their input and output schemas', parameters: [{ name: 'include', in: 'query', required: false, schema: { type: 'string', enum: ['requestable'] }, description: '`requestable` also lists the prompt APIs the key may not call (`allowed: false`), to request access to.' }], responses: { 200: ok('The prompt APIs.', ref('PromptList')), ...commonErrors } } },
    '/v1/prompts/{name}': {
      get: {
        operationId: 'getPrompt', tags: ['Prompt APIs'], summary: 'One prompt API and its versions',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: ok('The prompt API.', ref('PromptDescription')), 404: errorResponse('Unknown prompt.'), 410: errorResponse('Retired.'), ...commonErrors },
      },
      post: promptCall('callPrompt', 'Call any prompt API\'s latest published version (each has its own operation below, with its schemas)', [nameParam]),
    },
    '/v1/prompts/{name}/versions/{version}': {
      get: {
        operationId: 'getPromptVersion', tags: ['Prompt APIs'], summary: 'One version of a prompt API (deprecated versions answer with Deprecation, Sunset and Link headers)',
        parameters: [nameParam, { name: 'version', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: ok('The version.', ref('PromptDescription')), 404: errorResponse('Unknown prompt or version.'), 410: errorResponse('Retired.'), ...commonErrors },
      },
      post: promptCall('callPromptVersion', 'Call one version of a prompt API (deprecated versions answer with Deprecation, Sunset and Link headers)', [nameParam, { name: 'version', in: 'path', required: true, schema: { type: 'string' } }]),
    },
    '/v1/jobs': { get: { operationId: 'listJobs', tags: ['Jobs'], summary: 'The key\'s jobs', responses: { 200: ok('The jobs.', { type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: ref('Job') } } }), ...commonErrors } } },
    '/v1/jobs/{id}': {
      get: { operationId: 'getJob', tags: ['Jobs'], summary: 'A job\'s status and result', parameters: [idParam], responses: { 200: ok('The job.', ref('Job')), 404: errorResponse('Unknown job.'), ...commonErrors } },
      delete: { operationId: 'cancelJob', tags: ['Jobs'], summary: 'Cancel a job that has not finished', parameters: [idParam], responses: { 200: ok('The job.', ref('Job')), 404: errorResponse('Unknown job.'), ...commonErrors } },
    },
    '/admin/keys': {
      get: { operationId: 'listKeys', tags: ['Admin'], summary: 'Virtual keys (admin key only)', responses: { 200: ok('The keys.', { type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: ref('ApiKey') } } }), ...commonErrors } },
      post: { operationId: 'createKey', tags: ['Admin'], summary: 'Issue a virtual key (the secret is returned once)', requestBody: { required: true, content: json({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }) }, responses: { 201: ok('The key, with its secret.', ref('ApiKey')), 400: errorResponse('Invalid request.'), ...commonErrors } },
    },
    '/admin/keys/{id}': {
      get: { operationId: 'getKey', tags: ['Admin'], summary: 'One key', parameters: [idParam], responses: { 200: ok('The key.', ref('ApiKey')), 404: errorResponse('Unknown key.'), ...commonErrors } },
      patch: { operationId: 'updateKey', tags: ['Admin'], summary: 'Change a key\'s limits, scopes or metadata', parameters: [idParam], requestBody: { required: true, content: json({ type: 'object' }) }, responses: { 200: ok('The key.', ref('ApiKey')), 400: errorResponse('Invalid request.'), 404: errorResponse('Unknown key.'), ...commonErrors } },
      delete: { operationId: 'revokeKey', tags: ['Admin'], summary: 'Revoke a key', parameters: [idParam], responses: { 200: ok('The revoked key.', ref('ApiKey')), 404: errorResponse('Unknown key.'), ...commonErrors } },
    },
    '/admin/keys/{id}/rotate': { post: { operationId: 'rotateKey', tags: ['Admin'], summary: 'Issue a new secret for a key (returned once)', parameters: [idParam], responses: { 200: ok('The key, with its new secret.', ref('ApiKey')), 404: errorResponse('Unknown key.'), ...commonErrors } } },
    '/admin/prices': { get: { operationId: 'listPrices', tags: ['Admin'], summary: 'The price table in use', responses: { 200: ok('Prices per model.', { type: 'object' }), ...commonErrors } } },
    '/admin/requests/{request_id}': { get: { operationId: 'getRequest', tags: ['Admin'], summary: 'One call: every attempt, totals, and its bodies when the deployment stores them', parameters: [{ name: 'request_id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('The call.', { type: 'object' }), 404: errorResponse('Unknown request (or another team\'s).'), ...commonErrors } } },
    '/v1/prompts/{name}/access-requests': { post: { operationId: 'requestPromptAccess', tags: ['Prompt APIs'], summary: 'Ask for access to a prompt API this key may not call yet', parameters: [nameParam], requestBody: { required: false, content: json({ type: 'object', properties: { reason: { type: 'string', maxLength: 1000 } }, additionalProperties: false }) }, responses: { 201: ok('The access request.', ref('AccessRequest')), 404: errorResponse('Unknown prompt.'), 409: errorResponse('Already allowed, or already requested.'), ...commonErrors } } },
    '/v1/access-requests': { get: { operationId: 'listOwnAccessRequests', tags: ['Prompt APIs'], summary: 'The calling key\'s access requests', responses: { 200: ok('The requests.', { type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: ref('AccessRequest') } } }), ...commonErrors } } },
    '/admin/access-requests': { get: { operationId: 'listAccessRequests', tags: ['Admin'], summary: 'Access requests to decide (a team admin sees its team\'s)', parameters: ['status', 'team'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })), responses: { 200: ok('The requests.', { type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: ref('AccessRequest') } } }), ...commonErrors } } },
    '/admin/access-requests/{id}/approve': { post: { operationId: 'approveAccessRequest', tags: ['Admin'], summary: 'Approve: the prompt joins the key\'s prompts', parameters: [idParam], responses: { 200: ok('The decided request.', ref('AccessRequest')), 404: errorResponse('Unknown request.'), 409: errorResponse('Already decided.'), ...commonErrors } } },
    '/admin/access-requests/{id}/refuse': { post: { operationId: 'refuseAccessRequest', tags: ['Admin'], summary: 'Refuse, with an optional note the key holder sees', parameters: [idParam], requestBody: { required: false, content: json({ type: 'object', properties: { note: { type: 'string', maxLength: 1000 } }, additionalProperties: false }) }, responses: { 200: ok('The decided request.', ref('AccessRequest')), 404: errorResponse('Unknown request.'), 409: errorResponse('Already decided.'), ...commonErrors } } },
    '/admin/requests': { get: { operationId: 'listRequests', tags: ['Admin'], summary: 'The per-request log (paged, filterable)', parameters: ['key', 'team', 'route', 'model', 'status', 'from', 'to', 'cursor', 'limit'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })), responses: { 200: ok('Requests.', { type: 'object' }), ...commonErrors } } },
    '/health/targets': { get: { operationId: 'healthTargets', tags: ['Gateway'], summary: 'Each target\'s health and cooldown (admin key only)', responses: { 200: ok('The targets.', { type: 'object' }), ...commonErrors } } },
    '/metrics': { get: { operationId: 'metrics', tags: ['Gateway'], summary: 'Prometheus metrics (admin key or the metrics token)', responses: { 200: { description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } }, ...commonErrors } } },
    '/v1/ws': { get: { operationId: 'websocket', tags: ['Jobs'], summary: 'WebSocket: send chat or prompt calls, receive their chunks and results', responses: { 101: { description: 'Switching protocols.' }, ...commonErrors } } },
    '/admin/usage': { get: { operationId: 'usageReport', tags: ['Admin'], summary: 'Usage and cost report', parameters: ['from', 'to', 'group_by'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })), responses: { 200: ok('The report.', { type: 'object' }), ...commonErrors } } },
    '/openapi.json': { get: { operationId: 'openapi', tags: ['Gateway'], summary: 'This document', responses: { 200: ok('OpenAPI 3.1.', { type: 'object' }), ...commonErrors } } },
  }
}
