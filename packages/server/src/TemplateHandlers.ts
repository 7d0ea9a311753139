/**
 * Templates: list, import a version (JSON map or tar archive), activate, render (the
 * interactive dynamic-parameters preview, through the caches; answered as bytes kept per cached
 * output, with an `ETag`).
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import { BadRequest, NotFound, RenderTimeout, ValidationFailed, WarmpoolApi } from "@warmpool/client/Api"
import { Store, TemplateImport, TemplateVersions } from "@warmpool/prebuilds"
import { RenderCache, Renderer, SecretRequirements } from "@warmpool/render"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { withDeadline } from "./internal/deadline.js"
import { importFailure, renderFailure, sourceUnavailable, storeFailure, validationFailed } from "./internal/errors.js"
import { largeWorkBytes, yieldToEventLoop } from "./internal/eventLoop.js"
import { ownerOf } from "./internal/owner.js"
import { encodedRender, encodeRender, encodingOf, renderResponse } from "./internal/renderBody.js"
import { filesOfTar } from "./internal/tar.js"
import { checkEntries } from "./internal/upload.js"
import { ServerConfig } from "./ServerConfig.js"

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = HttpApiBuilder.group(WarmpoolApi, "templates", (handlers) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const importer = yield* TemplateImport.TemplateImport
    const renderer = yield* Renderer.Renderer
    const config = yield* ServerConfig
    const templateByName = (name: string) =>
      Effect.flatMap(store.listTemplates(), (templates) => {
        const found = templates.find((t) => t.name === name)
        return found === undefined
          ? Effect.fail(new NotFound({ message: `Template "${name}" not found.` }))
          : Effect.succeed(found)
      })
    const deadlineMissed = () =>
      new RenderTimeout({
        message: `The render did not finish within its deadline (${Duration.format(config.renderTimeout)}).`
      })
    return handlers
      .handle("list", () =>
        store.listTemplates().pipe(
          Effect.map((templates) => ({
            templates: templates.map((t) => ({
              id: t.id,
              name: t.name,
              activeVersionId: t.activeVersionId,
              deleted: t.deleted,
              deprecationMessage: t.deprecationMessage,
              versions: t.versions.map((v) => ({
                id: v.id,
                name: v.name,
                createdAt: DateTime.formatIso(v.createdAt),
                active: v.active
              }))
            }))
          })),
          Effect.catchTag("StoreError", storeFailure)
        ))
      .handle("importVersion", ({ path, payload }) =>
        Effect.gen(function*() {
          let files: Record<string, Uint8Array | string>
          let options: { activate?: boolean | undefined; strict?: boolean | undefined; name?: string | undefined } = {}
          if (payload instanceof Uint8Array) {
            files = yield* filesOfTar(payload, config.upload, { maxJsonDepth: config.maxJsonDepth }).pipe(
              Effect.mapError((e) => new BadRequest({ message: `payload: ${e.message}` }))
            )
          } else {
            const entries = Object.keys(payload.files).map((name) => ({ name, contents: payload.files[name]! }))
            files = yield* Either.mapLeft(
              checkEntries(entries, config.upload, { maxJsonDepth: config.maxJsonDepth }),
              (e) => new BadRequest({ message: `files: ${e.message}` })
            )
            options = payload
          }
          if (Object.keys(files).length === 0) {
            return yield* new BadRequest({ message: "files: a template version needs at least one file" })
          }
          const result = yield* importer.importVersion({
            templateName: path.name,
            files,
            activate: options.activate ?? true,
            strict: options.strict,
            versionName: options.name
          })
          return {
            templateId: result.templateId,
            versionId: result.templateVersionId,
            created: !result.reused,
            active: result.active,
            presets: result.presets.map((p) => ({
              name: p.name,
              status: p.status,
              desiredInstances: p.desiredInstances,
              diagnostics: p.diagnostics
            }))
          }
        }).pipe(
          Effect.catchTags({
            TemplateImportError: (e) =>
              Effect.fail(
                e.reason === "InvalidFiles"
                  ? new BadRequest({ message: `files: ${e.message}` })
                  : new ValidationFailed({
                    message: e.message,
                    validations: e.diagnostics
                      .filter((d) => d.severity === "error")
                      .map((d) => ({ field: "template", detail: `${d.summary}; ${d.detail}` }))
                  })
              ),
            ParameterValidationError: (e) => Effect.fail(validationFailed(e)),
            StoreError: storeFailure,
            RenderTimeout: importFailure,
            RenderResourceExhausted: importFailure,
            RenderWorkerFailed: importFailure
          })
        ))
      .handle("versions", ({ path }) =>
        Effect.gen(function*() {
          const template = yield* templateByName(path.name)
          const versions = yield* TemplateVersions.list(store, template.id, template.versions)
          return {
            template: template.name,
            activeVersionId: template.activeVersionId,
            versions: versions.map((v) => ({ ...v, createdAt: DateTime.formatIso(v.createdAt) }))
          }
        }).pipe(Effect.catchTag("StoreError", storeFailure)))
      .handle("activateVersion", ({ path }) =>
        Effect.gen(function*() {
          const template = yield* templateByName(path.name)
          if (!template.versions.some((v) => v.id === path.id)) {
            return yield* new NotFound({ message: `Template "${path.name}" has no version "${path.id}".` })
          }
          yield* store.activateVersion(template.id, template.versions.find((v) => v.id === path.id)!.id)
          return { templateId: template.id, activeVersionId: path.id }
        }).pipe(Effect.catchTag("StoreError", storeFailure)))
      .handle("render", ({ path, payload, request }) =>
        renderer.renderCached({
          templateVersionId: path.id,
          owner: ownerOf(payload.owner),
          values: payload.values ?? {},
          previousValues: payload.previousValues,
          fullEvaluation: payload.fullEvaluation
        })
          .pipe(
            Effect.timed,
            (timed) => withDeadline(timed, config.renderTimeout, deadlineMissed),
            // With the render worker pool the deadline preempts (the worker is terminated); in
            // process, compiling is synchronous work the timer above cannot preempt: a render that
            // ran past the deadline is refused too (its compiled template stays cached).
            Effect.flatMap(([elapsed, rendered]) =>
              Duration.greaterThan(elapsed, config.renderTimeout)
                ? Effect.fail(deadlineMissed())
                : Effect.succeed(rendered)
            ),
            // Secret status is per owner, after the render cache (never part of a cached render).
            // A cached output is encoded once and answered as bytes (`ETag`, 304 on a match); the
            // encoding of a large new one (a 6 MiB render takes tens of milliseconds) waits for a
            // turn of the event loop, so that the requests that came in meanwhile go first.
            Effect.flatMap((rendered) => {
              const output = rendered.output
              const secrets = payload.owner?.secrets
              const ifNoneMatch = request.headers["if-none-match"]
              const encoded = secrets === undefined ? encodingOf(output) : undefined
              if (encoded !== undefined) return Effect.succeed(renderResponse(encoded, ifNoneMatch))
              const respond = () =>
                renderResponse(
                  secrets === undefined
                    ? encodedRender(output)
                    : encodeRender(SecretRequirements.withStatus(output, secrets)),
                  ifNoneMatch
                )
              // The weight of a render just loaded is remembered by the cache (no walk).
              return RenderCache.weigh(rendered) >= largeWorkBytes
                ? Effect.map(yieldToEventLoop, respond)
                : Effect.sync(respond)
            }),
            Effect.catchTags({
              TemplateNotFound: () =>
                Effect.fail(new NotFound({ message: `Template version "${path.id}" not found.` })),
              TemplateSourceUnavailable: sourceUnavailable,
              // The pool's typed `RenderTimeout` shares its tag with the API's 504.
              RenderTimeout: (e) => e instanceof RenderTimeout ? Effect.fail(e) : renderFailure(e),
              RenderResourceExhausted: renderFailure,
              RenderWorkerFailed: renderFailure
            })
          ))
  }))
