import type { Context } from 'hono'
import { invalidRequest } from '../errors.js'

/** Reads the request body as JSON once; a body that is not JSON is a 400, not a 500. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.length === 0) throw invalidRequest('The request body is empty; send a JSON object.', null, 'invalid_json')
  try {
    return JSON.parse(text)
  } catch {
    throw invalidRequest('We could not parse the JSON body of your request. Send valid JSON with Content-Type: application/json.', null, 'invalid_json')
  }
}
