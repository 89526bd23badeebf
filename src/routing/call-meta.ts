import type { Principal } from '../app-env.js'
import type { CallerSignal } from './caller-signal.js'

/** What the gateway knows about one incoming call, passed down to every attempt it makes. */
export interface CallMeta {
  requestId: string
  principal: Principal
  /** The client's own signal: aborts when the client goes away. */
  signal: CallerSignal
  /** The raw x-manifold-route header, when the caller routes per request. */
  routeHeader?: string
  /** Set when the call comes through a prompt API. */
  prompt?: { name: string; version: string }
  endpoint?: 'chat' | 'embeddings'
  /** The x-manifold-drop-unsupported-params header: overrides the configured drop_unsupported_params. */
  dropUnsupportedParams?: boolean
  /** Parameters a provider dropped instead of refusing, across the call's attempts (set by dispatch). */
  droppedParams?: Set<string>
  /** The API surface the call came in on, recorded on its usage rows. */
  surface?: 'chat' | 'embeddings' | 'prompt' | 'job' | 'ws' | 'messages' | 'responses'
}
