/**
 * Removes secrets from text an upstream wrote (error messages), before it reaches a client, a log line or
 * a database row. Two passes: the gateway's own provider keys, whole or quoted in part, and anything shaped
 * like a credential whoever it belongs to.
 */

export const REDACTED = '[redacted]'

/** A fragment this long of a configured key is enough to say the key was quoted. */
const FRAGMENT_CHARS = 8

/** A configured key shorter than this ("ollama", "none") is not a secret worth hunting for. */
const MIN_SECRET_CHARS = 8

/** A run of characters a key (or a key with its middle elided: `sk-abc***xyz`, `sk-abc...xyz`) is made of. */
const TOKEN_RUN = /[A-Za-z0-9_\-+/=*.…]+/g

/** Credential shapes, configured or not: OpenAI and Anthropic (`sk-`, `sk-ant-`, `sk-proj-`), Google (`AIza`), Manifold (`mk-`). */
const KEY_SHAPES: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_\-*.…]{4,}/g,
  /\bmk-[A-Za-z0-9_\-*.…]{8,}/g,
  /\bAIza[A-Za-z0-9_\-*.…]{8,}/g,
  /\b[0-9a-fA-F]{32,}\b/g,
]

/** `Bearer <token>`, `Basic <token>`: the scheme stays, the credential goes. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/\-=*…]{8,}/gi

/** A long base64 or base64url run with letters and digits in it: a secret more often than not. */
const LONG_OPAQUE = /[A-Za-z0-9+/_-]{40,}={0,2}/g

export interface Redactor {
  redact(text: string): string
}

function fragmentsOf(secrets: readonly string[]): Set<string> {
  const fragments = new Set<string>()
  for (const secret of secrets) {
    for (let i = 0; i + FRAGMENT_CHARS <= secret.length; i++) fragments.add(secret.slice(i, i + FRAGMENT_CHARS))
  }
  return fragments
}

function quotesFragment(token: string, fragments: ReadonlySet<string>): boolean {
  for (let i = 0; i + FRAGMENT_CHARS <= token.length; i++) {
    if (fragments.has(token.slice(i, i + FRAGMENT_CHARS))) return true
  }
  return false
}

/**
 * A token that shares a fragment with a key is taken for a quote of it only when it does not read as a word:
 * it has digits, mixed case or an elision. A key made of words ("sk-upstream-secret") must not take the word
 * "upstream" out of every message.
 */
function readsAsSecret(token: string): boolean {
  return /[0-9*…]|\.\.\./.test(token) || (/[a-z]/.test(token) && /[A-Z]/.test(token.slice(1)))
}

function looksOpaque(run: string): boolean {
  return /[0-9]/.test(run) && /[A-Za-z]/.test(run)
}

/** A redactor that knows the gateway's provider keys (passed in from the provider configuration). */
export function createRedactor(secrets: Iterable<string>): Redactor {
  const known = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_CHARS).sort((a, b) => b.length - a.length)
  const fragments = fragmentsOf(known)

  return {
    redact(text: string): string {
      let out = text
      for (const secret of known) out = out.split(secret).join(REDACTED)
      if (fragments.size > 0) out = out.replace(TOKEN_RUN, (token) => (quotesFragment(token, fragments) && readsAsSecret(token) ? REDACTED : token))
      out = out.replace(AUTH_SCHEME, (_match, scheme: string) => `${scheme} ${REDACTED}`)
      for (const shape of KEY_SHAPES) out = out.replace(shape, REDACTED)
      return out.replace(LONG_OPAQUE, (run) => (looksOpaque(run) ? REDACTED : run))
    },
  }
}

/**
 * `json` (an event as the upstream wrote it) with each of `messages` replaced by its redaction where that
 * differs. Only the messages change: ids, signatures and encrypted content stay byte for byte, which
 * redacting the whole text would not leave alone (they look like credentials).
 */
export function redactMessagesIn(json: string, messages: readonly unknown[], redactor: Redactor): string {
  let out = json
  for (const message of messages) {
    if (typeof message !== 'string') continue
    const clean = redactor.redact(message)
    if (clean !== message) out = out.split(JSON.stringify(message).slice(1, -1)).join(JSON.stringify(clean).slice(1, -1))
  }
  return out
}
