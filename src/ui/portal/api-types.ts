import type { JsonSchema } from '../../prompt-api/json-schema.js'
import type { PromptStatus } from '../../prompt-api/prompt-file.js'

/** One version in a prompt's lifecycle, as GET /v1/prompts lists it. */
export interface PromptVersionInfo {
  version: string
  status: PromptStatus
  path: string
  deprecated_at?: string
  sunset?: string
  successor?: string
}

/** A prompt API as GET /v1/prompts[/{name}[/versions/{version}]] describes it. */
export interface PromptDescription {
  object: 'prompt'
  name: string
  version: string
  status: PromptStatus
  allowed: boolean
  description: string
  model: string
  path: string
  input: JsonSchema
  output: JsonSchema | null
  versions: PromptVersionInfo[]
}

export type AccessRequestStatus = 'pending' | 'approved' | 'refused'

/** An access request as its key holder sees it (GET /v1/access-requests). */
export interface AccessRequest {
  object: 'access_request'
  id: string
  prompt: string
  status: AccessRequestStatus
  reason: string | null
  created_at: string
  decided_at: string | null
  note: string | null
}

/** An access request as the admins who decide it see it (GET /admin/access-requests). */
export interface AdminAccessRequest extends AccessRequest {
  key_id: string
  key_name: string | null
  team: string | null
  decided_by: string | null
}

export interface ApiList<T> { object: 'list'; data: T[] }
