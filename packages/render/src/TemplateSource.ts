/**
 * Where the files of a template version come from (the store in a server, a directory in the
 * CLI). The `TemplateCache` loads and compiles through it on a miss.
 *
 * @since 0.1.0
 */
import type { TemplateFiles } from "@warmpool/terraform"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * The template version is not known to the `TemplateSource`.
 *
 * @since 0.1.0
 * @category errors
 */
export class TemplateNotFound extends Data.TaggedError("TemplateNotFound")<{
  readonly templateVersionId: string
  readonly message: string
}> {}

/**
 * The operations of the `TemplateSource` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateSourceShape {
  readonly files: (templateVersionId: string) => Effect.Effect<TemplateFiles.TemplateFiles, TemplateNotFound>
}

/**
 * The `TemplateSource` service tag; its operations are {@link TemplateSourceShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class TemplateSource
  extends Context.Tag("@warmpool/render/TemplateSource")<TemplateSource, TemplateSourceShape>()
{}

/**
 * A source over a fixed map of versions (tests, the CLI).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromMap = (versions: ReadonlyMap<string, TemplateFiles.TemplateFiles>): Layer.Layer<TemplateSource> =>
  Layer.succeed(TemplateSource, {
    files: (templateVersionId) => {
      const files = versions.get(templateVersionId)
      return files === undefined
        ? Effect.fail(
          new TemplateNotFound({ templateVersionId, message: `Template version ${templateVersionId} not found` })
        )
        : Effect.succeed(files)
    }
  })
