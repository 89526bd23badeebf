import { invalidRequest } from '../errors.js'

export const DROP_PARAMS_HEADER = 'x-manifold-drop-unsupported-params'

/** `x-manifold-drop-unsupported-params: true|false` → this call's override; absent → the configured setting. */
export function parseDropParamsHeader(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined
  const value = raw.trim().toLowerCase()
  if (value === 'true') return true
  if (value === 'false') return false
  throw invalidRequest(`Invalid ${DROP_PARAMS_HEADER} header: expected true or false.`, DROP_PARAMS_HEADER, 'invalid_header')
}
