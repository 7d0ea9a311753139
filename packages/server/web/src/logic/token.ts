/**
 * The API token, kept in the page's session storage so it is asked for once per tab.
 *
 * @since 0.1.0
 */

/**
 * The part of the DOM `Storage` the token needs.
 *
 * @since 0.1.0
 */
export interface TokenStorage {
  readonly getItem: (key: string) => string | null
  readonly setItem: (key: string, value: string) => void
  readonly removeItem: (key: string) => void
}

/**
 * @since 0.1.0
 */
export const tokenKey = "warmpool.apiToken"

/**
 * @since 0.1.0
 */
export interface TokenStore {
  readonly read: () => string | undefined
  /** Whether the token was kept (storage may refuse; the token then lasts for the page). */
  readonly write: (token: string) => boolean
  readonly clear: () => void
}

/**
 * A store over `storage`; storage failures (disabled or full) are answered, never thrown.
 *
 * @since 0.1.0
 */
export const makeTokenStore = (storage: TokenStorage | undefined): TokenStore => ({
  read: () => {
    try {
      const token = storage?.getItem(tokenKey) ?? null
      return token === null || token === "" ? undefined : token
    } catch {
      return undefined
    }
  },
  write: (token) => {
    try {
      if (storage === undefined) return false
      storage.setItem(tokenKey, token)
      return true
    } catch {
      return false
    }
  },
  clear: () => {
    try {
      storage?.removeItem(tokenKey)
    } catch {
      // nothing was kept
    }
  }
})

/**
 * A token carried in the URL fragment by the login link `warmpool serve` prints
 * (`http://127.0.0.1:8080/#token=…`): the token, and the hash to leave in the address bar
 * instead (the fragment never reaches the server; it is removed from the address and history once
 * read). `token` is `undefined` when the hash carries none.
 *
 * @since 0.1.0
 */
export const tokenFromHash = (hash: string): { readonly token: string | undefined; readonly hash: string } => {
  const match = /^#token=([^&]*)(?:&(.*))?$/.exec(hash)
  if (match === null) return { token: undefined, hash }
  let token: string
  try {
    token = decodeURIComponent(match[1]!)
  } catch {
    return { token: undefined, hash: "" }
  }
  const rest = match[2] ?? ""
  return { token: token === "" ? undefined : token, hash: rest === "" ? "" : `#${rest}` }
}
