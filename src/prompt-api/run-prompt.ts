import type { CompletionUsage } from 'openai/resources'
import type { ChatCompletion, ChatCompletionChunk } from '../../providers/index.js'
import type { AppDeps } from '../deps.js'
import { GatewayError } from '../errors.js'
import { picoToUsd } from '../metering/cost.js'
import type { CallMeta } from '../routing/call-meta.js'
import { dispatchChat } from '../routing/dispatch.js'
import { chatBodyFor } from './chat-body.js'
import { validateValue } from './json-schema.js'
import type { PromptDefinition } from './prompt-file.js'

/** What POST /v1/prompts/{name} answers (and the final stream frame carries). */
export interface PromptCallResult {
  id: string
  prompt: string
  version: string
  /** The model that answered, as the gateway names it (`openai/gpt-4o-mini`). */
  model: string
  /** The text, or the parsed and validated object when the prompt declares an output schema. */
  output: unknown
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
  /** Null when a model's price is unknown. */
  cost_usd: number | null
  /** A fan-out route (`all`) answers once per target: every answer, in target order (`output` is the first). */
  outputs?: Array<{ target: string | null; output: unknown }>
}

export interface PromptCall {
  deps: AppDeps
  prompt: PromptDefinition
  variables: ReadonlyMap<string, unknown>
  meta: Omit<CallMeta, 'prompt'>
}

type Usage = PromptCallResult['usage']

const noUsage = (): Usage => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 })

function addUsage(total: Usage, usage: CompletionUsage | null | undefined): void {
  if (!usage) return
  total.prompt_tokens += usage.prompt_tokens ?? 0
  total.completion_tokens += usage.completion_tokens ?? 0
  total.total_tokens += usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0)
}

/** Why an answer does not fit the output schema, or undefined when it does (then `value` is the parsed object). */
export function checkStructuredAnswer(prompt: PromptDefinition, text: string): { value: unknown; problem?: undefined } | { value?: undefined; problem: string } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { problem: 'the answer is not valid JSON' }
  }
  const problems = validateValue(prompt.output!, value)
  if (problems.length === 0) return { value }
  return { problem: problems.map((p) => `${p.field || '(root)'}: ${p.message}`).join('; ') }
}

export function invalidOutputError(prompt: PromptDefinition, problem: string, attempts: number): GatewayError {
  return new GatewayError(502, `The model's answer did not match the output schema of ${prompt.name} v${prompt.version}${attempts > 1 ? ` (${attempts} attempts)` : ''}: ${problem}.`, {
    type: 'upstream_error', code: 'invalid_model_output',
  })
}

function refusalError(prompt: PromptDefinition, refusal: string): GatewayError {
  return new GatewayError(502, `The model refused to answer ${prompt.name} v${prompt.version}: ${refusal}`, { type: 'upstream_error', code: 'model_refusal' })
}

type Answers = { outputs: Array<{ target: string | null; output: unknown }>; problem?: undefined } | { outputs?: undefined; problem: string }

/** Each choice's answer (one per target of a fan-out route), parsed and checked when there is an output schema. */
function answersOf(completion: ChatCompletion, prompt: PromptDefinition): Answers {
  const outputs: Array<{ target: string | null; output: unknown }> = []
  const choices = completion.choices.length > 0 ? completion.choices : [undefined]
  for (const choice of choices) {
    const message = choice?.message
    if (message?.refusal) throw refusalError(prompt, message.refusal)
    const target = (choice as { manifold_target?: string } | undefined)?.manifold_target ?? null
    const text = message?.content ?? ''
    if (!prompt.output) {
      outputs.push({ target, output: text })
      continue
    }
    const checked = checkStructuredAnswer(prompt, text)
    if (checked.problem !== undefined) return { problem: target && choices.length > 1 ? `${target}: ${checked.problem}` : checked.problem }
    outputs.push({ target, output: checked.value })
  }
  return { outputs }
}

export function modelOf(headers: Record<string, string>, fallback: string): string {
  return headers['x-manifold-target'] ?? fallback
}

/**
 * Calls a prompt and waits for the whole answer. With an output schema, an answer that is not valid
 * JSON or does not match is asked for once more (each attempt is metered); a second miss is a 502
 * saying what was wrong. Usage and cost add up every call made.
 */
