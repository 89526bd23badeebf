import { GatewayError, type OpenAIErrorBody } from '../errors.js'
import { validateValue, withDefaults, type SchemaProblem } from './json-schema.js'
import type { PromptDefinition } from './prompt-file.js'

/**
 * A 400 that names every invalid field: in the message, and as `error.fields` beside OpenAI's usual
 * members (clients that know only OpenAI's shape still read message, type, param and code).
 */
export class PromptInputError extends GatewayError {
  constructor(readonly fields: SchemaProblem[], prompt: PromptDefinition) {
    const list = fields.map((p) => `${p.field || 'body'}: ${p.message}`).join('; ')
    super(400, `Invalid input for ${prompt.name} v${prompt.version}: ${list}.`, {
      type: 'invalid_request_error', code: 'invalid_prompt_input', param: fields[0]?.field || null,
    })
  }

  override toJSON(): OpenAIErrorBody {
    const body = super.toJSON()
    return { error: { ...body.error, fields: this.fields } } as OpenAIErrorBody
  }
}

/**
 * The variables of one call, checked against the prompt's input schema with defaults filled in. Extra
 * top-level fields are refused unless the schema says `additionalProperties: true`, so a misspelt
 * variable is a 400 rather than a silently empty slot.
 */
export function promptVariables(prompt: PromptDefinition, body: unknown): Map<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PromptInputError([{ field: '', message: 'must be a JSON object of the prompt\'s variables' }], prompt)
  }
  const schema = { ...prompt.input, additionalProperties: prompt.input.additionalProperties ?? false }
  const filled = withDefaults(schema, body) as Record<string, unknown>
  const problems = validateValue(schema, filled)
  if (problems.length > 0) throw new PromptInputError(problems, prompt)
  return new Map(Object.entries(filled))
}
