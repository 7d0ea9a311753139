/**
 * A decorative icon from a template (a parameter's or an option's `icon`). Remote URLs are never
 * loaded; an icon that fails to load is hidden rather than shown broken.
 *
 * @since 0.1.0
 */
import { useState } from "preact/hooks"
import { iconSource } from "../logic/icon.js"

/**
 * @since 0.1.0
 */
export const Icon = ({ icon, size = 20 }: { readonly icon: string; readonly size?: number }) => {
  const [failedSource, setFailedSource] = useState<string | undefined>(undefined)
  const src = iconSource(icon)
  if (src === undefined || src === failedSource) return null
  return (
    <img
      class="icon"
      src={src}
      alt=""
      width={size}
      height={size}
      loading="lazy"
      onError={() => setFailedSource(src)}
    />
  )
}
