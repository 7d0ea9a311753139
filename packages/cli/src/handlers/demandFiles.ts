/**
 * The demand inputs of `serve` and `simulate` (issue 16): a `--policies` file, a `--claims`
 * trace and `--claim-rate` values, read and validated into the values `@warmpool/prebuilds`
 * takes. Problems are one-line messages naming the option.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { type ClaimWorkload, DemandPolicy } from "@warmpool/prebuilds"
import * as Setting from "@warmpool/server/Setting"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"

/** The largest demand file read (a trace of some 200,000 claims): a bigger one is refused unread. */
export const maxFileBytes = 16 * 1024 * 1024

const readJson = (option: string, file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const info = yield* Effect.mapError(fs.stat(file), () => `${option}: cannot read ${file}`)
    // A device or a pipe (e.g. /dev/zero) could be read forever: only regular files are read.
    if (info.type !== "File") return yield* Effect.fail(`${option}: ${file} is not a regular file`)
    if (Number(info.size) > maxFileBytes) {
      return yield* Effect.fail(`${option}: ${file} is ${info.size} bytes; the limit is ${maxFileBytes} bytes (16 MiB)`)
    }
    const text = yield* Effect.mapError(fs.readFileString(file), () => `${option}: cannot read ${file}`)
    return yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) => `${option}: ${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`
    })
  })

/** A `--policies` file, every policy validated. */
export const readPolicies = (
  file: string
): Effect.Effect<ReadonlyArray<DemandPolicy.PolicyEntry>, string, FileSystem.FileSystem> =>
  Effect.flatMap(
    readJson("--policies", file),
    (json) => Either.mapLeft(DemandPolicy.decodeFile(json), (message) => `--policies: ${file}: ${message}`)
  )

/**
 * A claim trace: `[{"at": "90m", "template": "...", "preset": "..."}]`, `at` a duration from the
 * simulation's start (`1h30m`, `90s`, ...).
 */
export const decodeTrace = (json: unknown): Either.Either<ReadonlyArray<ClaimWorkload.ClaimArrival>, string> => {
  if (!Array.isArray(json)) return Either.left(`expected an array [{"at": "90m", "template": "...", "preset": "..."}]`)
  const arrivals: Array<ClaimWorkload.ClaimArrival> = []
  for (const [index, entry] of json.entries()) {
    const where = `entry ${index + 1}`
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      return Either.left(`${where}: expected an object`)
    }
    const { at, preset, template } = entry as Record<string, unknown>
    if (typeof template !== "string" || template === "") return Either.left(`${where}: "template" must be a name`)
    if (typeof preset !== "string" || preset === "") return Either.left(`${where}: "preset" must be a name`)
    if (typeof at !== "string") return Either.left(`${where}: "at" must be a duration such as "90m"`)
    const millis = Setting.parseDurationMillis(at)
    if (Either.isLeft(millis)) return Either.left(`${where}: "at": ${millis.left}`)
    if (millis.right < 0) return Either.left(`${where}: "at" must not be negative`)
    arrivals.push({ offsetMillis: Math.round(millis.right), template, preset })
  }
  return Either.right(arrivals)
}

/** A `--claims` trace file. */
export const readTrace = (
  file: string
): Effect.Effect<ReadonlyArray<ClaimWorkload.ClaimArrival>, string, FileSystem.FileSystem> =>
  Effect.flatMap(
    readJson("--claims", file),
    (json) => Either.mapLeft(decodeTrace(json), (message) => `--claims: ${file}: ${message}`)
  )

/** A `--claim-rate template/preset=PER_HOUR` value. */
export const parseRate = (text: string): Either.Either<ClaimWorkload.ClaimRate, string> => {
  const match = /^([^/=\s]+)\/([^=\s]+)=([0-9]+(?:\.[0-9]+)?)$/.exec(text.trim())
  if (match === null) {
    return Either.left(`--claim-rate: expected template/preset=PER_HOUR (e.g. pool/small=30), got "${text}"`)
  }
  const perHour = Number(match[3])
  if (!(perHour > 0) || perHour > 1_000_000) {
    return Either.left(`--claim-rate: the rate must be above 0 and at most 1000000 per hour, got ${match[3]}`)
  }
  return Either.right({ template: match[1]!, preset: match[2]!, perHour })
}
