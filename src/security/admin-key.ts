import { getSetting, putSetting } from '../store/keys-repo.js'
import type { Store } from '../store/store.js'
import type { Logger } from '../log.js'
import { generateSecretKey, hashKey } from './keys.js'

const SETTING = 'admin_key_hash'

/**
 * The admin key's hash: from MANIFOLD_ADMIN_KEY when set, else the one generated on first start. A key
 * generated now is printed once (through `announce`) and only its hash is kept.
 */
export async function ensureAdminKeyHash(store: Store, configured: string | undefined, log: Logger, announce: (secret: string) => void): Promise<string> {
  if (configured) return hashKey(configured)
  const stored = await getSetting(store.db, SETTING)
  if (stored) return stored
  const secret = generateSecretKey()
  const hash = await hashKey(secret)
  await putSetting(store.db, SETTING, hash)
  log.info('generated an admin key; it is shown once. Set MANIFOLD_ADMIN_KEY to choose your own.')
  announce(secret)
  return hash
}
