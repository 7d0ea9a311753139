/**
 * The web console in headless Chromium against the real application in process (see
 * `consoleServer.ts`): token dialog, the live parameters form on the example templates, the
 * stale-response guard, presets, and the pools dashboard filling up as the real reconciler works.
 * Screenshots of the form and the dashboard are saved as artifacts. (A hard-limited pool is in
 * `visibility.test.ts`, on a server whose provisioner fails.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import type { Browser, BrowserContext, Page } from "playwright-core"
import { artifactsDir, browserRequired, chromiumInstalled, launchChromium, skipReason } from "./browser.js"
import { type ConsoleServer, consoleTemplates, startConsoleServer } from "./consoleServer.js"

const skipped = !chromiumInstalled && !browserRequired
if (skipped) console.warn(`web console browser tests skipped: ${skipReason}`)

const poll = { timeout: 8_000, interval: 50 }

/** A render request as the page sent it. */
interface RecordedRender {
  readonly versionId: string
  readonly values: Readonly<Record<string, string>>
  readonly groups: ReadonlyArray<string>
}

const renderRoute = /\/api\/v1\/templateversions\/([^/]+)\/render$/

let browser: Browser
let context: BrowserContext | undefined
let problems: Array<string> = []
/** The render requests of the current page, oldest first. */
let renders: Array<RecordedRender> = []

beforeAll(async () => {
  if (!skipped) browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
})

afterEach(async () => {
  await context?.close()
  context = undefined
})

/** A fresh tab (its own session storage) on a console; page errors and render requests are collected. */
const openPage = async (baseUrl: string, hash = ""): Promise<Page> => {
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: "light",
    reducedMotion: "reduce"
  })
  const page = await context.newPage()
  problems = []
  renders = []
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
  page.on("console", (message) => {
    // Missing icons (404) and the deliberate 401s are resource errors, not page problems.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console: ${message.text()}`)
    }
  })
  page.on("request", (request) => {
    const match = renderRoute.exec(new URL(request.url()).pathname)
    if (match === null || request.method() !== "POST") return
    const body = JSON.parse(request.postData() ?? "{}") as {
      values?: Record<string, string>
      owner?: { groups?: ReadonlyArray<string> }
    }
    renders.push({ versionId: match[1]!, values: body.values ?? {}, groups: body.owner?.groups ?? [] })
  })
  await page.goto(`${baseUrl}/${hash}`)
  return page
}

/**
 * Holds the responses of the page's next render requests for the given delays (ms), in request
 * order: the requests reach the real server at once, their answers reach the page late. Returns
 * the values of the answered requests, in the order the page received the answers.
 */
const delayRenderResponses = async (page: Page, delays: ReadonlyArray<number>) => {
  const pending = [...delays]
  const answered: Array<Readonly<Record<string, string>>> = []
  await page.route("**/api/v1/templateversions/*/render", async (route) => {
    const delay = pending.shift() ?? 0
    const response = await route.fetch()
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    await route.fulfill({ response })
    answered.push((JSON.parse(route.request().postData() ?? "{}") as { values?: Record<string, string> }).values ?? {})
  })
  return answered
}

