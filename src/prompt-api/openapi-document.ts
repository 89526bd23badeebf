import type { Principal } from '../app-env.js'
import type { PromptCatalog } from './catalog.js'
import { mayUsePrompt, versionPath } from './lifecycle.js'
import { commonErrors, coreSchemas, corePaths, type JsonObject } from './openapi-core.js'
import { responsesPaths, responsesSchemas } from '../dialects/openai-responses/openapi.js'
import type { PromptDefinition } from './prompt-file.js'

/**
 * The OpenAPI 3.1 document of the whole gateway, built on each request from the fixed surface and the
 * catalog: every published prompt API becomes its own operation (POST /v1/prompts/{its name}) with its
 * input schema as the request body and its output schema inside the result, and every served version
 * gets its own versioned operation (deprecated ones marked so). Nothing here is written per prompt.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const errorRef = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } })

/** A component name for a prompt version: `sentiment.v2.Input`. */
function componentName(prompt: PromptDefinition, part: 'Input' | 'Result'): string {
  return `${prompt.name}.v${prompt.version}.${part}`
}

function inputSchema(prompt: PromptDefinition): JsonObject {
  return { ...prompt.input, additionalProperties: prompt.input.additionalProperties ?? false }
}

function resultSchema(prompt: PromptDefinition): JsonObject {
  return {
    allOf: [ref('PromptResult')],
    type: 'object',
    properties: { output: prompt.output ?? { type: 'string' }, prompt: { const: prompt.name }, version: { const: prompt.version } },
  }
}

const streamDescription = [
  'With `Accept: text/event-stream`: `data: {"type":"delta","delta":"…"}` frames as text arrives, then one',
  '`data: {"type":"done", …}` frame with the same fields as the JSON answer, then `data: [DONE]`.',
  'An error after the stream began arrives as `data: {"error": {…}}`.',
].join(' ')

function operation(prompt: PromptDefinition, operationId: string, summary: string): JsonObject {
  const deprecated = prompt.status === 'deprecated'
  const notes = deprecated
    ? `\n\nDeprecated${prompt.sunset ? `; sunset ${prompt.sunset}` : ''}${prompt.successor !== undefined ? `; successor: version ${prompt.successor} (${versionPath(prompt.name, prompt.successor)})` : ''}.`
    : ''
  return {
    operationId,
    tags: [`Prompt: ${prompt.name}`],
    summary,
    description: `${prompt.description}${notes}`,
    ...(deprecated ? { deprecated: true } : {}),
    requestBody: { required: true, content: { 'application/json': { schema: ref(componentName(prompt, 'Input')) } } },
    responses: {
      200: {
        description: 'The answer.',
        content: {
          'application/json': { schema: ref(componentName(prompt, 'Result')) },
          'text/event-stream': { schema: { type: 'string', description: streamDescription } },
        },
      },
      400: errorRef('Invalid input: `error.fields` lists every invalid field.'),
      ...commonErrors,
      502: errorRef('The upstream failed, or its answer did not match the output schema twice.'),
    },
  }
}

const opSafe = (text: string) => text.replace(/[^A-Za-z0-9_]/g, '_')

export interface OpenApiOptions {
  catalog: PromptCatalog | undefined
  principal: Principal
}

export function buildOpenApiDocument(options: OpenApiOptions): JsonObject {
  const paths: Record<string, JsonObject> = { ...corePaths(), ...responsesPaths() }
  const schemas: Record<string, JsonObject> = { ...coreSchemas(), ...responsesSchemas() }
  const catalog = options.catalog
  const visible = (name: string) => mayUsePrompt(options.principal, name)

  for (const prompt of catalog?.served() ?? []) {
    if (!visible(prompt.name)) continue
    schemas[componentName(prompt, 'Input')] = inputSchema(prompt)
    schemas[componentName(prompt, 'Result')] = resultSchema(prompt)
    paths[versionPath(prompt.name, prompt.version)] = {
      post: operation(prompt, `prompt_${opSafe(prompt.name)}_v${opSafe(prompt.version)}`, `${prompt.name}, version ${prompt.version}`),
    }
  }
  for (const prompt of catalog?.published() ?? []) {
    if (!visible(prompt.name)) continue
    paths[`/v1/prompts/${prompt.name}`] = {
      ...paths[`/v1/prompts/${prompt.name}`],
      post: operation(prompt, `prompt_${opSafe(prompt.name)}`, `${prompt.name} (latest published: version ${prompt.version})`),
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Manifold',
      version: '1',
      description: 'One OpenAI-style API in front of every LLM provider, and prompt files published as REST endpoints. Every route except GET /health needs a key: `Authorization: Bearer <key>`.',
    },
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'OpenAI-compatible' }, { name: 'Prompt APIs' },
      ...(catalog?.published() ?? []).filter((p) => visible(p.name)).map((p) => ({ name: `Prompt: ${p.name}`, description: p.description })),
      { name: 'Jobs' }, { name: 'Admin', description: 'Admin key only.' }, { name: 'Gateway' },
    ],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A virtual key (mk-…) or the admin key.' } },
      schemas,
    },
  }
}
