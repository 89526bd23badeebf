import type { z } from 'zod'
import { invalidResponse } from './transport-errors.js'

/** What was wrong, for the error message: the first issue's path, never the body itself. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'unexpected shape'
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message
}

/**
 * `body` as `T` when it has the fields the gateway relies on, else a 502 upstream_invalid_response. The
 * schemas are loose: fields they do not name pass through untouched, and the original object is returned.
 */
export function checkShape<T>(schema: z.ZodType, provider: string, body: unknown, what = 'the body'): T {
  const result = schema.safeParse(body)
  if (result.success) return body as T
  const detail = typeof body === 'object' && body !== null ? firstIssue(result.error) : 'not a JSON object'
  throw invalidResponse(provider, `${what}: ${detail}`)
}
