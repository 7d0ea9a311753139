/**
 * How `warmpool serve` names itself as the holder of a SQLite file's writer lock, and when it may
 * take a recorded holder's lock over at once: only for a process of this host and pid namespace
 * that no longer exists.
 */
import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import * as os from "node:os"
import * as App from "../src/App.js"

describe("App: the writer lock's holder", () => {
  const own = App.lockHolder()
  const namespace = / \(pid namespace (.*)\)$/.exec(own)?.[1] ?? ""

  it("names the host, the pid and the pid namespace", () => {
    expect(own).toBe(`${os.hostname()}:${process.pid} (pid namespace ${namespace})`)
  })

  it("only a process of this host and namespace that has exited is gone", () => {
    const exited = spawnSync(process.execPath, ["-e", "0"]).pid!
    const table: ReadonlyArray<readonly [string, boolean]> = [
      [own, false],
      [`${os.hostname()}:${exited} (pid namespace ${namespace})`, namespace !== "unknown"],
      [`another-host:${exited} (pid namespace ${namespace})`, false],
      [`${os.hostname()}:${exited} (pid namespace pid:[1])`, false],
      [`${os.hostname()}:${exited} (pid namespace unknown)`, false],
      [`${os.hostname()}:${exited}`, false],
      ["garbage", false]
    ]
    for (const [holder, gone] of table) expect([holder, App.holderGone(holder)]).toEqual([holder, gone])
  })
})
