export { createGeminiProvider, type GeminiProviderOptions } from './gemini-provider.js'
export { toGeminiSchema, toGeminiParameters } from './convert-schema.js'
export { mapGeminiError } from './gemini-error.js'
