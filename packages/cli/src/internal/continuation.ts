/**
 * When `warmpool console` has read a whole expression: as `terraform console`, an open bracket,
 * an open interpolation or an open heredoc continues the expression onto the following lines.
 * A small scanner over the text read so far; it does not parse, the evaluator reports errors.
 *
 * @since 0.1.0
 *
 * @internal
 */

type Frame = "code" | "string"

const heredocStart = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*$/

/**
 * Whether `text` (one or more lines, without the final newline) is complete: no bracket,
 * quoted-string interpolation or heredoc left open.
 *
 * @since 0.1.0
 * @category parsing
 */
export const isComplete = (text: string): boolean => {
  const lines = text.split("\n")
  // one stack frame per open bracket or interpolation: what closes it and what it is inside
  const stack: Array<{ readonly frame: Frame; readonly close: string }> = []
  let inString = false
  let blockComment = false
  let heredoc: string | undefined
  for (const line of lines) {
    if (heredoc !== undefined) {
      if (line.trim() === heredoc) heredoc = undefined
      continue
    }
    inString = false // a quoted string never spans lines (outside an interpolation)
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!
      const next = line[i + 1]
      if (blockComment) {
        if (c === "*" && next === "/") {
          blockComment = false
          i++
        }
        continue
      }
      if (inString) {
        if (c === "\\") i++
        else if (c === "\"") inString = false
        else if ((c === "$" || c === "%") && next === c && line[i + 2] === "{") i += 2 // `$${`: a literal `${`
        else if ((c === "$" || c === "%") && next === "{") {
          stack.push({ frame: "string", close: "}" })
          inString = false
          i++
        }
        continue
      }
      if (c === "#" || (c === "/" && next === "/")) break
      if (c === "/" && next === "*") {
        blockComment = true
        i++
      } else if (c === "\"") {
        inString = true
      } else if (c === "(" || c === "[" || c === "{") {
        stack.push({ frame: "code", close: c === "(" ? ")" : c === "[" ? "]" : "}" })
      } else if (c === ")" || c === "]" || c === "}") {
        const top = stack.pop()
        if (top === undefined) return true // unbalanced: let the parser report it
        if (top.frame === "string") inString = true
      } else if (c === "<" && next === "<") {
        const match = heredocStart.exec(line.slice(i))
        if (match) {
          heredoc = match[2]!
          break
        }
        i++
      }
    }
  }
  return stack.length === 0 && heredoc === undefined && !blockComment
}
