/**
 * The console: a header with the two views (parameters form, pools dashboard) chosen by the URL
 * hash, and the token dialog whenever no token is known. The login link of `warmpool serve`
 * (`/#token=…`) signs in without the dialog.
 *
 * @since 0.1.0
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks"
import { makeApiClient } from "./api/client.js"
import { TokenDialog } from "./components/TokenDialog.js"
import type { FormDraft } from "./logic/formDraft.js"
import { initialDraft } from "./logic/formDraft.js"
import type { Route } from "./logic/route.js"
import { hrefOf, parseBuildsFilter, parseRoute } from "./logic/route.js"
import type { TokenStorage } from "./logic/token.js"
import { makeTokenStore, tokenFromHash } from "./logic/token.js"
import { BuildsView } from "./views/BuildsView.js"
import { FormView } from "./views/FormView.js"
import { PoolsView } from "./views/PoolsView.js"

const sessionStorageOrUndefined = (): TokenStorage | undefined => {
  try {
    return window.sessionStorage
  } catch {
    return undefined
  }
}

/** Signs in with a token from the login link's fragment, then removes it from the address bar. */
const signInFromLink = (write: (token: string) => boolean): string | undefined => {
  const { hash, token } = tokenFromHash(window.location.hash)
  if (token === undefined) return undefined
  write(token)
  window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}${hash}`)
  return token
}

const titles: Record<Route, string> = { form: "Parameters", pools: "Pools", builds: "Builds" }

/**
 * @since 0.1.0
 */
export const App = () => {
  const tokens = useMemo(() => makeTokenStore(sessionStorageOrUndefined()), [])
  const token = useRef<string | undefined>(signInFromLink(tokens.write) ?? tokens.read())
  const [hasToken, setHasToken] = useState(token.current !== undefined)
  const [reason, setReason] = useState<string | undefined>(undefined)
  const [route, setRoute] = useState<Route>(parseRoute(window.location.hash))
  const [hash, setHash] = useState(window.location.hash)
  const [draft, setDraft] = useState<FormDraft>(initialDraft)

  useEffect(() => {
    const onHash = () => {
      setRoute(parseRoute(window.location.hash))
      setHash(window.location.hash)
    }
    window.addEventListener("hashchange", onHash)
    return () => window.removeEventListener("hashchange", onHash)
  }, [])
  useEffect(() => {
    document.title = `${titles[route]} · warmpool`
  }, [route])

  const client = useMemo(() =>
    makeApiClient({
      token: () => token.current,
      onUnauthorized: () => {
        tokens.clear()
        if (token.current !== undefined) setReason("The server did not accept the token. Enter it again.")
        token.current = undefined
        setHasToken(false)
      }
    }), [tokens])

  const forget = () => {
    tokens.clear()
    token.current = undefined
    setReason(undefined)
    setHasToken(false)
  }

  return (
    <>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <span class="brand">
          <span class="brand-mark" aria-hidden="true" />warmpool
        </span>
        <nav class="nav" aria-label="Views">
          {(["form", "pools", "builds"] as const).map((r) => (
            <a key={r} class="nav-link" href={hrefOf(r)} aria-current={route === r ? "page" : undefined}>
              {titles[r]}
            </a>
          ))}
        </nav>
        {hasToken && <button type="button" class="button button-quiet" onClick={forget}>Forget token</button>}
      </header>
      <main id="main" tabIndex={-1}>
        {!hasToken
          ? (
            <TokenDialog
              reason={reason}
              onSubmit={(value) => {
                // A refused write only means the token lasts for this page instead of the tab.
                tokens.write(value)
                token.current = value
                setReason(undefined)
                setHasToken(true)
              }}
            />
          )
          : route === "form"
          ? <FormView client={client} draft={draft} onDraft={setDraft} />
          : route === "builds"
          ? <BuildsView key={hash} client={client} filter={parseBuildsFilter(hash)} />
          : <PoolsView client={client} />}
      </main>
    </>
  )
}
