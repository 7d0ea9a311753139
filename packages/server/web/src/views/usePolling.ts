/**
 * Runs a task now and then again `intervalMs` after each run finishes, until unmounted. Runs
 * never overlap.
 *
 * @since 0.1.0
 */
import { useEffect, useRef } from "preact/hooks"

/**
 * @since 0.1.0
 */
export const usePolling = (task: () => Promise<void>, intervalMs: number): void => {
  const latest = useRef(task)
  latest.current = task
  useEffect(() => {
    let stopped = false
    let handle: ReturnType<typeof setTimeout> | undefined
    const loop = async () => {
      await latest.current()
      if (!stopped) handle = setTimeout(() => void loop(), intervalMs)
    }
    void loop()
    return () => {
      stopped = true
      if (handle !== undefined) clearTimeout(handle)
    }
  }, [intervalMs])
}
