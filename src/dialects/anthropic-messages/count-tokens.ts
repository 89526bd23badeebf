import type { AppDeps } from '../../deps.js'
import { estimateCallTokens } from '../../metering/estimate-tokens.js'
import { toProviderError } from '../../routing/provider-error.js'
import type { Target } from '../../routing/resolve.js'
import { anthropicUrl, nativeRequestHeaders, upstreamError, type NativeHeaders } from './native-attempt.js'
import type { CountTokensRequest } from './request.js'
import { toChatRequest } from './to-chat.js'

export interface TokenCount {
  body: { input_tokens: number }
  /** `exact` when Anthropic counted, `estimate` when the gateway did. */
  method: 'exact' | 'estimate'
}

/**
 * The prompt's token count: Anthropic's own count_tokens when the route's first target is Anthropic, else
 * the gateway's estimate (four characters a token over the translated messages and tools, the same rule
 * the rate limiter reserves by), since no other backend offers a free count in Anthropic's terms.
 */
export async function countTokens(deps: AppDeps, target: Target, raw: Record<string, unknown>, request: CountTokensRequest, headers: NativeHeaders, signal: AbortSignal): Promise<TokenCount> {
  if (target.entry.provider.type !== 'anthropic') {
    const chat = toChatRequest({ ...request, max_tokens: 1 })
    return { method: 'estimate', body: { input_tokens: estimateCallTokens({ ...chat, max_completion_tokens: null }) } }
  }
  const { spec } = target.entry
  try {
    const response = await target.entry.edge.fetch(deps.fetch)(anthropicUrl(spec.baseURL, '/v1/messages/count_tokens'), {
      method: 'POST',
      headers: nativeRequestHeaders(spec.apiKey, headers),
      body: JSON.stringify({ ...raw, model: target.upstreamModel }),
      signal,
    })
    if (!response.ok) throw await upstreamError(target.providerName, response)
    const json = (await response.json()) as { input_tokens?: unknown }
    if (typeof json.input_tokens !== 'number') throw new Error('count_tokens answered without input_tokens')
    return { method: 'exact', body: { input_tokens: json.input_tokens } }
  } catch (err) {
    throw target.entry.edge.clean(toProviderError(target.providerName, err, signal))
  }
}
