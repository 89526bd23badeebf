// What global-setup.ts provides, as the tests inside workerd see it (vitest.workers.config.ts declares the same).
export {}

declare module 'vitest' {
  export interface ProvidedContext {
    mockUpstreamUrl: string
  }
}
