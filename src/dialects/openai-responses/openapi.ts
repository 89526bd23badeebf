import { z } from 'zod'
import { commonErrors, type JsonObject } from '../../prompt-api/openapi-core.js'
import { responsesRequestSchema } from './request.js'

const json = (schema: JsonObject) => ({ 'application/json': { schema } })
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const failure = (description: string) => ({ description, content: json(ref('Error')) })
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } }

/** The Responses API's schemas for the OpenAPI document. */
export function responsesSchemas(): Record<string, JsonObject> {
  const { $schema: _dropped, ...request } = z.toJSONSchema(responsesRequestSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonObject
  return {
    ResponseRequest: request,
    Response: {
      type: 'object',
      description: 'OpenAI\'s Response object, whichever backend answered.',
      required: ['id', 'object', 'created_at', 'status', 'model', 'output'],
      properties: {
        id: { type: 'string' }, object: { const: 'response' }, created_at: { type: 'integer' },
        status: { enum: ['completed', 'incomplete', 'failed', 'in_progress'] }, model: { type: 'string' },
        output: { type: 'array', items: { type: 'object' } }, usage: { type: ['object', 'null'] },
      },
    },
  }
}

/** The Responses API's operations: create, read, list input items, delete. */
export function responsesPaths(): Record<string, JsonObject> {
  return {
    '/v1/responses': {
      post: {
        operationId: 'createResponse', tags: ['OpenAI-compatible'], summary: 'OpenAI Responses API through any provider, alias or route',
        parameters: [
          { name: 'Prefer', in: 'header', required: false, schema: { type: 'string' }, description: '`respond-async` queues the call as a job (non-streaming only).' },
          { name: 'x-manifold-route', in: 'header', required: false, schema: { type: 'string' }, description: 'A route as JSON, chosen per request (not `all`).' },
        ],
        requestBody: { required: true, content: json(ref('ResponseRequest')) },
        responses: {
          200: { description: 'The Response, or its typed events when `stream` is true.', content: { ...json(ref('Response')), 'text/event-stream': { schema: { type: 'string', description: 'Server-sent events, each with an `event:` line and its JSON (`type`, `sequence_number`).' } } } },
          202: { description: 'Queued as a job.', content: json(ref('Job')) }, 400: failure('Invalid request.'), 404: failure('Unknown model or previous response.'), ...commonErrors, 502: failure('The upstream failed.'),
        },
      },
    },
    '/v1/responses/{id}': {
      get: { operationId: 'getResponse', tags: ['OpenAI-compatible'], summary: 'A Response this key stored', parameters: [idParam], responses: { 200: { description: 'The Response.', content: json(ref('Response')) }, 404: failure('Unknown, expired, or another key\'s.'), ...commonErrors } },
      delete: { operationId: 'deleteResponse', tags: ['OpenAI-compatible'], summary: 'Delete a Response this key stored', parameters: [idParam], responses: { 200: { description: 'Deleted.', content: json({ type: 'object' }) }, 404: failure('Unknown, expired, or another key\'s.'), ...commonErrors } },
    },
    '/v1/responses/{id}/input_items': {
      get: { operationId: 'listResponseInputItems', tags: ['OpenAI-compatible'], summary: 'The input a stored Response answered', parameters: [idParam, { name: 'order', in: 'query', required: false, schema: { enum: ['asc', 'desc'] } }], responses: { 200: { description: 'The items.', content: json({ type: 'object' }) }, 404: failure('Unknown, expired, or another key\'s.'), ...commonErrors } },
    },
  }
}
