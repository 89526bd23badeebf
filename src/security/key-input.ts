import { z } from 'zod'
import { budgetPeriods } from '../metering/budget-period.js'
import { usdToPico } from '../metering/usd.js'
import { keyRoles, routeHeaderPolicies } from '../store/schema.js'
import type { KeyFields } from './key-service.js'

/**
 * The fields of a virtual key as the admin API and the CLI take them. Strict: a field the schema does not
 * name (id, key, key_hash, revoked_at, …) is refused, so no request can give a key anything but these.
 */
const globList = z.array(z.string().min(1).max(200)).max(200)
const positiveLimit = z.number().int().positive().max(1_000_000_000)

export const keyCreateSchema = z.object({
  name: z.string().min(1).max(200),
  team: z.string().min(1).max(200).nullable().optional(),
  role: z.enum(keyRoles).optional(),
  models: globList.nullable().optional(),
  prompts: globList.nullable().optional(),
  budget_usd: z.number().nonnegative().max(1_000_000).nullable().optional(),
  budget_period: z.enum(budgetPeriods).nullable().optional(),
  rpm: positiveLimit.nullable().optional(),
  tpm: positiveLimit.nullable().optional(),
  max_parallel: z.number().int().positive().max(100_000).nullable().optional(),
  route_header: z.enum(routeHeaderPolicies).optional(),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
  metadata: z.record(z.string(), z.unknown())
    .refine((value) => JSON.stringify(value).length <= 16_384, 'metadata is limited to 16 KiB of JSON')
    .nullable().optional(),
  webhook_secret: z.string().regex(/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/, 'expected a Standard Webhooks secret: whsec_ followed by base64')
    .nullable().optional(),
}).strict()

export const keyUpdateSchema = keyCreateSchema.partial().strict()

export type KeyUpdateInput = z.infer<typeof keyUpdateSchema>

/** `models[0]`, `metadata.team`: the field a client has to fix. */
function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '')
}

export interface KeyInputProblem {
  field: string
  message: string
}

/** The first problem with an input, naming its field (an unknown field names itself). */
export function firstProblem(error: z.ZodError): KeyInputProblem {
  const issue = error.issues[0]!
  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0] ?? 'body'
    return { field, message: `Unknown field '${field}': a key has only name, team, role, models, prompts, budget_usd, budget_period, rpm, tpm, max_parallel, route_header, expires_at, metadata and webhook_secret.` }
  }
  const field = pathText(issue.path) || 'body'
  return { field, message: `Invalid value for '${field}': ${issue.message}` }
}

/** API fields → stored fields; only the fields present in the input (PATCH leaves the others alone). */
export function toKeyFields(input: KeyUpdateInput): Partial<KeyFields> {
  const fields: Partial<KeyFields> = {}
  if (input.name !== undefined) fields.name = input.name
  if (input.team !== undefined) fields.team = input.team
  if (input.role !== undefined) fields.role = input.role
  if (input.models !== undefined) fields.models = input.models
  if (input.prompts !== undefined) fields.prompts = input.prompts
  if (input.budget_usd !== undefined) fields.budgetPicoUsd = input.budget_usd === null ? null : usdToPico(input.budget_usd)
  if (input.budget_period !== undefined) fields.budgetPeriod = input.budget_period
  if (input.rpm !== undefined) fields.rpm = input.rpm
  if (input.tpm !== undefined) fields.tpm = input.tpm
  if (input.max_parallel !== undefined) fields.maxParallel = input.max_parallel
  if (input.route_header !== undefined) fields.routeHeader = input.route_header
  if (input.expires_at !== undefined) fields.expiresAt = input.expires_at === null ? null : Date.parse(input.expires_at)
  if (input.metadata !== undefined) fields.metadata = input.metadata
  if (input.webhook_secret !== undefined) fields.webhookSecret = input.webhook_secret
  return fields
}
