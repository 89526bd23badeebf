import type { TestProject } from 'vitest/node'
import { BOTH_WEBHOOK_SECRET } from '../both/config.js'
import { startBothUpstream } from '../both/upstream.js'
import { startOtlpReceiver } from '../support/otlp-receiver.js'
import { startWorkersCallbackReceiver } from '../support/workers-callback-receiver.js'

/**
 * The loopback servers the tests inside workerd need, started in Node (workerd cannot listen): the mock
 * upstream answering every provider's wire format (test/both/upstream.ts, the same one the Node side of the
 * shared suite runs in process), the callback receiver and the OTLP receiver.
 */
export default async function setup(project: TestProject) {
  const upstream = await startBothUpstream()
  const receiver = await startWorkersCallbackReceiver(BOTH_WEBHOOK_SECRET)
  const otlp = await startOtlpReceiver()
  project.provide('otlpReceiverUrl', otlp.url)
  project.provide('mockUpstreamUrl', upstream.url)
  project.provide('callbackReceiverUrl', receiver.url)
  return async () => {
    await upstream.close()
    await receiver.close()
    await otlp.close()
  }
}
