import type { FunctionCall, PartialArg } from '@google/genai'

/**
 * Gemini 3 can stream one function call over several parts (`streamFunctionCallArguments`): a part with the
 * name and `willContinue`, parts with `partialArgs` (a JSON path and a value, strings possibly in pieces),
 * and an empty `functionCall: {}` that closes it. This rebuilds the whole arguments object so the call can
 * leave as one OpenAI tool-call chunk, like every other Gemini call.
 */
export class PartialFunctionCall {
  readonly name: string
  readonly thoughtSignature?: string
  private readonly args: Record<string, unknown> = {}
  /** Paths whose last string piece said more follows. */
  private readonly openStrings = new Set<string>()

  constructor(name: string, thoughtSignature?: string) {
    this.name = name
    this.thoughtSignature = thoughtSignature
  }

  add(partial: PartialArg): void {
    if (!partial.jsonPath) return
    const path = parseJsonPath(partial.jsonPath)
    if (!path) return
    let value: unknown
    if (partial.stringValue !== undefined) {
      const previous = this.openStrings.has(partial.jsonPath) ? getAt(this.args, path) : undefined
      value = (typeof previous === 'string' ? previous : '') + partial.stringValue
      if (partial.willContinue) this.openStrings.add(partial.jsonPath)
      else this.openStrings.delete(partial.jsonPath)
    } else if (partial.numberValue !== undefined) value = partial.numberValue
    else if (partial.boolValue !== undefined) value = partial.boolValue
    else if (partial.nullValue !== undefined) value = null
    else return
    setAt(this.args, path, value)
  }

  toFunctionCall(): FunctionCall {
    return { name: this.name, args: this.args }
  }
}

type Segment = string | number

/** `$.a.b[0]['c d']` → ['a', 'b', 0, 'c d']; undefined for anything it cannot read. */
export function parseJsonPath(path: string): Segment[] | undefined {
  if (!path.startsWith('$')) return undefined
  const segments: Segment[] = []
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y
  pattern.lastIndex = 1
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path)
    if (!match) return undefined
    if (match[1] !== undefined) segments.push(match[1])
    else if (match[2] !== undefined) segments.push(Number(match[2]))
    else segments.push((match[3] ?? match[4] ?? '').replace(/\\(.)/g, '$1'))
  }
  // Keys that would reach Object.prototype are refused rather than written.
  if (segments.some((s) => s === '__proto__' || s === 'constructor' || s === 'prototype')) return undefined
  return segments.length > 0 ? segments : undefined
}

function getAt(root: Record<string, unknown>, path: Segment[]): unknown {
  let node: unknown = root
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined
    node = (node as Record<string | number, unknown>)[key]
  }
  return node
}

function setAt(root: Record<string, unknown>, path: Segment[], value: unknown): void {
  let node: Record<string | number, unknown> = root
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value
      return
    }
    const nextKey = path[i + 1]
    const existing = node[key]
    if (typeof existing !== 'object' || existing === null) node[key] = typeof nextKey === 'number' ? [] : {}
    node = node[key] as Record<string | number, unknown>
  })
}
