import type { ChatCompletionCreateParams } from 'openai/resources'
import type { JsonSchema } from './json-schema.js'
import type { PromptDefinition } from './prompt-file.js'
import { renderMessages } from './template.js'

/**
 * OpenAI's strict structured output needs every object closed (additionalProperties: false) with every
 * property required; a schema that is not written that way is sent non-strict, and the gateway's own
 * validation of the answer still holds it to the schema.
 */
export function isStrictCompatible(schema: JsonSchema): boolean {
  if (schema.properties) {
    if (schema.additionalProperties !== false) return false
    const required = new Set(schema.required ?? [])
    for (const [name, sub] of Object.entries(schema.properties)) if (!required.has(name) || !isStrictCompatible(sub)) return false
  }
  return schema.items ? isStrictCompatible(schema.items) : true
}

/** A name OpenAI accepts for json_schema.name (letters, digits, _ and -, up to 64). */
function schemaName(prompt: PromptDefinition): string {
  return prompt.name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64)
}

/** The chat request one prompt call sends: rendered messages, the file's params, structured output when declared. */
export function chatBodyFor(prompt: PromptDefinition, variables: ReadonlyMap<string, unknown>, stream: boolean): ChatCompletionCreateParams {
  const body: Record<string, unknown> = {
    ...prompt.params,
    model: prompt.model,
    messages: renderMessages(prompt.messages, variables),
  }
  if (prompt.output) {
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: schemaName(prompt), schema: prompt.output, strict: isStrictCompatible(prompt.output) },
    }
  }
  if (stream) {
    body.stream = true
    body.stream_options = { include_usage: true }
  }
  return body as unknown as ChatCompletionCreateParams
}
