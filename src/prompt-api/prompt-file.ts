import { parseDocument } from 'yaml'
import { z } from 'zod'
import { schemaProblems, type JsonSchema } from './json-schema.js'
import { parseBody, placeholdersOf, TemplateError, type MessageTemplate } from './template.js'

/** One version of one prompt API, as its file defines it. */
export interface PromptDefinition {
  name: string
  version: string
  status: PromptStatus
  description: string
  /** A model (`openai/gpt-4o-mini`), an alias, or a route name (fan-out routes included). */
  model: string
  /** Chat parameters sent with every call (temperature, max_tokens, …). */
  params: Record<string, unknown>
  input: JsonSchema
  output?: JsonSchema
  /** Date (YYYY-MM-DD) after which a deprecated version goes away: the Sunset header. */
  sunset?: string
  /** Date (YYYY-MM-DD) the version was deprecated: the Deprecation header. */
  deprecatedAt?: string
  /** The version that replaces a deprecated or retired one. */
  successor?: string
  messages: MessageTemplate[]
  /** Where it came from, for error messages (`prompts/sentiment.v1.md`). */
  file: string
}

export const promptStatuses = ['draft', 'published', 'deprecated', 'retired'] as const
export type PromptStatus = (typeof promptStatuses)[number]

/** A file that cannot be served; the message names the file and the problem. */
export class PromptFileError extends Error {
  override readonly name = 'PromptFileError'
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`)
  }
}

export const PROMPT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/
export const PROMPT_VERSION = /^\d{1,9}(\.\d{1,9}){0,2}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Parameters the gateway sets itself; a file may not override them. */
const RESERVED_PARAMS = ['model', 'messages', 'stream', 'stream_options', 'response_format', 'n']

/** `version: 2` in YAML is a number; `version: 1.10` would be the float 1.1, so only whole numbers pass unquoted. */
const versionField = z.union([
  z.number().int().nonnegative().transform(String),
  z.string().regex(PROMPT_VERSION, 'a version is digits and dots, such as 2 or "1.3"'),
], { error: 'a version is a whole number, or digits and dots in quotes such as "1.3"' })

const wholeNumber = (min: number) => z.number({ error: 'expected a number, such as 100 (is the line mis-indented?)' })
  .int('expected a whole number').min(min, `expected at least ${min}`)
const decimal = (min: number, max: number) => z.number({ error: `expected a number from ${min} to ${max} (is the line mis-indented?)` })
  .min(min, `expected at least ${min}`).max(max, `expected at most ${max}`)

/**
 * The chat parameters a prompt may fix, typed as OpenAI defines them, so that a mis-indented YAML line
 * (`max_tokens: 100 temperature: 0.5` read as one string) fails the load instead of reaching the upstream.
 * Parameters not listed pass through as written, for providers with extra ones.
 */
const paramsSchema = z.object({
  temperature: decimal(0, 2).optional(),
  top_p: decimal(0, 1).optional(),
  max_tokens: wholeNumber(1).optional(),
  max_completion_tokens: wholeNumber(1).optional(),
  presence_penalty: decimal(-2, 2).optional(),
  frequency_penalty: decimal(-2, 2).optional(),
  seed: wholeNumber(Number.MIN_SAFE_INTEGER).optional(),
  top_logprobs: wholeNumber(0).optional(),
  logprobs: z.boolean({ error: 'expected true or false' }).optional(),
  parallel_tool_calls: z.boolean({ error: 'expected true or false' }).optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)], { error: 'expected a string or a list of up to 4 strings' }).optional(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'], { error: 'expected none, minimal, low, medium, high, xhigh or max' }).optional(),
  user: z.string({ error: 'expected a string' }).optional(),
  logit_bias: z.record(z.string(), z.number(), { error: 'expected a map of token ids to numbers' }).optional(),
  metadata: z.record(z.string(), z.string(), { error: 'expected a map of strings' }).optional(),
  tools: z.array(z.record(z.string(), z.unknown()), { error: 'expected a list of tool definitions' }).optional(),
}).catchall(z.unknown())

const frontMatterSchema = z.object({
  name: z.string().regex(PROMPT_NAME, 'lower-case letters, digits, - and _ (up to 64), starting with a letter or digit'),
  version: versionField,
  status: z.enum(promptStatuses),
  description: z.string().min(1),
  model: z.string().min(1),
  params: paramsSchema.default({}),
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()).optional(),
  sunset: z.string().regex(DATE, 'a date such as 2026-12-31').optional(),
  deprecated_at: z.string().regex(DATE, 'a date such as 2026-06-30').optional(),
  successor: versionField.optional(),
}).strict()

function zodProblems(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'front matter'}: ${issue.message}`).join('; ')
}

