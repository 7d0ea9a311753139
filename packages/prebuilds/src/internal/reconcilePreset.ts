/**
 * One preset's work in a cycle (`PREBUILDS.md` §3.8): persist the hard limit, derive the state and
 * the actions, and run them sequentially (each write its own transaction), collecting errors.
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import type { ProvisionerJobId, WorkspaceId } from "../Domain.js"
import * as ParameterValidationError from "../ParameterValidationError.js"
import * as PresetActions from "../PresetActions.js"
import * as Quarantine from "../Quarantine.js"
import type { Settings } from "../Settings.js"
import type { PresetSnapshot } from "../Snapshot.js"
import { DeletePrebuildResult, type StoreShape } from "../Store.js"
import type { WorkspaceBuilderShape } from "../WorkspaceBuilder.js"
import { systemOwner } from "../WorkspaceBuilder.js"

/**
 * What a preset's work needs.
 *
 * @internal
 */
export interface PresetDeps {
  readonly store: StoreShape
  readonly builder: WorkspaceBuilderShape
  readonly settings: Settings
  /** Offer a committed job to the provisioners (never blocks). */
  readonly notify: (jobId: ProvisionerJobId) => Effect.Effect<void>
  /**
   * The presets in backoff at the end of their last reconciliation (by preset id), so that
   * entering and leaving backoff are logged once, when they happen, not on every cycle.
   */
  readonly backingOff: Set<string>
}

/**
 * Counters of one cycle, shared by its preset fibers.
 *
 * @internal
 */
export interface CycleCounters {
  creates: number
  deletes: number
  cancels: number
  errors: number
}

/**
 * A fresh set of counters.
 *
 * @internal
 */
export const makeCounters = (): CycleCounters => ({ creates: 0, deletes: 0, cancels: 0, errors: 0 })

const nameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

/**
 * A random prebuild name (`prebuild-` and 12 characters), from Effect's `Random` so that a seeded
 * run is reproducible.
 *
 * @internal
 */
export const randomName: Effect.Effect<string> = Effect.gen(function*() {
  let suffix = ""
  for (let i = 0; i < 12; i++) suffix += nameAlphabet[yield* Random.nextIntBetween(0, nameAlphabet.length)]
  return `prebuild-${suffix}`
})

const presetAnnotations = (slice: PresetSnapshot) => ({
  preset_id: slice.preset.presetId,
  preset: slice.preset.presetName,
  template: slice.preset.templateName,
  template_version: slice.preset.templateVersionName
})

const recordError = (counters: CycleCounters, message: string, error: unknown) =>
  Effect.sync(() => {
    counters.errors++
  }).pipe(Effect.zipRight(Effect.logError(message).pipe(Effect.annotateLogs({ error: String(error) }))))

/** Counts an overrun of the preset's version; the store quarantines it at the threshold. */
const recordOverrun = (deps: PresetDeps, slice: PresetSnapshot, reason: string, counters: CycleCounters) =>
  Effect.gen(function*() {
    const now = yield* DateTime.now
    const threshold = Quarantine.thresholdOf(deps.settings)
    const recorded = yield* Effect.either(
      deps.store.recordRenderOverrun(slice.preset.templateVersionId, reason, threshold, now)
    )
    if (recorded._tag === "Left") return yield* recordError(counters, "cannot record a render overrun", recorded.left)
    const result = recorded.right
    if (result.newlyQuarantined) {
      yield* Effect.logWarning(
        "template version quarantined: its renders keep exceeding a limit (no prebuilds until resumed or a new version)"
      ).pipe(Effect.annotateLogs({ reason, overruns: result.overruns, state: "quarantined" }))
    } else {
      yield* Effect.logWarning("a render exceeded a limit").pipe(
        Effect.annotateLogs({ reason, overruns: result.overruns, threshold })
      )
    }
  })

/**
 * Creates up to `count` prebuilds one after the other. A parameter validation failure marks the
 * preset `validation_failed` and stops (every further attempt would fail alike); other failures
 * are recorded and the loop goes on.
 */
