/**
 * A `TemplateSource` backed by the prebuilds `Store`: a template version's files come from
 * `Store.versionFiles`, so any replica sharing the database can compile any version.
 *
 * @since 0.1.0
 */
import { TemplateSource } from "@warmpool/render"
import { TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type { TemplateVersionId } from "./Domain.js"
import { Store } from "./Store.js"

/**
 * The source on the `Store` of the context. A version that does not exist and a stored file set
 * that is not a valid snapshot answer `TemplateNotFound`; any other store failure (the database
 * is unreachable, a query failed) answers `TemplateSourceUnavailable`, so that an outage is never
 * reported as a missing version. The template cache never keeps a failure.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<TemplateSource.TemplateSource, never, Store> = Layer.effect(
  TemplateSource.TemplateSource,
  Effect.map(Store, (store) => ({
    files: (templateVersionId: string) =>
      store.versionFiles(templateVersionId as TemplateVersionId).pipe(
        Effect.mapError((error): TemplateSource.TemplateSourceError =>
          error.reason === "NotFound"
            ? new TemplateSource.TemplateNotFound({
              templateVersionId,
              message: `Template version ${templateVersionId} not found`
            })
            : new TemplateSource.TemplateSourceUnavailable({
              templateVersionId,
              message: `Template version ${templateVersionId} could not be read: ${error.message}`
            })
        ),
        Effect.flatMap((files) =>
          Either.match(TemplateFiles.fromRecord(files), {
            onLeft: (error) =>
              Effect.fail(
                new TemplateSource.TemplateNotFound({
                  templateVersionId,
                  message: `Template version ${templateVersionId} has invalid files: ${error.message}`
                })
              ),
            onRight: Effect.succeed
          })
        )
      )
  }))
)
