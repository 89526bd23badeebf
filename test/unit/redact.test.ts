import { describe, expect, it } from 'vitest'
import { createRedactor, REDACTED } from '../../src/security/redact.js'

const key = 'sk-proj-Zq81mWx0pLr7TyVb2NcKd4HsF6gJ9eUa'
const redactor = createRedactor([key, 'ollama'])

describe('redactor', () => {
  it('removes a configured key quoted whole', () => {
    expect(redactor.redact(`Invalid key ${key}. Try again.`)).toBe(`Invalid key ${REDACTED}. Try again.`)
  })

  it("removes OpenAI's elided form and every fragment of the key", () => {
    const out = redactor.redact('Incorrect API key provided: sk-proj-********************gJ9eUa. You can find your API key at https://platform.openai.com/account/api-keys.')
    expect(out).toBe(`Incorrect API key provided: ${REDACTED} You can find your API key at https://platform.openai.com/account/api-keys.`)
  })

  it('removes a bare fragment of 8 characters or more of a configured key', () => {
    expect(redactor.redact('key ending in Kd4HsF6gJ9eUa was refused')).toBe(`key ending in ${REDACTED} was refused`)
    expect(redactor.redact('prefix Zq81mWx0... elided')).toBe(`prefix ${REDACTED} elided`)
  })

  it('removes key-shaped tokens that are not configured', () => {
    expect(redactor.redact('Anthropic key sk-ant-api03-abcdefgh is bad')).toBe(`Anthropic key ${REDACTED} is bad`)
    expect(redactor.redact('API key not valid: AIzaSyDxxxxxxxxxxxxxxxx12')).toBe(`API key not valid: ${REDACTED}`)
    expect(redactor.redact('gateway key mk-live-0123456789abcdef leaked')).toBe(`gateway key ${REDACTED} leaked`)
    expect(redactor.redact('Authorization: Bearer eyJhbGciOi.payload.sig was rejected')).toBe(`Authorization: Bearer ${REDACTED} was rejected`)
    expect(redactor.redact('secret 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 seen')).toBe(`secret ${REDACTED} seen`)
    expect(redactor.redact('token QWxhZGRpbjpvcGVuIHNlc2FtZQ0123456789AbCdEfGhIjKlMnOp== end')).toBe(`token ${REDACTED} end`)
  })

  it('does not take words out of messages because a key is made of words', () => {
    const wordy = createRedactor(['sk-upstream-secret'])
    expect(wordy.redact('upstream says 503; the secret is sk-upstream-secret')).toBe(`upstream says 503; the secret is ${REDACTED}`)
  })

  it('leaves ordinary error text alone, and short configured keys are not hunted', () => {
    const text = 'The model `gpt-4o-mini-2024-07-18` does not exist on ollama; see https://docs.example.com/errors.'
    expect(redactor.redact(text)).toBe(text)
  })
})
