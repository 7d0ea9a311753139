/**
 * `csvdecode`: Go's `encoding/csv` reader with default settings, a list of objects keyed by
 * the header row.
 *
 * @since 0.1.0
 * @internal
 */
import { type FunctionDefinition, FunctionError, type Parameter } from "../FunctionDefinition.js"
import * as T from "../Type.js"
import * as V from "../Value.js"

const str: Parameter = { name: "str", type: T.string }

const nonAscii = /[^\u0000-\u007f]/
const nfc = (s: string): string => (nonAscii.test(s) ? s.normalize("NFC") : s)

class CsvError {
  constructor(readonly line: number, readonly message: string) {}
}

/** Read CSV records as Go's `csv.Reader` with default settings. */
const readCsv = (text: string): Array<{ readonly line: number; readonly fields: Array<string> }> => {
  const records: Array<{ line: number; fields: Array<string> }> = []
  let i = 0
  let line = 1
  const n = text.length
  while (i < n) {
    // skip empty lines
    if (text[i] === "\n") {
      i++
      line++
      continue
    }
    if (text[i] === "\r" && text[i + 1] === "\n") {
      i += 2
      line++
      continue
    }
    const recordLine = line
    const fields: Array<string> = []
    while (true) {
      if (text[i] === "\"") {
        // quoted field
        i++
        let field = ""
        while (true) {
          if (i >= n) throw new CsvError(line, "extraneous or missing \" in quoted-field")
          const c = text[i]!
          if (c === "\"") {
            if (text[i + 1] === "\"") {
              field += "\""
              i += 2
              continue
            }
            i++
            break
          }
          if (c === "\r" && text[i + 1] === "\n") {
            field += "\n"
            i += 2
            line++
            continue
          }
          if (c === "\n") line++
          field += c
          i++
        }
        fields.push(field)
        if (i >= n) break
        if (text[i] === ",") {
          i++
          continue
        }
        if (text[i] === "\n") {
          i++
          line++
          break
        }
        if (text[i] === "\r" && text[i + 1] === "\n") {
          i += 2
          line++
          break
        }
        throw new CsvError(line, "extraneous or missing \" in quoted-field")
      }
      let end = i
      while (end < n && text[end] !== "," && text[end] !== "\n") end++
      let field = text.slice(i, end)
      if (end < n && text[end] === "\n" && field.endsWith("\r")) field = field.slice(0, -1)
      else if (end >= n && field.endsWith("\r")) field = field.slice(0, -1)
      if (field.includes("\"")) throw new CsvError(line, "bare \" in non-quoted-field")
      fields.push(field)
      i = end
      if (i >= n) break
      if (text[i] === ",") {
        i++
        if (i >= n) {
          fields.push("")
          break
        }
        continue
      }
      // newline
      i++
      line++
      break
    }
    records.push({ line: recordLine, fields })
  }
  return records
}

const csvdecode: FunctionDefinition = {
  name: "csvdecode",
  parameters: [str],
  returnType: T.dynamic,
  impl: ([s]) => {
    let records
    try {
      records = readCsv((s as V.StringValue).value)
    } catch (e) {
      if (e instanceof CsvError) return new FunctionError(`CSV parse error on line ${e.line}: ${e.message}`)
      throw e
    }
    if (records.length === 0) return new FunctionError("missing header line")
    const headers = records[0]!.fields
    const seen = new Set<string>()
    for (const h of headers) {
      if (seen.has(h)) return new FunctionError(`duplicate column name ${JSON.stringify(h)}`)
      seen.add(h)
    }
    const rowType = T.object(headers.map((h) => [h, T.string] as const))
    const rows: Array<V.Value> = []
    for (const record of records.slice(1)) {
      if (record.fields.length !== headers.length) {
        return new FunctionError(`CSV parse error on line ${record.line}: wrong number of fields`)
      }
      rows.push(V.object(record.fields.map((f, i) => [headers[i]!, V.string(nfc(f))] as const)))
    }
    return V.list(rowType, rows)
  }
}

/**
 * @since 0.1.0
 * @category functions
 */
export const csvFunctions: ReadonlyArray<FunctionDefinition> = [csvdecode]