/** Splits `---\nYAML\n---\nbody` and tells where the body starts. */
function splitFrontMatter(text: string): { yaml: string; body: string; bodyLine: number } {
  const lines = text.split('\n')
  if (lines[0]?.trim() !== '---') throw new Error('the file must start with a "---" line, then the YAML front matter, then "---"')
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---')
  if (end < 0) throw new Error('the front matter has no closing "---" line')
  return { yaml: lines.slice(1, end).join('\n'), body: lines.slice(end + 1).join('\n'), bodyLine: end + 2 }
}

function checkSchema(label: string, schema: Record<string, unknown>): JsonSchema {
  const problems = schemaProblems(schema)
  if (problems.length > 0) throw new Error(`invalid ${label} schema: ${problems.map((p) => `${label}.${p}`).join('; ')}`)
  return schema as JsonSchema
}

function checkInputSchema(schema: JsonSchema): void {
  if (schema.type !== 'object' || !schema.properties) {
    throw new Error('invalid input schema: input must be `type: object` with `properties` (one per variable)')
  }
}

/** Parses one prompt file; throws PromptFileError naming the file and the first problem found. */
export function parsePromptFile(file: string, rawText: string): PromptDefinition {
  try {
    const text = rawText.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
    const { yaml, body, bodyLine } = splitFrontMatter(text)
    // YAML 1.2 core schema: dates stay strings, and the alias limit stops "billion laughs" documents.
    const doc = parseDocument(yaml, { schema: 'core', prettyErrors: true, uniqueKeys: true })
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!
      // linePos counts from the first YAML line, which is the file's second line.
      const line = err.linePos?.[0]?.line
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
      throw new Error(`bad YAML in the front matter${line ? ` (line ${line + 1})` : ''}: ${message}`)
    }
    const parsed = frontMatterSchema.safeParse(doc.toJS({ maxAliasCount: 50 }))
    if (!parsed.success) throw new Error(`invalid front matter: ${zodProblems(parsed.error)}`)
    const meta = parsed.data

    for (const key of Object.keys(meta.params)) {
      if (RESERVED_PARAMS.includes(key)) throw new Error(`params.${key}: set by the gateway, not by the prompt file`)
    }
    const input = checkSchema('input', meta.input)
    checkInputSchema(input)
    const output = meta.output ? checkSchema('output', meta.output) : undefined

    let messages: MessageTemplate[]
    try {
      messages = parseBody(body, bodyLine)
    } catch (err) {
      if (err instanceof TemplateError) throw new Error(`template: ${err.message}`)
      throw err
    }
    const declared = input.properties!
    const undeclared = placeholdersOf(messages).filter((name) => !Object.hasOwn(declared, name))
    if (undeclared.length > 0) {
      throw new Error(`template uses undeclared variable${undeclared.length > 1 ? 's' : ''} ${undeclared.map((n) => `{{${n}}}`).join(', ')}; declare ${undeclared.length > 1 ? 'them' : 'it'} under input.properties`)
    }
    if (meta.successor !== undefined && meta.successor === meta.version) throw new Error('successor: a version cannot succeed itself')

    return {
      name: meta.name,
      version: meta.version,
      status: meta.status,
      description: meta.description,
      model: meta.model,
      params: meta.params,
      input,
      output,
      sunset: meta.sunset,
      deprecatedAt: meta.deprecated_at,
      successor: meta.successor,
      messages,
      file,
    }
  } catch (err) {
    throw new PromptFileError(file, err instanceof Error ? err.message : String(err))
  }
}