describe.skipIf(skipped)("web console in Chromium", () => {
  let server: ConsoleServer
  let templates: string | undefined

  beforeAll(async () => {
    templates = consoleTemplates()
    server = await startConsoleServer({ templates })
  }, 120_000)

  afterAll(async () => {
    await server?.close()
    if (templates !== undefined) fs.rmSync(templates, { recursive: true, force: true })
  })

  const newPage = (hash = ""): Promise<Page> => openPage(server.url, hash)

  const signIn = async (page: Page, token = server.token) => {
    await page.getByLabel("Token", { exact: true }).fill(token)
    await page.keyboard.press("Enter")
  }

  /** Opens the form signed in and waits for the first render. */
  const openForm = async (): Promise<Page> => {
    const page = await newPage()
    await signIn(page)
    await page.locator("[data-param=stack]").waitFor()
    return page
  }

  /** Select a template and wait until its parameters are rendered (not the previous template's). */
  const chooseTemplate = async (page: Page, name: string) => {
    const select = page.getByLabel("Template", { exact: true })
    const current = (await select.locator("option:checked").textContent()) ?? ""
    if (current !== name) {
      const rendered = page.waitForResponse((r) => r.url().includes("/render") && r.request().method() === "POST")
      await select.selectOption({ label: name })
      await rendered
    }
    await page.locator(".params-column h2", { hasText: `${name} parameters` }).waitFor()
    await page.locator("[data-param]").first().waitFor()
  }

  const optionTexts = (page: Page, label: string) =>
    page.getByLabel(label, { exact: true }).locator("option:not([disabled])").allTextContents()

  const diagnosticsOf = (page: Page, param: string) =>
    page.locator(`[data-param="${param}"] .field-diagnostics .diagnostic-summary`).allTextContents()

  const screenshot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(artifactsDir(), name), fullPage: true })

  it("asks for the token once, keeps it for the tab, and asks again after a 401", async () => {
    const page = await newPage()
    const dialog = page.getByRole("dialog", { name: "API token" })
    await dialog.waitFor()
    // A token the server refuses brings the dialog back with the reason, and is not kept.
    await signIn(page, "not-the-token")
    await dialog.getByRole("alert").waitFor()
    expect(await dialog.getByRole("alert").textContent()).toContain("did not accept the token")
    expect(await page.evaluate("sessionStorage.getItem('warmpool.apiToken')")).toBeNull()
    await signIn(page)
    await page.locator("[data-param=stack]").waitFor()
    expect(await dialog.count()).toBe(0)

    await page.reload()
    await page.locator("[data-param=stack]").waitFor()
    expect(await page.getByRole("dialog").count()).toBe(0)

    // A kept token the server no longer accepts (as after a token change): asked again.
    await page.evaluate("sessionStorage.setItem('warmpool.apiToken', 'an-old-token')")
    await page.reload()
    await dialog.waitFor()
    expect(await dialog.getByRole("alert").textContent()).toContain("did not accept the token")
    await signIn(page)
    await page.getByRole("link", { name: "Pools" }).click()
    await page.locator("tr[data-preset]").first().waitFor()
    // Each pool shows the version it runs (issue 16): the version's name.
    expect(await page.locator("tr[data-preset] [data-field=version]").first().textContent()).toMatch(/^v-[0-9a-f]{12}$/)
    expect(await page.evaluate("sessionStorage.getItem('warmpool.apiToken')")).toBe(server.token)
    expect(problems).toEqual([])
  })

  it("the login link (#token=…) signs in without the dialog and leaves no token in the address", async () => {
    const page = await newPage(`#token=${encodeURIComponent(server.token)}`)
    await page.locator("[data-param=stack]").waitFor()
    expect(await page.getByRole("dialog", { name: "API token" }).count()).toBe(0)
    expect(page.url()).not.toContain("token")
    expect(await page.evaluate("sessionStorage.getItem('warmpool.apiToken')")).toBe(server.token)
    await page.close()
  })

  it("re-renders when a parameter others depend on changes (docker-dev stack → image options)", async () => {
    const page = await openForm()
    await chooseTemplate(page, "docker-dev")
    await expect.poll(() => optionTexts(page, "Container image"), poll).toEqual(["golang:1.23", "golang:1.22"])
    expect(await page.getByRole("radio", { name: "Go" }).isChecked()).toBe(true)

    await page.getByRole("radio", { name: "Node.js" }).check()
    await expect.poll(() => optionTexts(page, "Container image"), poll).toEqual(["node:22", "node:20"])
    // The image follows its (dependent) default because the user never chose one.
    expect(await page.getByLabel("Container image", { exact: true }).inputValue()).toBe("node:22")
    expect(await page.locator(".tag-pair", { hasText: "stack" }).textContent()).toContain("node")

    // Keyboard: arrow keys move the radio selection, which re-renders too.
    await page.getByRole("radio", { name: "Node.js" }).focus()
    await page.keyboard.press("ArrowRight")
    await expect.poll(() => optionTexts(page, "Container image"), poll).toEqual(["python:3.13", "python:3.12"])
    expect(problems).toEqual([])
  })

  it("shows a validation error under the control and clears it (docker-dev cpus)", async () => {
    const page = await openForm()
    await chooseTemplate(page, "docker-dev")
    const cpus = page.locator("[data-param=cpus] input[type=number]")
    await cpus.fill("12")
    await expect.poll(() => diagnosticsOf(page, "cpus"), poll).toEqual([
      "Invalid parameter value according to 'validation' block"
    ])
    expect(await page.locator("[data-param=cpus] .diagnostic-detail").textContent()).toBe(
      "Choose between 1 and 8 cores (got 12)."
    )
    expect(await cpus.getAttribute("aria-invalid")).toBe("true")
    const describedBy = (await cpus.getAttribute("aria-describedby")) ?? ""
    expect(describedBy.split(" ")).toContain(
      await page.locator("[data-param=cpus] .field-diagnostics").getAttribute("id")
    )
    // The slider stays within its validation bounds.
    expect(await page.locator("[data-param=cpus] input[type=range]").getAttribute("max")).toBe("8")
    await screenshot(page, "web-form-validation.png")

    await cpus.fill("4")
    await expect.poll(() => diagnosticsOf(page, "cpus"), poll).toEqual([])
    expect(await cpus.getAttribute("aria-invalid")).toBeNull()
    expect(await page.locator("[data-param=cpus] input[type=range]").inputValue()).toBe("4")
    expect(problems).toEqual([])
  })

  it("debounces typing into one render and validates the text (docker-dev dotfiles_uri)", async () => {
    const page = await openForm()
    await chooseTemplate(page, "docker-dev")
    await expect.poll(() => page.locator(".render-status").getAttribute("data-state"), poll).toBe("done")
    const before = renders.length
    await page.getByLabel("Dotfiles repository").pressSequentially("http://example.com/dots", { delay: 15 })
    await expect.poll(() => diagnosticsOf(page, "dotfiles_uri"), poll).toEqual([
      "Invalid parameter value according to 'validation' block"
    ])
    const sent = renders.slice(before)
    expect(sent.length).toBe(1)
    expect(sent[0]!.values).toEqual({ dotfiles_uri: "http://example.com/dots" })

    await page.getByLabel("Dotfiles repository").fill("https://example.com/dots")
    await expect.poll(() => diagnosticsOf(page, "dotfiles_uri"), poll).toEqual([])
    expect(problems).toEqual([])
  })

  it("ignores a render response older than the latest request", async () => {
    const page = await openForm()
    await chooseTemplate(page, "docker-dev")
    await expect.poll(() => page.locator(".render-status").getAttribute("data-state"), poll).toBe("done")
    const before = renders.length
    const answered = await delayRenderResponses(page, [1500])

    await page.getByRole("radio", { name: "Python" }).check()
    await expect.poll(() => renders.length, poll).toBe(before + 1)
    await page.getByRole("radio", { name: "Node.js" }).check()
    await expect.poll(() => renders.length, poll).toBe(before + 2)
    await expect.poll(() => optionTexts(page, "Container image"), poll).toEqual(["node:22", "node:20"])

    // The slow (python) response arrives now and must not overwrite the newer (node) render.
    await expect.poll(() => answered.length, poll).toBe(2)
    expect(answered.map((values) => values.stack)).toEqual(["node", "python"])
    await page.waitForTimeout(300)
    expect(await optionTexts(page, "Container image")).toEqual(["node:22", "node:20"])
    expect(await page.getByRole("radio", { name: "Node.js" }).isChecked()).toBe(true)
    expect(await page.locator(".render-status").getAttribute("data-state")).toBe("done")
    expect(problems).toEqual([])
  })

  it("applies a preset's values and re-renders; None goes back to the defaults", async () => {
    const page = await openForm()
    await chooseTemplate(page, "docker-dev")
    const presetPicker = page.getByLabel("Fill the form from a preset")
    expect(await presetPicker.locator("option").allTextContents()).toEqual([
      "None: template defaults",
      "Go (2 cores) (default)",
      "Python (4 cores)"
    ])
    await presetPicker.selectOption({ label: "Python (4 cores)" })
    await expect.poll(() => optionTexts(page, "Container image"), poll).toEqual(["python:3.13", "python:3.12"])
    expect(await page.getByRole("radio", { name: "Python" }).isChecked()).toBe(true)
    expect(await page.getByLabel("Container image", { exact: true }).inputValue()).toBe("python:3.13")
    expect(await page.locator("[data-param=cpus] input[type=number]").inputValue()).toBe("4")
    expect(await page.locator("#preset-summary").textContent()).toContain("1 prebuilt")
    expect(renders.at(-1)!.values).toEqual({ stack: "python", image: "python:3.13", cpus: "4" })
    await screenshot(page, "web-form.png")

    await presetPicker.selectOption({ label: "None: template defaults" })
    await expect.poll(() => optionTexts(page, "Container image"), poll).toEqual(["golang:1.23", "golang:1.22"])
    expect(await page.locator("[data-param=cpus] input[type=number]").inputValue()).toBe("2")
    expect(problems).toEqual([])
  })

  it("owner groups change options; multi-select sends a JSON list (k8s-team)", async () => {
    const page = await openForm()
    await chooseTemplate(page, "k8s-team")
    const pools = () =>
      page.getByRole("group", { name: "Node pool" }).getByRole("radio").evaluateAll(
        (radios) => radios.map((r) => (r as unknown as { value: string }).value)
      )
    expect(await pools()).toEqual(["general", "highmem"])
    await page.getByLabel("Groups").fill("platform")
    await expect.poll(pools, poll).toEqual(["general", "highmem", "gpu"])
    expect(await page.locator("[data-param=cpu] .field-description").textContent()).toContain("quota: 16")
    expect(renders.at(-1)!.groups).toEqual(["platform"])

    const editors = page.getByRole("group", { name: "Editors" })
    expect(await editors.getByRole("checkbox", { name: "VS Code (browser)" }).isChecked()).toBe(true)
    await editors.getByRole("checkbox", { name: "Jupyter" }).focus()
    await page.keyboard.press("Space")
    await expect.poll(() => renders.at(-1)!.values.ide, poll).toBe("[\"code-server\",\"jupyter\"]")
    await screenshot(page, "web-form-k8s-team.png")
    expect(problems).toEqual([])
  })

  it("marks a required parameter, shows its error only once the field was left, clears it once filled (gpu-lab)", async () => {
    const page = await openForm()
    await chooseTemplate(page, "gpu-lab")
    const dataset = page.getByLabel("Dataset volume")
    expect(await page.locator("[data-param=dataset] .field-label").textContent()).toContain("(required)")
    // Untouched: no error yet (a fresh form does not open in red).
    await expect.poll(() => diagnosticsOf(page, "dataset"), poll).toEqual([])
    expect(await dataset.getAttribute("aria-invalid")).not.toBe("true")
    await dataset.focus()
    await page.keyboard.press("Tab")
    await expect.poll(() => diagnosticsOf(page, "dataset"), poll).toEqual(["Required parameter not provided"])
    expect(await dataset.getAttribute("aria-invalid")).toBe("true")
    await dataset.fill("imagenet")
    await expect.poll(() => diagnosticsOf(page, "dataset"), poll).toEqual([])
    expect(problems).toEqual([])
  })

  it("shows every form type as its control, usable from the keyboard (form-controls fixture)", async () => {
    const page = await openForm()
    await chooseTemplate(page, "form-controls")
    const lastValues = () => renders.at(-1)!.values

    const notes = page.getByLabel("Notes")
    expect(await notes.evaluate((el) => el.tagName)).toBe("TEXTAREA")
    expect(await notes.getAttribute("placeholder")).toBe("Anything the workspace should know")
    expect(await page.getByLabel("Access key").getAttribute("type")).toBe("password")
    expect(await page.getByLabel("Region").isDisabled()).toBe(true)
    expect(await page.getByLabel("Region").inputValue()).toBe("eu")
    expect(await page.locator("[data-param=disk] .hint").textContent()).toBe("From 10 to 100.")

    const gpu = page.getByRole("checkbox", { name: "Attach a GPU" })
    expect(await gpu.isChecked()).toBe(false)
    await gpu.focus()
    await page.keyboard.press("Enter")
    await expect.poll(() => lastValues().gpu, poll).toBe("true")

    const autostop = page.getByRole("switch", { name: "Stop when idle" })
    expect(await autostop.getAttribute("aria-checked")).toBe("true")
    expect(await page.locator("[data-param=autostop] .check-text").textContent()).toBe(
      "After one hour without activity"
    )
    await autostop.focus()
    await page.keyboard.press("Space")
    await expect.poll(() => lastValues().autostop, poll).toBe("false")
    expect(await autostop.getAttribute("aria-checked")).toBe("false")
    await page.keyboard.press("Enter")
    await expect.poll(() => lastValues().autostop, poll).toBe("true")

    const ports = page.getByLabel("Open ports", { exact: true })
    expect(await page.locator("[data-param=ports] .tag span").allTextContents()).toEqual(["8080"])
    await ports.fill("3000")
    await ports.press("Enter")
    await expect.poll(() => lastValues().ports, poll).toBe("[\"8080\",\"3000\"]")
    await page.getByRole("button", { name: "Remove 8080" }).click()
    await expect.poll(() => lastValues().ports, poll).toBe("[\"3000\"]")

    expect(await page.locator("[data-param=layout] .control-error").count()).toBe(1)
    expect(await diagnosticsOf(page, "layout")).toEqual([
      "Invalid parameter `type=\"string\"` and `form_type=\"slider\"`"
    ])
    await screenshot(page, "web-form-controls.png")
    expect(problems).toEqual([])
  })

  it("lists required secrets and whether the owner has them (secrets fixture)", async () => {
    const page = await openForm()
    await chooseTemplate(page, "secrets")
    const card = page.getByRole("region", { name: "Required secrets" })
    const statuses = () =>
      card.locator(".secret-row").evaluateAll((rows) =>
        rows.map((r) => (r as unknown as { getAttribute: (name: string) => string | null }).getAttribute("data-status"))
      )
    await expect.poll(statuses, poll).toEqual(["missing", "missing"])
    expect(await card.locator("code").allTextContents()).toEqual(["GH_TOKEN", "~/.ssh/id_ed25519"])
    expect(await card.textContent()).toContain("A GitHub token to clone private repositories")
    await page.getByLabel("Secrets the owner has").fill("GH_TOKEN")
    await expect.poll(statuses, poll).toEqual(["satisfied", "missing"])
    expect(await card.locator("#secrets-summary").textContent()).toBe("1 of 2 secrets missing")
    await page.getByLabel("Secrets the owner has").fill("GH_TOKEN, ~/.ssh/id_ed25519")
    await expect.poll(statuses, poll).toEqual(["satisfied", "satisfied"])
    expect(await card.locator("#secrets-summary").textContent()).toBe("All 2 secrets provided")
    await screenshot(page, "web-form-secrets.png")
    expect(problems).toEqual([])
  })

  it("every form control has a label and the render status is a live region", async () => {
    const page = await openForm()
    for (const template of ["docker-dev", "k8s-team", "gpu-lab", "form-controls"]) {
      await chooseTemplate(page, template)
      await page.locator("[data-param]").first().waitFor()
      const unlabelled = await page.evaluate(
        `[...document.querySelectorAll("main input, main select, main textarea, main button")]
        .filter((el) => !(el.labels && el.labels.length > 0) && !el.getAttribute("aria-labelledby")
          && !el.getAttribute("aria-label") && (el.textContent ?? "").trim() === "")
        .map((el) => el.outerHTML)`
      )
      expect(unlabelled).toEqual([])
    }
    expect(await page.locator(".render-status").getAttribute("aria-live")).toBe("polite")
    // Radio and checkbox groups are fieldsets with legends (docker-dev's stack is a radio group).
    await chooseTemplate(page, "docker-dev")
    await expect.poll(() => page.locator("fieldset[data-param=stack] > legend").count(), poll).toBe(1)
    // From a fresh load, Tab starts at the skip link.
    await page.reload()
    await page.locator("[data-param]").first().waitFor()
    await page.keyboard.press("Tab")
    expect(await page.evaluate("document.activeElement.textContent")).toBe("Skip to content")
    expect(problems).toEqual([])
  })

  it("dashboard: pools fill across refreshes, problems stand out, pause and resume", async () => {
    // Empty one pool while the reconciler is paused: the dashboard then sees it refill for real.
    expect(await server.api((api) => api.reconciler.pause())).toEqual({ paused: true })
    const standardPool = async () =>
      (await server.api((api) => api.prebuilds.presets())).presets.find((p) =>
        p.template === "k8s-team" && p.preset === "Standard" && p.activeVersion
      )!
    await expect.poll(async () => (await standardPool()).eligible, { timeout: 20_000, interval: 200 })
      .toBe((await standardPool()).desired)
    const desired = (await standardPool()).desired
    for (let i = 0; i < desired; i++) {
      const claim = await server.api((api) =>
        api.prebuilds.claim({
          payload: { template: "k8s-team", preset: "Standard", owner: { id: `dashboard-user-${i}` } }
        })
      )
      expect(claim).toMatchObject({ template: "k8s-team", preset: "Standard", ownerId: `dashboard-user-${i}` })
    }

    const page = await newPage("#/pools")
    await signIn(page)
    const eligible = (preset: string) =>
      page.locator(`tr[data-preset="${preset}"]`).first().locator("[data-field=eligible]").textContent().then(Number)
    await page.locator("tr[data-preset=Standard]").waitFor()
    await page.getByText("Reconciler paused", { exact: true }).waitFor()
    expect(await eligible("Standard")).toBe(0)

    // Paused: cycles keep running but create nothing, so the pool stays empty.
    const cycles = async () => (await server.api((api) => api.reconciler.status())).cycles
    const lastCycle = Math.max(0, ...(await cycles()).map((c) => c.cycle))
    await page.waitForTimeout(2500)
    const whilePaused = (await cycles()).filter((c) => c.cycle > lastCycle)
    expect(whilePaused.length).toBeGreaterThanOrEqual(1)
    expect(whilePaused.every((c) => c.paused && c.creates === 0)).toBe(true)
    expect(await eligible("Standard")).toBe(0)

    await page.getByRole("button", { name: "Resume reconciler" }).click()
    await page.getByText("Reconciler running", { exact: true }).waitFor()
    await expect.poll(() => eligible("Standard"), { timeout: 20_000, interval: 100 }).toBe(desired)

    const failed = page.locator("tr[data-preset=\"Legacy V100\"]")
    expect(await failed.getAttribute("data-status")).toBe("validation_failed")
    expect(await failed.locator(".status-reason").textContent()).toContain("not defined by the template")

    // Newest first, at most ten.
    await expect.poll(() => page.locator(".cycle-table tbody tr").count(), poll).toBeGreaterThanOrEqual(6)
    const shown = (await page.locator(".cycle-table tbody tr td:first-child").allTextContents()).map(Number)
    expect(shown.length).toBeLessThanOrEqual(10)
    expect(shown).toEqual([...shown].sort((a, b) => b - a))
    expect(await page.getByRole("img", { name: /Render cache hit rate over cycles/ }).count()).toBe(1)

    await expect.poll(() => eligible("Go (2 cores)"), { ...poll, timeout: 10_000 }).toBe(2)
    await screenshot(page, "web-dashboard.png")

    await page.getByRole("button", { name: "Pause reconciler" }).click()
    await page.getByText("Reconciler paused", { exact: true }).waitFor()
    expect((await server.api((api) => api.reconciler.status())).paused).toBe(true)
    await page.getByRole("button", { name: "Resume reconciler" }).click()
    await page.getByText("Reconciler running", { exact: true }).waitFor()
    expect((await server.api((api) => api.reconciler.status())).paused).toBe(false)
    expect(problems).toEqual([])
  })

  it("dashboard: a demand policy is set (a parse error is shown), drives desired, and is removed", async () => {
    const page = await newPage("#/pools")
    await signIn(page)
    const row = page.locator(`tr[data-preset="Go (2 cores)"]`).first()
    await row.waitFor()
    await row.getByRole("button", { name: /Set policy/ }).click()
    const form = row.getByRole("form", { name: "Demand policy of docker-dev/Go (2 cores)" })
    await form.getByLabel("Expression").fill("max(baseline,")
    await form.getByRole("button", { name: "Save policy" }).click()
    await expect.poll(() => form.getByRole("alert").textContent(), poll).toContain("invalid policy expression")
    expect((await server.api((api) => api.policies.list())).policies).toEqual([])

    await form.getByLabel("Expression").fill("baseline + 1")
    await form.getByLabel("Max").fill("5")
    await form.getByRole("button", { name: "Save policy" }).click()
    await page.getByText("Demand policy of docker-dev/Go (2 cores) set", { exact: false }).waitFor()
    expect((await server.api((api) => api.policies.list())).policies).toMatchObject([
      { template: "docker-dev", preset: "Go (2 cores)", expression: "baseline + 1", min: 0, max: 5 }
    ])
    await expect.poll(() => row.locator("[data-field=policy] code").textContent(), poll).toBe("baseline + 1")
    // Go (2 cores) has 2 instances: the policy asks for 3, and the pool follows.
    await expect.poll(() => row.locator("[data-field=policy-desired]").textContent(), poll).toContain("3")
    await expect.poll(() => row.locator("[data-field=desired]").textContent().then(Number), poll).toBe(3)
    expect(await row.locator("[data-field=claims-1h]").textContent()).toMatch(/\d+ claims, \d+ missed/)
    await screenshot(page, "web-demand-policy.png")

    await row.getByRole("button", { name: /Edit policy/ }).click()
    await row.getByRole("button", { name: "Remove policy" }).click()
    await page.getByText("Demand policy of docker-dev/Go (2 cores) removed", { exact: false }).waitFor()
    await expect.poll(() => row.locator("[data-field=desired]").textContent().then(Number), poll).toBe(2)
    expect((await server.api((api) => api.policies.list())).policies).toEqual([])
    expect(problems).toEqual([])
  })
})
