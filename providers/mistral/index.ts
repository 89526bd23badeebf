export { createMistralProvider, mistralServerURL, type MistralProviderOptions } from './mistral-provider.js'
export { mapMistralError } from './mistral-error.js'
export { mistralToolCallId, ToolCallIdMap } from './tool-call-ids.js'
