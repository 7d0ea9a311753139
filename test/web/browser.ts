/**
 * Headless Chromium for the web console tests: Debian's `/usr/bin/chromium` driven by
 * `playwright-core`, and where screenshots go.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { type Browser, chromium } from "playwright-core"

export const chromiumPath = "/usr/bin/chromium"

/** Whether Chromium is installed; without it the browser tests skip, unless they are required. */
export const chromiumInstalled = fs.existsSync(chromiumPath)

/** `WARMPOOL_REQUIRE_BROWSER=1` turns a missing Chromium into a failure (CI). */
export const browserRequired = process.env.WARMPOOL_REQUIRE_BROWSER === "1"

export const skipReason =
  `${chromiumPath} is missing: install Debian's chromium package to run the web console browser tests ` +
  "(set WARMPOOL_REQUIRE_BROWSER=1 to make this a failure)"

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync"
    ]
  })

/** Where screenshots are saved: `$WARMPOOL_ARTIFACTS`, else `test-results`. */
export const artifactsDir = (): string => {
  const dir = path.resolve(process.env.WARMPOOL_ARTIFACTS ?? "test-results")
  fs.mkdirSync(dir, { recursive: true })
  return dir
}
