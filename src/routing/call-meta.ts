import type { Principal } from '../app-env.js'

/** What the gateway knows about one incoming call, passed down to every attempt it makes. */
export interface CallMeta {
  requestId: string
  principal: Principal
  /** The client's own signal: aborts when the client goes away. */
  signal: AbortSignal
  /** The raw x-manifold-route header, when the caller routes per request. */
  routeHeader?: string
  /** Set when the call comes through a prompt API. */
  prompt?: { name: string; version: string }
  endpoint?: 'chat' | 'embeddings'
  /** The API the caller used, recorded on its usage rows. */
  surface?: 'chat' | 'embeddings' | 'prompt' | 'job' | 'ws' | 'messages' | 'responses'
}