const createPrebuilds = (deps: PresetDeps, slice: PresetSnapshot, count: number, counters: CycleCounters) =>
  Effect.gen(function*() {
    const preset = slice.preset
    const stored = yield* Effect.either(deps.store.presetById(preset.presetId))
    if (stored._tag === "Left") return yield* recordError(counters, "cannot read the preset's parameters", stored.left)
    if (Option.isNone(stored.right)) return yield* Effect.logWarning("the preset no longer exists; skipping creates")
    const presetValues = stored.right.value.parameters
    for (let i = 0; i < count; i++) {
      const resolved = yield* Effect.either(deps.builder.resolveParameters({
        templateVersionId: preset.templateVersionId,
        owner: systemOwner,
        transition: "start",
        presetValues
      }))
      if (resolved._tag === "Left") {
        const error = resolved.left
        const overrun = Quarantine.overrunReason(error)
        if (Option.isSome(overrun)) {
          // Every further render of this version would overrun alike: stop for this cycle.
          counters.errors++
          return yield* recordOverrun(deps, slice, overrun.value, counters)
        }
        if (error._tag === "ParameterValidationError") {
          yield* Effect.logWarning(
            "the preset's parameters fail validation; marking it validation_failed (no further attempts until a new template version)"
          ).pipe(Effect.annotateLogs({ validation: ParameterValidationError.format(error) }))
          const marked = yield* Effect.either(
            deps.store.setPresetStatus(
              preset.presetId,
              "validation_failed",
              ParameterValidationError.toDiagnostics(error)
            )
          )
          if (marked._tag === "Left") yield* recordError(counters, "cannot persist validation_failed", marked.left)
          counters.errors++
          return
        }
        yield* recordError(counters, "cannot resolve the parameters of a prebuild", error)
        continue
      }
      const name = yield* randomName
      const now = yield* DateTime.now
      const created = yield* Effect.either(deps.store.createPrebuild({
        presetId: preset.presetId,
        name,
        now,
        parameters: resolved.right.values
      }))
      if (created._tag === "Left") {
        yield* recordError(counters, "cannot create a prebuild", created.left)
        continue
      }
      counters.creates++
      yield* deps.notify(created.right.jobId)
      yield* Effect.logDebug("prebuild created").pipe(
        Effect.annotateLogs({ workspace_id: created.right.workspaceId, workspace: name })
      )
    }
  })

const deletePrebuilds = (
  deps: PresetDeps,
  ids: ReadonlyArray<WorkspaceId>,
  counters: CycleCounters
) =>
  Effect.forEach(ids, (id) =>
    Effect.gen(function*() {
      const now = yield* DateTime.now
      const result = yield* Effect.either(deps.store.deletePrebuild(id, now))
      if (result._tag === "Left") return yield* recordError(counters, "cannot delete a prebuild", result.left)
      yield* DeletePrebuildResult.$match(result.right, {
        Enqueued: ({ jobId }) =>
          Effect.sync(() => {
            counters.deletes++
          }).pipe(Effect.zipRight(deps.notify(jobId))),
        NotOwned: ({ ownerId }) =>
          Effect.logWarning("refusing to delete a prebuild the system user no longer owns (probably claimed)").pipe(
            Effect.annotateLogs({ workspace_id: id, owner_id: ownerId })
          ),
        AlreadyDeleted: () =>
          Effect.logDebug("prebuild already deleted").pipe(Effect.annotateLogs({ workspace_id: id })),
        BuildInProgress: () =>
          Effect.logDebug("prebuild has a build in progress; not deleting it now").pipe(
            Effect.annotateLogs({ workspace_id: id })
          )
      })
    }), { discard: true })

/**
 * Creates `count` prebuilds of the preset now (the second phase of a cycle whose creates were
 * deferred by {@link reconcilePreset}; issue 16).
 *
 * @internal
 */
export const runCreates = (
  deps: PresetDeps,
  slice: PresetSnapshot,
  count: number,
  counters: CycleCounters
): Effect.Effect<void> =>
  count > 0
    ? createPrebuilds(deps, slice, count, counters).pipe(Effect.annotateLogs(presetAnnotations(slice)))
    : Effect.void

