/**
 * The pure rules of job leases (issue 17): what the reaper does with a job, which reaped jobs get
 * a follow-up `delete` build, settings and worker ids.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as fc from "fast-check"
import type { ProvisionerWorkerId, UserId } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import * as JobLeases from "../src/JobLeases.js"

const w = (id: string) => id as ProvisionerWorkerId
const NOW = 1_000_000

describe("JobLeases.reapDecision", () => {
  const table: ReadonlyArray<
    readonly [
      title: string,
      job: JobLeases.LeasedJob,
      live: ReadonlyArray<string> | undefined,
      expected: JobLeases.ReapDecision
    ]
  > = [
    [
      "lease in force",
      { status: "running", workerId: w("a"), startedAt: 1, leaseExpiresAt: NOW + 1 },
      undefined,
      "keep"
    ],
    [
      "lease ends now (inclusive)",
      { status: "running", workerId: w("a"), startedAt: 1, leaseExpiresAt: NOW },
      undefined,
      "keep"
    ],
    [
      "lease ended 1 ms ago, started",
      { status: "running", workerId: w("a"), startedAt: 1, leaseExpiresAt: NOW - 1 },
      undefined,
      "fail"
    ],
    [
      "lease ended, never started",
      { status: "running", workerId: w("a"), startedAt: null, leaseExpiresAt: NOW - 1 },
      undefined,
      "requeue"
    ],
    [
      "lease ended while canceling",
      { status: "canceling", workerId: w("a"), startedAt: 1, leaseExpiresAt: NOW - 1 },
      undefined,
      "cancel"
    ],
    [
      "canceling, never started",
      { status: "canceling", workerId: w("a"), startedAt: null, leaseExpiresAt: NOW - 1 },
      undefined,
      "cancel"
    ],
    [
      "no lease (taken before leases existed)",
      { status: "running", workerId: w("a"), startedAt: 1, leaseExpiresAt: null },
      undefined,
      "fail"
    ],
    ["live worker, lease in force", { status: "running", workerId: w("a"), startedAt: 1, leaseExpiresAt: NOW + 9 }, [
      "a"
    ], "keep"],
    [
      "dead worker, lease in force, started",
      { status: "running", workerId: w("b"), startedAt: 1, leaseExpiresAt: NOW + 9 },
      ["a"],
      "fail"
    ],
    [
      "dead worker, lease in force, not started",
      { status: "running", workerId: w("b"), startedAt: null, leaseExpiresAt: NOW + 9 },
      ["a"],
      "requeue"
    ],
    [
      "no live worker at all",
      { status: "running", workerId: w("a"), startedAt: 1, leaseExpiresAt: NOW + 9 },
      [],
      "fail"
    ],
    ["no worker recorded", { status: "running", workerId: null, startedAt: 1, leaseExpiresAt: NOW + 9 }, ["a"], "fail"],
    ["live worker but lease expired", { status: "running", workerId: w("a"), startedAt: 1, leaseExpiresAt: NOW - 1 }, [
      "a"
    ], "fail"]
  ]
  for (const [title, job, live, expected] of table) {
    it(`${title} → ${expected}`, () => {
      expect(JobLeases.reapDecision(job, NOW, live === undefined ? undefined : new Set(live))).toBe(expected)
    })
  }

  it("keeps exactly the jobs whose lease holds and whose worker may be alive (property)", () => {
    fc.assert(fc.property(
      fc.constantFrom<"running" | "canceling">("running", "canceling"),
      fc.option(fc.integer({ min: 0, max: 2 * NOW }), { nil: null }),
      fc.option(fc.integer({ min: 0, max: 2 * NOW }), { nil: null }),
      fc.option(fc.array(fc.constantFrom("a", "b", "c")), { nil: undefined }),
      (status, startedAt, leaseExpiresAt, live) => {
        const job: JobLeases.LeasedJob = { status, workerId: w("a"), startedAt, leaseExpiresAt }
        const decision = JobLeases.reapDecision(job, NOW, live === undefined ? undefined : new Set(live))
        const holds = leaseExpiresAt !== null && leaseExpiresAt >= NOW && (live === undefined || live.includes("a"))
        expect(decision === "keep").toBe(holds)
        if (!holds) expect(decision).toBe(status === "canceling" ? "cancel" : startedAt === null ? "requeue" : "fail")
      }
    ))
  })

  it("names the worker in the error", () => {
    expect(JobLeases.leaseExpiredError(w("echo-1@host:42"))).toBe(
      "lease expired: worker echo-1@host:42 stopped heartbeating"
    )
  })
})

describe("JobLeases.needsFollowUpDelete", () => {
  const gina = "user-gina" as UserId
  const base = {
    transition: "start" as const,
    buildNumber: 1,
    initiatorId: SystemUserId,
    ownerId: SystemUserId,
    workspaceDeleted: false
  }
  const table: ReadonlyArray<readonly [string, Parameters<typeof JobLeases.needsFollowUpDelete>[0], boolean]> = [
    ["a prebuild create", base, true],
    ["a prebuild delete", { ...base, transition: "delete", buildNumber: 2 }, true],
    ["a prebuild stop", { ...base, transition: "stop", buildNumber: 2 }, false],
    ["a later start of a prebuild", { ...base, buildNumber: 2 }, false],
    ["a claim build (the user owns it now)", { ...base, buildNumber: 2, initiatorId: gina, ownerId: gina }, false],
    ["a create whose workspace was claimed meanwhile", { ...base, ownerId: gina }, false],
    ["a user's own workspace", { ...base, initiatorId: gina, ownerId: gina }, false],
    ["a deleted workspace", { ...base, workspaceDeleted: true }, false],
    ["a user's delete", { ...base, transition: "delete", initiatorId: gina, ownerId: gina }, false]
  ]
  for (const [title, build, expected] of table) {
    it(`${title} → ${expected}`, () => expect(JobLeases.needsFollowUpDelete(build)).toBe(expected))
  }
})

describe("JobLeases settings and worker ids", () => {
  it("defaults: lease 30 s, heartbeat 5 s", () => {
    expect(Duration.toMillis(JobLeases.defaults.lease)).toBe(30_000)
    expect(Duration.toMillis(JobLeases.defaults.heartbeat)).toBe(5_000)
  })

  it("a heartbeat not shorter than the lease is clamped to a third of it", () => {
    const made = JobLeases.make({ lease: Duration.seconds(9), heartbeat: Duration.seconds(9) })
    expect(Duration.toMillis(made.heartbeat)).toBe(3_000)
    const kept = JobLeases.make({ lease: Duration.seconds(9), heartbeat: Duration.seconds(2) })
    expect(Duration.toMillis(kept.heartbeat)).toBe(2_000)
  })

  it("worker ids name the kind, index, host and pid", () => {
    expect(JobLeases.workerId("command", 3, "box", 4711)).toBe("command-3@box:4711")
  })

  it("reapedAny", () => {
    expect(JobLeases.reapedAny(JobLeases.emptyReapResult)).toBe(false)
    expect(JobLeases.reapedAny({ ...JobLeases.emptyReapResult, deletes: 1 })).toBe(true)
  })
})
