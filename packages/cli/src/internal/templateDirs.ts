/**
 * The template directories a benchmark walks: the root itself when it holds Terraform
 * configuration, else each subdirectory that does (in name order).
 *
 * @internal
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"

/** `[name, directory]` pairs: the root alone when it has `.tf`/`.tf.json` files, else its subdirectories that do. */
export const templateDirs = (root: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const hasConfig = (dir: string) =>
      Effect.map(fs.readDirectory(dir), (names) => names.some((n) => n.endsWith(".tf") || n.endsWith(".tf.json")))
    if (yield* hasConfig(root)) return [[path.basename(root), root] as const]
    const dirs: Array<readonly [string, string]> = []
    for (const name of [...(yield* fs.readDirectory(root))].sort()) {
      const dir = path.join(root, name)
      const stat = yield* fs.stat(dir)
      if (stat.type === "Directory" && (yield* hasConfig(dir))) dirs.push([name, dir])
    }
    return dirs
  })
