/**
 * Bounded handling of a command's output: the tail of stderr (the error of a failed job) and
 * the agents line of stdout, both in memory bounded by a byte cap whatever the command prints.
 *
 * @internal
 */

/**
 * An agent reported by a provisioner.
 *
 * @internal
 */
export interface ReportedAgent {
  readonly name: string
  readonly ready: boolean
}

/**
 * Keeps the last `cap` bytes written to it (plus at most one chunk while trimming).
 *
 * @internal
 */
export class TailBuffer {
  private chunks: Array<Buffer> = []
  private held = 0
  private total = 0

  constructor(readonly cap: number) {}

  /** Bytes written so far (kept or not). */
  get written(): number {
    return this.total
  }

  /** Bytes currently held (at most `cap` plus one chunk). */
  get retained(): number {
    return this.held
  }

  push(chunk: Buffer): void {
    this.total += chunk.length
    if (this.cap <= 0) return
    this.chunks.push(chunk)
    this.held += chunk.length
    while (this.chunks.length > 1 && this.held - this.chunks[0]!.length >= this.cap) {
      this.held -= this.chunks.shift()!.length
    }
  }

  /** The last `min(cap, written)` bytes decoded as UTF-8, without a character cut in half at the start. */
  text(): string {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)
    const tail = all.length > this.cap ? all.subarray(all.length - this.cap) : all
    let start = 0
    // Skip UTF-8 continuation bytes left over from a character cut by the cap.
    while (start < tail.length && start < 3 && (tail[start]! & 0xc0) === 0x80) start++
    return tail.subarray(start).toString("utf8")
  }

  /** Whether bytes were discarded. */
  get truncated(): boolean {
    return this.total > this.cap
  }
}

const isReportedAgent = (value: unknown): value is ReportedAgent =>
  typeof value === "object" && value !== null &&
  typeof (value as { readonly name?: unknown }).name === "string" &&
  (value as { readonly name: string }).name !== "" &&
  typeof (value as { readonly ready?: unknown }).ready === "boolean"

/**
 * The agents of one stdout line, when the line is a JSON object `{"agents": [{"name", "ready"}]}`
 * (other fields ignored); `undefined` for any other line.
 *
 * @internal
 */
export const parseAgentsLine = (line: string): ReadonlyArray<ReportedAgent> | undefined => {
  const trimmed = line.trim()
  if (!trimmed.startsWith("{") || !trimmed.includes("\"agents\"")) return undefined
  let value: unknown
  try {
    value = JSON.parse(trimmed)
  } catch {
    return undefined
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
  const agents = (value as { readonly agents?: unknown }).agents
  if (!Array.isArray(agents) || !agents.every(isReportedAgent)) return undefined
  return agents.map((agent) => ({ name: agent.name, ready: agent.ready }))
}

const newline = 0x0a

/**
 * Scans stdout line by line for agents lines, holding at most `maxLineBytes` of a partial line;
 * longer lines are skipped. The last valid agents line wins.
 *
 * @internal
 */
export class AgentsLineScanner {
  private partial: Array<Buffer> = []
  private partialBytes = 0
  private overlong = false
  private found: ReadonlyArray<ReportedAgent> | undefined = undefined

  constructor(readonly maxLineBytes: number) {}

  push(chunk: Buffer): void {
    let start = 0
    for (let end = chunk.indexOf(newline, start); end !== -1; end = chunk.indexOf(newline, start)) {
      this.append(chunk.subarray(start, end))
      this.endLine()
      start = end + 1
    }
    if (start < chunk.length) this.append(chunk.subarray(start))
  }

  /** The agents of the last agents line (a final line without a newline included). */
  agents(): ReadonlyArray<ReportedAgent> | undefined {
    this.endLine()
    return this.found
  }

  private append(piece: Buffer): void {
    if (this.overlong || piece.length === 0) return
    if (this.partialBytes + piece.length > this.maxLineBytes) {
      this.overlong = true
      this.partial = []
      this.partialBytes = 0
      return
    }
    this.partial.push(Buffer.from(piece))
    this.partialBytes += piece.length
  }

  private endLine(): void {
    if (!this.overlong && this.partialBytes > 0) {
      const agents = parseAgentsLine(Buffer.concat(this.partial).toString("utf8"))
      if (agents !== undefined) this.found = agents
    }
    this.partial = []
    this.partialBytes = 0
    this.overlong = false
  }
}
