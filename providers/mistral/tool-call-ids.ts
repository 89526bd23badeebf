/** Mistral accepts only tool-call ids of exactly nine letters and digits. */
const MISTRAL_ID = /^[A-Za-z0-9]{9}$/
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** FNV-1a over UTF-16 code units; two offset bases give two independent 32-bit hashes. */
function fnv1a(text: string, offset: number): number {
  let hash = offset >>> 0
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

function base62(value: number, digits: number): string {
  let out = ''
  let rest = value
  for (let i = 0; i < digits; i++) {
    out = ALPHABET[rest % 62]! + out
    rest = Math.floor(rest / 62)
  }
  return out
}

/** A nine-character id derived from `id` alone, so every turn of a conversation maps it the same way. */
export function mistralToolCallId(id: string, salt = 0): string {
  const source = salt === 0 ? id : `${id}#${salt}`
  return base62(fnv1a(source, 0x811c9dc5) % 62 ** 5, 5) + base62(fnv1a(source, 0x01000193 ^ 0x5bd1e995) % 62 ** 4, 4)
}

/**
 * The ids of one request: OpenAI-style ids (`call_abc…`) become Mistral ids deterministically (ids Mistral
 * issued pass unchanged), and any id Mistral echoes back maps to the caller's original.
 */
export class ToolCallIdMap {
  private readonly toMistralIds = new Map<string, string>()
  private readonly toOpenAIIds = new Map<string, string>()

  toMistral(id: string): string {
    const known = this.toMistralIds.get(id)
    if (known) return known
    let mapped = MISTRAL_ID.test(id) ? id : mistralToolCallId(id)
    // Two different ids of one conversation hashing alike: salt until unique (bounded, deterministic).
    for (let salt = 1; this.toOpenAIIds.has(mapped) && this.toOpenAIIds.get(mapped) !== id && salt < 100; salt++) {
      mapped = mistralToolCallId(id, salt)
    }
    this.toMistralIds.set(id, mapped)
    this.toOpenAIIds.set(mapped, id)
    return mapped
  }

  toOpenAI(id: string): string {
    return this.toOpenAIIds.get(id) ?? id
  }
}
