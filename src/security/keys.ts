/** Virtual keys: `mk-` + 32 random bytes (base64url); only a SHA-256 hash and a display prefix are stored. */

const KEY_PREFIX = 'mk-'

function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)))
}

export function generateSecretKey(): string {
  return KEY_PREFIX + randomToken(32)
}

/** A non-secret id such as `key_5Nf0…` (16 random bytes). */
export function generateId(prefix: string): string {
  return `${prefix}_${randomToken(16)}`
}

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export async function hashKey(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)))
  let out = ''
  for (const byte of digest) out += hex[byte]
  return out
}

/** `mk-AbCd…` : enough to tell keys apart in a list, too little to guess one. */
export function displayPrefix(secret: string): string {
  return `${secret.slice(0, 7)}…`
}

/** Compares two strings in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
