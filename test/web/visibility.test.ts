/**
 * The console's operator views in headless Chromium against the real application in process
 * (`consoleServer.ts`) whose `command` provisioner always fails (a marker on stderr, exit 1): the backing-off state with its
 * end and last error, the builds view with the failed build's error and output, the resume
 * button (hard limit), and the dashboard at 420 px. Two servers: one with no hard limit and a
 * long backoff (the pool stays `backing_off`), one with a hard limit of 1.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { Browser, Page } from "playwright-core"
import { artifactsDir, browserRequired, chromiumInstalled, launchChromium, skipReason } from "./browser.js"
import { buildConsole, type ConsoleServer, startConsoleServer } from "./consoleServer.js"

const skipped = !chromiumInstalled && !browserRequired
if (skipped) console.warn(`web console browser tests skipped: ${skipReason}`)

const marker = `CONSOLE-MARKER-${process.pid}`
const poll = { timeout: 30_000, interval: 100 }

const template = `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}

data "coder_workspace_preset" "warm" {
  name = "warm"
  parameters = {
    size = "small"
  }
  prebuilds {
    instances = 1
  }
}
`

let browser: Browser
let directory: string
let webDirectory: string
let backingOff: ConsoleServer
let limited: ConsoleServer
let problems: Array<string> = []

const start = (hardLimit: string, backoffInterval: string) =>
  startConsoleServer({
    templates: path.join(directory, "templates"),
    webDirectory,
    flags: {
      provisioner: "command",
      "provisioner-command": path.join(directory, "fail.sh"),
      "hard-limit": hardLimit,
      "backoff-interval": backoffInterval
    }
  })

beforeAll(async () => {
  if (skipped) return
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-console-visibility-"))
  webDirectory = buildConsole(path.join(directory, "web"))
  const script = path.join(directory, "fail.sh")
  fs.writeFileSync(
    script,
    `#!/bin/sh\ncat >/dev/null\necho "plan: 1 to add"\necho "${marker}: quota exceeded" >&2\nexit 1\n`
  )
  fs.chmodSync(script, 0o755)
  fs.mkdirSync(path.join(directory, "templates", "failing"), { recursive: true })
  fs.writeFileSync(path.join(directory, "templates", "failing", "main.tf"), template)
  browser = await launchChromium()
  backingOff = await start("0", "10m")
  limited = await start("1", "1s")
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await backingOff?.close()
  await limited?.close()
  if (directory !== undefined) fs.rmSync(directory, { recursive: true, force: true })
})

const openPage = async (
  server: ConsoleServer,
  hash: string,
  viewport = { width: 1280, height: 900 }
): Promise<Page> => {
  const context = await browser.newContext({ viewport, colorScheme: "light", reducedMotion: "reduce" })
  const page = await context.newPage()
  problems = []
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console: ${message.text()}`)
    }
  })
  await page.goto(`${server.url}/${hash}`)
  await page.getByLabel("Token", { exact: true }).fill(server.token)
  await page.keyboard.press("Enter")
  return page
}

const row = (page: Page) => page.locator("tr[data-preset=\"warm\"]")

describe.skipIf(skipped)("web console in Chromium: operator views (real server, failing builds)", () => {
  it("shows a backing-off pool with its end and last error, not Healthy", async () => {
    const page = await openPage(backingOff, "#/pools")
    await expect.poll(() => row(page).getAttribute("data-state"), poll).toBe("backing_off")
    expect(await row(page).getAttribute("data-status")).toBe("healthy")
    expect(await row(page).locator(".badge").textContent()).toBe("Backing off")
    expect(await row(page).locator("time").count()).toBe(1)
    await expect.poll(() => row(page).locator(".last-error").textContent(), poll).toContain(marker)
    expect(await row(page).getAttribute("class")).toContain("row-trouble")
    await page.screenshot({ path: path.join(artifactsDir(), "web-backing-off.png"), fullPage: true })
    expect(problems).toEqual([])
    await page.context().close()
  }, 60_000)

  it("the pools view links to the preset's builds; a failed build shows its error and output", async () => {
    const page = await openPage(backingOff, "#/pools")
    await row(page).getByRole("link", { name: /Builds/ }).click()
    await page.getByRole("heading", { name: "Builds of failing/warm" }).waitFor()
    expect(page.url()).toContain("#/builds?template=failing&preset=warm")
    const build = page.locator("li.build[data-status=\"failed\"]").first()
    await build.waitFor({ timeout: 30_000 })
    expect(await build.locator(".build-error").textContent()).toContain(marker)
    await build.getByRole("button").click()
    const stderr = page.locator("pre.log[data-stream=\"stderr\"]")
    await stderr.waitFor()
    expect(await stderr.textContent()).toContain(`${marker}: quota exceeded`)
    expect(await page.locator("pre.log[data-stream=\"stdout\"]").textContent()).toContain("plan: 1 to add")
    // The status filter.
    await page.getByRole("link", { name: "succeeded", exact: true }).click()
    await page.getByText("No builds yet.").waitFor()
    await page.screenshot({ path: path.join(artifactsDir(), "web-builds.png"), fullPage: true })
    expect(problems).toEqual([])
    await page.context().close()
  }, 60_000)

  it("resumes a hard-limited pool from the dashboard", async () => {
    const page = await openPage(limited, "#/pools")
    await expect.poll(() => row(page).getAttribute("data-state"), poll).toBe("hard_limited")
    expect(await row(page).getAttribute("data-status")).toBe("hard_limited")
    expect(await row(page).locator(".badge").textContent()).toBe("Hard limited")
    await expect.poll(() => row(page).locator(".last-error").textContent(), poll).toContain(marker)
    // No backoff end: a hard-limited pool waits for a resume or a new version, not for a time.
    expect(await row(page).locator("time").count()).toBe(0)
    await page.screenshot({ path: path.join(artifactsDir(), "web-hard-limited.png"), fullPage: true })
    const answered = page.waitForResponse((response) =>
      response.url().endsWith("/api/v1/presets/failing/warm/resume") && response.request().method() === "POST"
    )
    await row(page).getByRole("button", { name: /Resume/ }).click()
    const response = await answered
    expect(response.status()).toBe(200)
    expect(await response.json()).toMatchObject({ previousStatus: "hard_limited", status: "healthy" })
    await page.getByText("Resumed failing/warm: it fills again.").waitFor()
    expect(problems).toEqual([])
    await page.context().close()
  }, 60_000)

  it("is usable at 420 px: no horizontal scrolling, every pool field visible", async () => {
    const page = await openPage(backingOff, "#/pools", { width: 420, height: 860 })
    await row(page).waitFor()
    await expect.poll(() => row(page).getAttribute("data-state"), poll).toBe("backing_off")
    const overflow = await page.evaluate<number>(
      "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    expect(overflow).toBeLessThanOrEqual(0)
    const box = await row(page).locator(".badge").boundingBox()
    expect(box).not.toBeNull()
    expect(box!.x + box!.width).toBeLessThanOrEqual(420)
    const resume = await row(page).getByRole("button", { name: /Resume/ }).boundingBox()
    expect(resume!.x + resume!.width).toBeLessThanOrEqual(420)
    await page.screenshot({ path: path.join(artifactsDir(), "web-pools-420.png"), fullPage: true })
    expect(problems).toEqual([])
    await page.context().close()
  }, 60_000)
})
