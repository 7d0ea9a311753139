/**
 * Asks for the API token in a modal dialog. Shown on first visit and after a 401.
 *
 * @since 0.1.0
 */
import { useEffect, useRef, useState } from "preact/hooks"

/**
 * @since 0.1.0
 */
export interface TokenDialogProps {
  /** Why the token is asked for again, if it is. */
  readonly reason: string | undefined
  readonly onSubmit: (token: string) => void
}

/**
 * @since 0.1.0
 */
export const TokenDialog = ({ onSubmit, reason }: TokenDialogProps) => {
  const dialog = useRef<HTMLDialogElement>(null)
  const [token, setToken] = useState("")
  useEffect(() => {
    const element = dialog.current
    if (element !== null && !element.open) element.showModal()
  }, [])
  const trimmed = token.trim()
  return (
    <dialog
      ref={dialog}
      class="token-dialog"
      aria-labelledby="token-title"
      aria-describedby="token-help"
      onCancel={(e) => e.preventDefault()}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault()
          if (trimmed !== "") onSubmit(trimmed)
        }}
      >
        <h2 id="token-title">API token</h2>
        <p id="token-help" class="hint">
          The console calls the warmpool API with a bearer token. It is kept in this tab's session storage only.
        </p>
        {reason !== undefined && <p class="note note-error" role="alert">{reason}</p>}
        <label for="token-input">Token</label>
        <input
          id="token-input"
          class="input"
          type="password"
          autocomplete="off"
          autofocus
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <div class="dialog-actions">
          <button type="submit" class="button button-primary" disabled={trimmed === ""}>Continue</button>
        </div>
      </form>
    </dialog>
  )
}
