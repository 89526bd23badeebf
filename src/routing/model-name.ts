import { invalidRequest } from '../errors.js'

/** Long enough for any real model, route or alias name (`openrouter/meta-llama/…:free`), short enough to log. */
export const MAX_MODEL_NAME_LENGTH = 256

/**
 * Letters, digits and `. _ : @ / + -`: every real model name fits, and nothing that could change an
 * upstream URL does (no `%`, `#`, `?`, whitespace, control characters or non-ASCII).
 */
const MODEL_NAME = /^[A-Za-z0-9._:@/+-]+$/

function invalidModel(name: string, why: string, param: string): never {
  // JSON.stringify shows a newline or a control character as an escape instead of printing it.
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)
  throw invalidRequest(`Invalid model name ${shown}: ${why}.`, param, 'invalid_model')
}

/**
 * The one check of a model, alias or route name that a caller wrote, made before any resolution, scope
 * check or upstream call: a strict character set, no empty or dot path segments, bounded length. Throws
 * a 400 `invalid_model`. `param` names where the name came from (`model`, `x-manifold-route`).
 */
export function validateModelName(name: string, param = 'model'): void {
  if (name.length === 0) invalidModel(name, 'it is empty', param)
  if (name.length > MAX_MODEL_NAME_LENGTH) invalidModel(name, `it is longer than ${MAX_MODEL_NAME_LENGTH} characters`, param)
  if (!MODEL_NAME.test(name)) invalidModel(name, 'only letters, digits and . _ : @ / + - are allowed', param)
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') invalidModel(name, 'empty, `.` and `..` path segments are not allowed', param)
  }
}

/**
 * Rules of one provider type on the upstream's own model name (after `provider/`). Gemini puts the model
 * in the URL path (`…/models/{model}:generateContent`), so it must be a single path segment.
 */
export function validateUpstreamModel(providerType: string, upstreamModel: string, requested: string, param = 'model'): void {
  if (providerType === 'gemini' && upstreamModel.includes('/')) {
    invalidModel(requested, 'a Gemini model name cannot contain `/` after the provider', param)
  }
}
