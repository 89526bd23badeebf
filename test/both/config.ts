/**
 * The one configuration both runtimes run the shared tests with (Node reads it from the environment and a
 * config file, Workers from bindings and MANIFOLD_CONFIG_JSON): every provider pointed at the mock upstream,
 * routes for each strategy, and jobs' callbacks allowed to the loopback receiver.
 */

export const BOTH_ADMIN_KEY = 'mk-workers-test-admin-key-0123456789abcdef'

/** The gateway's MANIFOLD_WEBHOOK_SECRET; the receiver verifies deliveries with it. */
export const BOTH_WEBHOOK_SECRET = `whsec_${btoa('manifold-workers-webhook-secret!')}`

/** Routes, one per strategy; the mock answers `openai/broken` 429, `openai/lb-down` 500, `openai/slow-start` after 3 s. */
export const bothRoutes = {
  safe: { strategy: 'fallback', targets: ['openai/broken', 'openai/gpt-4o-mini'] },
  lb: { strategy: 'loadbalance', targets: ['openai/lb-down', 'openai/gpt-4o-mini'] },
  duo: { strategy: 'all', targets: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] },
  fast: { strategy: 'race', targets: ['openai/slow-start', 'openai/gpt-4o-mini'] },
}

/** The JSON config file's content. OpenAI-compatible `compat` lives under /compat on the mock. */
export function bothFileConfig(upstreamUrl: string): Record<string, unknown> {
  return {
    providers: { compat: { type: 'openai-compatible', base_url: `${upstreamUrl}/compat/v1` } },
    routes: bothRoutes,
  }
}

/** Environment variables (Workers: string bindings) shared by both runtimes. */
export function bothEnv(upstreamUrl: string): Record<string, string> {
  return {
    MANIFOLD_ADMIN_KEY: BOTH_ADMIN_KEY,
    OPENAI_API_KEY: 'sk-upstream-secret',
    OPENAI_BASE_URL: `${upstreamUrl}/v1`,
    ANTHROPIC_API_KEY: 'sk-ant-upstream-secret',
    ANTHROPIC_BASE_URL: upstreamUrl,
    MISTRAL_API_KEY: 'mistral-upstream-secret',
    MISTRAL_BASE_URL: upstreamUrl,
    GEMINI_API_KEY: 'gm-upstream-secret',
    GEMINI_BASE_URL: upstreamUrl,
    MANIFOLD_WEBHOOK_SECRET: BOTH_WEBHOOK_SECRET,
    MANIFOLD_CALLBACK_ALLOW: '127.0.0.1',
    MANIFOLD_CALLBACK_RETRY_SCHEDULE: '50ms,50ms,50ms',
  }
}