export async function runPrompt(call: PromptCall): Promise<{ result: PromptCallResult; headers: Record<string, string> }> {
  const { deps, prompt, variables } = call
  const meta: CallMeta = { ...call.meta, prompt: { name: prompt.name, version: prompt.version } }
  const body = chatBodyFor(prompt, variables, false)
  const usage = noUsage()
  let costPico: number | null = 0
  const attempts = prompt.output ? 2 : 1
  let lastProblem = ''
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const result = await dispatchChat(deps, body, meta)
    if (result.kind !== 'json') throw new GatewayError(500, 'The route answered a non-streaming call with a stream.', { type: 'server_error', code: 'internal_error' })
    addUsage(usage, result.body.usage)
    costPico = costPico === null || result.costPicoUsd === null ? null : costPico + result.costPicoUsd
    const answers = answersOf(result.body, prompt)
    if (answers.problem !== undefined) {
      lastProblem = answers.problem
      continue
    }
    return {
      headers: result.headers,
      result: {
        id: meta.requestId,
        prompt: prompt.name,
        version: prompt.version,
        model: modelOf(result.headers, result.body.model),
        output: answers.outputs[0]!.output,
        usage,
        cost_usd: costPico === null ? null : picoToUsd(costPico),
        ...(answers.outputs.length > 1 ? { outputs: answers.outputs } : {}),
      },
    }
  }
  throw invalidOutputError(prompt, lastProblem, attempts)
}

/**
 * One frame of a prompt stream: a piece of text, then one `done` frame with the whole result. Through a
 * fan-out route, the text of the second and later targets carries their `index`.
 */
export type PromptStreamEvent = { type: 'delta'; delta: string; index?: number } | ({ type: 'done' } & PromptCallResult)

/**
 * Calls a prompt as a stream. Text arrives as `delta` frames; the last frame is `done` with the same
 * fields as the JSON answer (output parsed when there is an output schema). Text already sent cannot
 * be taken back, so a structured answer that fails validation ends the stream with an error frame
 * instead of being retried.
 */
export async function streamPrompt(call: PromptCall): Promise<{ events: AsyncIterable<PromptStreamEvent>; headers: Record<string, string> }> {
  const { deps, prompt, variables } = call
  const meta: CallMeta = { ...call.meta, prompt: { name: prompt.name, version: prompt.version } }
  const result = await dispatchChat(deps, chatBodyFor(prompt, variables, true), meta)
  if (result.kind !== 'stream') throw new GatewayError(500, 'The route answered a streaming call without a stream.', { type: 'server_error', code: 'internal_error' })

  async function* events(chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<PromptStreamEvent> {
    const texts: string[] = []
    const targets: Array<string | null> = []
    const failed = new Set<number>()
    let upstreamModel = ''
    const usage = noUsage()
    let costUsd: number | null = null
    for await (const chunk of chunks) {
      upstreamModel ||= chunk.model
      if (chunk.usage) {
        addUsage(usage, chunk.usage)
        const cost = (chunk.usage as { cost_usd?: number | null }).cost_usd
        costUsd = cost ?? null
      }
      for (const choice of chunk.choices) {
        targets[choice.index] ??= (choice as { manifold_target?: string }).manifold_target ?? null
        texts[choice.index] ??= ''
        // A fan-out target that failed mid-stream ends its choice with finish_reason "error".
        if ((choice.finish_reason as string | null) === 'error') failed.add(choice.index)
        const delta = choice.delta.content
        if (!delta) continue
        texts[choice.index] += delta
        yield choice.index === 0 ? { type: 'delta', delta } : { type: 'delta', index: choice.index, delta }
      }
    }
    const outputs: Array<{ target: string | null; output: unknown }> = []
    for (let i = 0; i < Math.max(1, texts.length); i++) {
      const text = texts[i] ?? ''
      const target = targets[i] ?? null
      if (failed.has(i)) {
        outputs.push({ target, output: null })
        continue
      }
      if (!prompt.output) {
        outputs.push({ target, output: text })
        continue
      }
      const checked = checkStructuredAnswer(prompt, text)
      if (checked.problem !== undefined) throw invalidOutputError(prompt, texts.length > 1 && target ? `${target}: ${checked.problem}` : checked.problem, 1)
      outputs.push({ target, output: checked.value })
    }
    yield {
      type: 'done', id: meta.requestId, prompt: prompt.name, version: prompt.version,
      model: modelOf(result.headers, upstreamModel), output: outputs[0]!.output, usage, cost_usd: costUsd,
      ...(outputs.length > 1 ? { outputs } : {}),
    }
  }

  return { events: events(result.chunks), headers: result.headers }
}
