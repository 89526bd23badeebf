import type { ChatCompletionMessageParam } from 'openai/resources'

/**
 * A prompt body: messages by role, each started by a line that is exactly `# system`, `# user` or
 * `# assistant`; every other line (other markdown headings included) is content. Placeholders are
 * `{{name}}` (spaces inside the braces allowed) and nothing else: no helpers, no paths, no code.
 *
 * Parsing splits each message into literal text and variable slots once, when the file loads; rendering
 * only joins the slots with the values. A value is never scanned again, so a value that contains
 * `{{other}}` or `${x}` arrives in the message exactly as sent.
 */

export type MessageRole = 'system' | 'user' | 'assistant'

export type TemplatePart = { text: string } | { variable: string }

export interface MessageTemplate {
  role: MessageRole
  parts: TemplatePart[]
}

const ROLE_LINE = /^#[ \t]+(system|user|assistant)[ \t]*$/
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Thrown while parsing a body; the loader adds the file name. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError'
}

function splitPlaceholders(content: string, line: (index: number) => number): TemplatePart[] {
  const parts: TemplatePart[] = []
  let last = 0
  for (const match of content.matchAll(PLACEHOLDER)) {
    const name = match[1]!.trim()
    if (!VARIABLE_NAME.test(name)) {
      throw new TemplateError(`line ${line(match.index)}: "${match[0]}" is not a placeholder; placeholders are {{name}} with a declared variable name (letters, digits, _)`)
    }
    if (match.index > last) parts.push({ text: content.slice(last, match.index) })
    parts.push({ variable: name })
    last = match.index + match[0].length
  }
  if (last < content.length) parts.push({ text: content.slice(last) })
  for (const part of parts) {
    // A lone `}}` is ordinary text (nested JSON in a few-shot answer); a lone `{{` is a broken placeholder.
    if ('text' in part && part.text.includes('{{')) {
      throw new TemplateError(`line ${line(content.indexOf('{{', content.indexOf(part.text)))}: "{{" without a closing "}}"; placeholders are {{name}}`)
    }
  }
  return parts
}

/** Splits a body into messages; `firstLine` is the body's line number in the file, for messages. */
export function parseBody(body: string, firstLine = 1): MessageTemplate[] {
  const lines = body.split('\n')
  const messages: MessageTemplate[] = []
  let current: { role: MessageRole; roleLine: number; start: number; lines: string[] } | undefined

  const flush = () => {
    if (!current) return
    // Blank lines around a message are layout, not content.
    while (current.lines.length > 0 && current.lines[0]!.trim() === '') { current.lines.shift(); current.start++ }
    while (current.lines.length > 0 && current.lines.at(-1)!.trim() === '') current.lines.pop()
    const content = current.lines.join('\n')
    if (content === '') throw new TemplateError(`line ${current.roleLine}: the "# ${current.role}" message is empty`)
    const start = current.start
    const lineOf = (index: number) => start + content.slice(0, index).split('\n').length - 1
    messages.push({ role: current.role, parts: splitPlaceholders(content, lineOf) })
  }

  lines.forEach((line, i) => {
    const role = ROLE_LINE.exec(line)?.[1] as MessageRole | undefined
    if (role) {
      flush()
      current = { role, roleLine: firstLine + i, start: firstLine + i + 1, lines: [] }
    } else if (current) {
      current.lines.push(line)
    } else if (line.trim() !== '') {
      throw new TemplateError(`line ${firstLine + i}: text before the first message; start each message with a line "# system", "# user" or "# assistant"`)
    }
  })
  flush()
  if (messages.length === 0) throw new TemplateError('the body has no messages; start each with a line "# system", "# user" or "# assistant"')
  if (messages.at(-1)!.role === 'assistant') throw new TemplateError('the last message is "# assistant"; a prompt ends with the message the model answers (# user)')
  return messages
}

/** The variable names a body uses, in order of first use. */
export function placeholdersOf(messages: readonly MessageTemplate[]): string[] {
  const seen = new Set<string>()
  for (const message of messages) for (const part of message.parts) if ('variable' in part) seen.add(part.variable)
  return [...seen]
}

/** How a value appears in text: strings as they are, other JSON values as JSON, absent values as nothing. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

/** One pass: literal parts as written, each slot replaced by its variable's value from the map. */
export function renderMessages(messages: readonly MessageTemplate[], variables: ReadonlyMap<string, unknown>): ChatCompletionMessageParam[] {
  return messages.map((message) => ({
    role: message.role,
    content: message.parts.map((part) => ('text' in part ? part.text : asText(variables.get(part.variable)))).join(''),
  }))
}
