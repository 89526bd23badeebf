import type { Context } from 'hono'
import { invalidRequest } from '../errors.js'

/**
 * Deepest nesting of objects and arrays a JSON body may have. Real requests stay under ten levels (a tool
 * schema or a metadata object is the deepest); code that walks a value recursively (validation, request
 * translation, JSON.stringify in an SDK) can overflow the stack on thousands of levels.
 */
export const MAX_JSON_DEPTH = 64

const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b
const CLOSE_OBJECT = 0x7d
const CLOSE_ARRAY = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/** Whether JSON text nests objects and arrays deeper than `limit`: one pass, no recursion, brackets inside strings skipped. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === BACKSLASH) i++
      else if (ch === QUOTE) inString = false
    } else if (ch === QUOTE) {
      inString = true
    } else if (ch === OPEN_OBJECT || ch === OPEN_ARRAY) {
      if (++depth > limit) return true
    } else if (ch === CLOSE_OBJECT || ch === CLOSE_ARRAY) {
      depth--
    }
  }
  return false
}

/** Parses JSON text a client sent; invalid or too deeply nested text is a 400 `invalid_request_error`. */
export function parseClientJson(text: string, what = 'request body'): unknown {
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw invalidRequest(`The ${what} nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`, null, 'json_too_deep')
  }
  try {
    return JSON.parse(text)
  } catch {
    throw invalidRequest(`We could not parse the JSON ${what}. Send valid JSON with Content-Type: application/json.`, null, 'invalid_json')
  }
}

/** Reads the request body as JSON once; a body that is not JSON is a 400, not a 500. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.length === 0) throw invalidRequest('The request body is empty; send a JSON object.', null, 'invalid_json')
  return parseClientJson(text, 'body of your request')
}
