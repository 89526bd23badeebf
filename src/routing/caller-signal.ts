/**
 * What the router needs to know of "the client went away": whether it has, why, and a way to hear it. Every
 * AbortSignal is one; on Node the gateway watches the response itself instead (src/node-caller-signal.ts),
 * which costs no AbortSignal per call.
 */
export interface CallerSignal {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}