/**
 * Runs one preset: §3.8 steps 1–3. Failures are recorded in `counters` and logged; the effect
 * itself only fails on a defect (the cycle isolates those too).
 *
 * With `deferCreates` (issue 16: deletes before creates, creates under the queue cap), the
 * creates the preset would make are not made but returned, for {@link runCreates} once every
 * preset's deletes and cancels have run; otherwise they are made and 0 is returned.
 *
 * @internal
 */
export const reconcilePreset = (
  deps: PresetDeps,
  slice: PresetSnapshot,
  now: DateTime.Utc,
  counters: CycleCounters,
  options: { readonly deferCreates?: boolean | undefined } = {}
): Effect.Effect<number> =>
  Effect.gen(function*() {
    let deferred = 0
    const preset = slice.preset
    if (slice.isHardLimited && preset.prebuildStatus === "healthy") {
      const marked = yield* Effect.either(deps.store.setPresetStatus(preset.presetId, "hard_limited"))
      if (marked._tag === "Left") yield* recordError(counters, "cannot persist hard_limited", marked.left)
      else {
        yield* Effect.logWarning(
          "preset reached the failure hard limit: no more prebuilds until a new template version (template admins: check the failed builds)"
        ).pipe(Effect.annotateLogs({ hard_limit: deps.settings.failureHardLimit }))
      }
    }
    const { actions, state } = PresetActions.derive(slice, now, deps.settings)
    yield* Effect.logDebug("preset state").pipe(Effect.annotateLogs({ state, actions: actions.map((a) => a._tag) }))
    let backingOff = false
    for (const action of actions) {
      switch (action._tag) {
        case "Backoff": {
          backingOff = true
          const entered = !deps.backingOff.has(preset.presetId)
          deps.backingOff.add(preset.presetId)
          yield* (entered ? Effect.logWarning : Effect.logDebug)(
            entered ? "preset entered backoff after failed builds" : "preset is in backoff"
          ).pipe(Effect.annotateLogs({ backoff_until: DateTime.formatIso(action.until) }))
          break
        }
        case "CancelPending": {
          const canceled = yield* Effect.either(deps.store.cancelPending(preset.presetId, yield* DateTime.now))
          if (canceled._tag === "Left") {
            yield* recordError(counters, "cannot cancel pending prebuilds", canceled.left)
          } else if (canceled.right > 0) {
            // The orphan deletes complete in the store itself: there is no job to offer.
            counters.cancels += canceled.right
            yield* Effect.logInfo(`canceled ${canceled.right} pending prebuild(s) of an inactive version`)
          }
          break
        }
        case "Delete": {
          yield* deletePrebuilds(deps, action.ids, counters)
          break
        }
        case "Create": {
          const decision = PresetActions.decideCreate(slice, action.count, now)
          if (decision.capped) {
            yield* Effect.logFatal("a create exceeds the preset's pool size; clamping it (this is a bug)").pipe(
              Effect.annotateLogs({ requested: decision.requested, desired: state.desired })
            )
          }
          switch (decision._tag) {
            case "SkipHardLimited": {
              yield* Effect.logDebug("preset is hard-limited; not creating")
              break
            }
            case "SkipValidationFailed": {
              yield* Effect.logDebug("preset failed validation; not creating")
              break
            }
            case "SkipQuarantined": {
              yield* Effect.logDebug("preset's template version is quarantined; not creating").pipe(
                Effect.annotateLogs({ reason: decision.reason })
              )
              break
            }
            case "Proceed": {
              if (options.deferCreates === true) deferred += Math.max(decision.count, 0)
              else if (decision.count > 0) yield* createPrebuilds(deps, slice, decision.count, counters)
              break
            }
          }
          break
        }
      }
    }
    if (!backingOff && deps.backingOff.delete(preset.presetId)) {
      yield* Effect.logInfo(
        slice.isHardLimited ? "preset left backoff (it is hard-limited)" : "preset left backoff: builds resume"
      )
    }
    return deferred
  }).pipe(Effect.annotateLogs(presetAnnotations(slice)))
