import { PromptCatalog } from '../../src/prompt-api/catalog.js'
import { revokeKey } from '../../src/security/key-service.js'
import type { Logger } from '../../src/log.js'
import { fixtureJson, fixtureText } from './fixtures.js'
import { startTestGateway, type TestGateway } from './gateway.js'
import { anthropicFrames } from './anthropic-harness.js'
import { geminiFrames } from './gemini-harness.js'
import { sseFromChunkLines, startMockUpstream, type MockReply, type MockUpstream, type ReceivedRequest } from './mock-upstream.js'
import { completionWith, shippedPrompts } from './prompt-files.js'

/** The secrets a hardening gateway is configured with: each must never show up anywhere a user or operator looks. */
export const HARDENING_SECRETS = {
  openaiKey: 'sk-hardening-openai-upstream-0123456789abcdef',
  anthropicKey: 'sk-ant-hardening-upstream-0123456789abcdef',
  mistralKey: 'hardening-mistral-upstream-0123456789abcdef',
  geminiKey: 'AIzaHardeningGeminiUpstream0123456789abcdef',
  webhookSecret: `whsec_${Buffer.from('hardening-webhook-secret-32bytes').toString('base64')}`,
}

/** Small enough that an oversize body is cheap to send. */
export const BODY_LIMIT = 65_536

/** The kinds of credential a request can carry, for the auth matrix. */
export type KeyKind = 'none' | 'bad' | 'revoked' | 'normal' | 'scoped-elsewhere' | 'team-admin' | 'admin'
export const KEY_KINDS: readonly KeyKind[] = ['none', 'bad', 'revoked', 'normal', 'scoped-elsewhere', 'team-admin', 'admin']

/** The team of the hardening gateway's team admin key; the normal key belongs to no team. */
export const TEAM_ADMIN_TEAM = 'matrix-team'

export interface HardeningGateway {
  gw: TestGateway
  upstream: MockUpstream
  /** The secret of each key kind (null: no Authorization header). */
  keys: Record<KeyKind, string | null>
  /** The id of the normal key (for /admin/keys/:id). */
  normalKeyId: string
  /** Every log line the gateway wrote, as JSON text. */
  logLines: string[]
  close(): Promise<void>
}

const isStream = (req: ReceivedRequest) => (req.body as { stream?: boolean } | undefined)?.stream === true || req.path.includes(':streamGenerateContent')

/** Each provider's recorded answer in its own wire format (JSON or stream), picked by what the mock received. */
export function recordedAnswer(req: ReceivedRequest): MockReply {
  const stream = isStream(req)
  if (req.path.endsWith('/embeddings')) return { json: fixtureJson('openai/vercel-openai-embedding.json') }
  if (req.path.startsWith('/v1/messages')) return stream ? { sse: anthropicFrames('vercel-anthropic-text.chunks.txt') } : { json: fixtureJson('anthropic/vercel-anthropic-text.json') }
  if (req.path.includes(':generateContent') || req.path.includes(':streamGenerateContent')) {
    return stream ? { sse: geminiFrames('vercel-google-text.chunks.txt') } : { json: fixtureJson('gemini/vercel-google-text.json') }
  }
  if (req.headers.authorization === `Bearer ${HARDENING_SECRETS.mistralKey}`) {
    return stream ? { sse: sseFromChunkLines(fixtureText('mistral/vercel-mistral-text.chunks.txt')) } : { json: fixtureJson('mistral/vercel-mistral-text.json') }
  }
  // The sentiment prompt API checks its answer against its output schema.
  if (req.rawBody.includes('You classify the sentiment')) return { json: completionWith('{"label": "positive", "score": 0.9}') }
  return stream ? { sse: sseFromChunkLines(fixtureText('openai/vercel-openai-text.chunks.txt')) } : { json: fixtureJson('openai/vercel-openai-text.json') }
}

function capturingLogger(lines: string[]): Logger {
  const write = (level: string) => (msg: string, fields?: Record<string, unknown>) => { lines.push(JSON.stringify({ level, msg, ...fields })) }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

/**
 * A gateway with every provider configured against one mock upstream (OpenAI-shaped answers, recorded), the
 * shipped prompt APIs, a capturing logger, and one key of each kind.
 */
export async function startHardeningGateway(options: { listen?: boolean } = {}): Promise<HardeningGateway> {
  const upstream = await startMockUpstream(recordedAnswer)
  const logLines: string[] = []
  const gw = await startTestGateway({
    listen: options.listen,
    log: capturingLogger(logLines),
    env: {
      OPENAI_API_KEY: HARDENING_SECRETS.openaiKey, OPENAI_BASE_URL: `${upstream.url}/v1`,
      ANTHROPIC_API_KEY: HARDENING_SECRETS.anthropicKey, ANTHROPIC_BASE_URL: upstream.url,
      MISTRAL_API_KEY: HARDENING_SECRETS.mistralKey, MISTRAL_BASE_URL: upstream.url,
      GEMINI_API_KEY: HARDENING_SECRETS.geminiKey, GEMINI_BASE_URL: upstream.url,
      MANIFOLD_WEBHOOK_SECRET: HARDENING_SECRETS.webhookSecret, MANIFOLD_BODY_LIMIT: String(BODY_LIMIT),
    },
    assemble: { prompts: new PromptCatalog(shippedPrompts()), apiReferenceScript: async () => '/* api reference */' },
  })
  const normal = await gw.createKey({ name: 'normal' })
  const scoped = await gw.createKey({ name: 'scoped-elsewhere', models: ['anthropic/*'], prompts: ['no-such-prompt'] })
  const revoked = await gw.createKey({ name: 'revoked' })
  const teamAdmin = await gw.createKey({ name: 'team-admin', team: TEAM_ADMIN_TEAM, role: 'team_admin' })
  const rows = (await (await gw.request('/admin/keys')).json()) as { data: Array<{ id: string; name: string }> }
  const idOf = (name: string) => rows.data.find((row) => row.name === name)!.id
  await revokeKey(gw.deps, idOf('revoked'))
  return {
    gw,
    upstream,
    keys: { none: null, bad: 'mk-this-key-was-never-issued-0123456789abcdef', revoked, normal, 'scoped-elsewhere': scoped, 'team-admin': teamAdmin, admin: gw.adminKey },
    normalKeyId: idOf('normal'),
    logLines,
    async close() {
      await gw.close()
      await upstream.close()
    },
  }
}
