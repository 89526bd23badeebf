/**
 * What the shared end-to-end tests import: one gateway, on the runtime of the vitest project running them.
 * The node project resolves ./node-runtime.js as written; the workers project aliases it to
 * test/workers/both-gateway.ts (vitest.workers.config.ts), the same interface inside workerd.
 */
export type { BothGateway, DeliveredCallback, UpstreamSeen, WsClient, WsFrame, WsUpgrade } from './types.js'
export { gateway } from './node-runtime.js'
