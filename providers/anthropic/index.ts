export { createAnthropicProvider, type AnthropicProviderOptions } from './anthropic-provider.js'
export { mapAnthropicError } from './anthropic-error.js'
