import * as path from "node:path"
import { defineConfig } from "vitest/config"

const pkg = (name: string) => path.join(import.meta.dirname, "packages", name, "src", "index.ts")
const packages = path.join(import.meta.dirname, "packages")

export default defineConfig({
  resolve: {
    alias: {
      // A module of a package (`@warmpool/server/ServerConfig`), as its `./*` export maps it.
      ...Object.fromEntries(
        ["terraform", "metrics", "client", "render", "prebuilds", "server"].map((
          name
        ) => [`@warmpool/${name}/`, path.join(packages, name, "src") + path.sep])
      ),
      "@warmpool/terraform": pkg("terraform"),
      "@warmpool/metrics": pkg("metrics"),
      "@warmpool/render": pkg("render"),
      "@warmpool/prebuilds": pkg("prebuilds"),
      "@warmpool/client": pkg("client"),
      "@warmpool/server": pkg("server"),
      "@warmpool/cli": pkg("cli")
    }
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
