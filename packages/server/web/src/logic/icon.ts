/**
 * Which icons the console may show. It works offline and never loads anything from another
 * origin, so only paths (served by the console's own server) are used.
 *
 * @since 0.1.0
 */

/**
 * The icon as an `<img src>`: a path such as `/icon/go.svg` or `icons/x.png`, or an inline
 * `data:image/…` URL. Remote URLs (`https://…`, `//host/…`) and other schemes give `undefined`.
 *
 * @since 0.1.0
 */
export const iconSource = (icon: string): string | undefined => {
  const text = icon.trim()
  if (text === "") return undefined
  if (/^data:image\//i.test(text)) return text
  if (text.startsWith("//") || text.startsWith("\\")) return undefined
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) return undefined
  return text
}
