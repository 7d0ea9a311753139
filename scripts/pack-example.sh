#!/usr/bin/env bash
# The library example from packed tarballs, as a user would get it: `pnpm pack` every package
# under packages/ into a temporary directory, check each tarball (README, LICENSE, dist JS and
# d.ts, no tests, not private, `effect` a peer dependency and no `workspace:` range left), install
# them with npm into a scratch app created outside the workspace, with `effect` and `@effect/*` at
# the packages' peer ranges, then run examples/library/main.mjs on examples/templates/docker-dev
# (its output must be exactly the expected line), the example test (vitest on the TestClock), and
# the `warmpool` command of the packed CLI.
#
# Needs the packages built (`pnpm install` builds them) and the npm registry, nothing else: npm
# runs with --ignore-scripts, so no install script downloads anything (the example never opens
# an SQLite database, whose native addon an install script would build).
#
#   bash scripts/pack-example.sh            (exit 0 when every check passes)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
pnpm=(npx -y pnpm@10.34.8)
expected='{"live":{"renders":1,"hits":1},"noop":{"renders":2}}'

work=$(mktemp -d "${TMPDIR:-/tmp}/warmpool-pack.XXXXXX")
[ -n "${WARMPOOL_PACK_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
tarballs="$work/tarballs"
app="$work/app"
mkdir -p "$tarballs" "$app"
case "$app" in "$root"/*) echo "the scratch app must be outside the workspace"; exit 1 ;; esac

echo "pack: every package into $tarballs"
for dir in packages/*/; do
  (cd "$dir" && "${pnpm[@]}" pack --pack-destination "$tarballs" >/dev/null)
done

echo "check: the tarballs"
node - "$tarballs" "$root" <<'NODE'
const { execFileSync } = require("node:child_process")
const fs = require("node:fs")
const path = require("node:path")
const [dir, root] = process.argv.slice(2)
const license = fs.readFileSync(path.join(root, "LICENSE"), "utf8")
const problems = []
const tarballs = fs.readdirSync(dir).filter((f) => f.endsWith(".tgz"))
const packages = fs.readdirSync(path.join(root, "packages")).filter((p) =>
  fs.existsSync(path.join(root, "packages", p, "package.json"))
)
if (tarballs.length !== packages.length) problems.push(`${tarballs.length} tarballs for ${packages.length} packages`)
for (const tarball of tarballs) {
  const file = path.join(dir, tarball)
  const entries = execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).split("\n").filter(Boolean)
  const read = (entry) => execFileSync("tar", ["-xzOf", file, entry], { encoding: "utf8" })
  const pkg = JSON.parse(read("package/package.json"))
  const where = `${tarball} (${pkg.name})`
  for (const needed of ["package/README.md", "package/LICENSE", "package/dist/index.js", "package/dist/index.d.ts"]) {
    if (!entries.includes(needed)) problems.push(`${where}: no ${needed.slice("package/".length)}`)
  }
  if (entries.includes("package/LICENSE") && read("package/LICENSE") !== license) {
    problems.push(`${where}: LICENSE differs from the root LICENSE`)
  }
  const tests = entries.filter((e) => /(^package\/test\/|\.test\.[cm]?[jt]s$)/.test(e))
  if (tests.length > 0) problems.push(`${where}: contains tests (${tests.slice(0, 3).join(", ")})`)
  if (pkg.private) problems.push(`${where}: private`)
  if (pkg.license !== "MIT") problems.push(`${where}: license ${pkg.license}`)
  if (!pkg.files?.includes("LICENSE") || !pkg.files?.includes("README.md")) {
    problems.push(`${where}: README.md and LICENSE not listed in files`)
  }
  if (!pkg.peerDependencies?.effect) problems.push(`${where}: effect is not a peer dependency`)
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (field !== "peerDependencies" && (name === "effect" || name.startsWith("@effect/"))) {
        problems.push(`${where}: ${name} in ${field} (an app would get a second copy): make it a peer dependency`)
      }
      if (String(range).startsWith("workspace:")) problems.push(`${where}: ${field}.${name} is ${range}`)
    }
  }
}
if (problems.length > 0) {
  for (const p of problems) console.error(`  ${p}`)
  process.exit(1)
}
console.log(`  ${tarballs.length} tarballs: README, LICENSE, dist JS and d.ts, no tests, not private, effect a peer`)
NODE

echo "install: the tarballs into a scratch app at $app"
# effect and @effect/* at the peer ranges the packages declare; vitest for the example test at
# the workspace's versions.
specs=$(node - "$tarballs" "$root" <<'NODE'
const { execFileSync } = require("node:child_process")
const fs = require("node:fs")
const path = require("node:path")
const [dir, root] = process.argv.slice(2)
const peers = new Map()
const specs = []
for (const tarball of fs.readdirSync(dir).filter((f) => f.endsWith(".tgz"))) {
  const file = path.join(dir, tarball)
  specs.push(file)
  const pkg = JSON.parse(execFileSync("tar", ["-xzOf", file, "package/package.json"], { encoding: "utf8" }))
  for (const [name, range] of Object.entries(pkg.peerDependencies ?? {})) {
    if (peers.has(name) && peers.get(name) !== range) {
      console.error(`peer ${name}: ${peers.get(name)} and ${range} in different packages`)
      process.exit(1)
    }
    peers.set(name, range)
  }
}
for (const [name, range] of peers) specs.push(`${name}@${range}`)
const dev = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).devDependencies
for (const name of ["vitest", "@effect/vitest"]) specs.push(`${name}@${dev[name]}`)
console.log(specs.join("\n"))
NODE
)
cat >"$app/package.json" <<'JSON'
{
  "name": "warmpool-library-example",
  "private": true,
  "type": "module"
}
JSON
cp examples/library/main.mjs examples/library/cache.test.mjs "$app/"
mapfile -t spec_list <<<"$specs"
(cd "$app" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error "${spec_list[@]}")
# The SQLite store's native addon (the prebuilds and server examples open an in-memory store):
# the workspace install already built it for this Node, so the same version's build is reused;
# another version is built from source (its install script would first try to download a binary).
sqlite_version=$(node -p 'require(process.argv[1] + "/node_modules/better-sqlite3/package.json").version' "$app")
sqlite_built=$(ls -d "$root/node_modules/.pnpm/better-sqlite3@$sqlite_version/node_modules/better-sqlite3/build" 2>/dev/null || true)
if [ -n "$sqlite_built" ] && [ -f "$sqlite_built/Release/better_sqlite3.node" ]; then
  cp -r "$sqlite_built" "$app/node_modules/better-sqlite3/build"
else
  (cd "$app" && npm rebuild better-sqlite3 --build-from-source --loglevel=error >/dev/null)
fi
# One copy of effect in the app: the packages use the app's.
copies=$(cd "$app" && find .  -path '*/node_modules/effect/package.json' | wc -l)
if [ "$copies" != 1 ]; then echo "expected one copy of effect in the scratch app, found $copies"; exit 1; fi

echo "run: node main.mjs examples/templates/docker-dev"
got=$(cd "$app" && node main.mjs "$root/examples/templates/docker-dev")
echo "  $got"
if [ "$got" != "$expected" ]; then echo "  expected $expected"; exit 1; fi

echo "run: the example test (vitest, TestClock)"
(cd "$app" && npx --no-install vitest run --reporter=dot cache.test.mjs)

echo "run: the example of every package's README"
# A README's example is its first js block whose first line is `// example.mjs: node example.mjs [ARGS]`
# (ARGS relative to the repository root).
for readme in packages/*/README.md; do
  name=$(basename "$(dirname "$readme")")
  node - "$readme" "$app/readme-$name.mjs" <<'NODE'
const fs = require("node:fs")
const [readme, out] = process.argv.slice(2)
const block = [...fs.readFileSync(readme, "utf8").matchAll(/^```js\n(\/\/ example\.mjs: node example\.mjs.*\n[\s\S]*?)^```$/gm)][0]
if (block === undefined) {
  console.error(`  ${readme}: no example (a js block starting with "// example.mjs: node example.mjs")`)
  process.exit(1)
}
fs.writeFileSync(out, block[1])
NODE
  args=$(head -1 "$app/readme-$name.mjs" | sed -e 's|^// example.mjs: node example.mjs *||')
  resolved=()
  for arg in $args; do resolved+=("$root/$arg"); done
  if ! output=$(cd "$app" && timeout 300 node "readme-$name.mjs" "${resolved[@]}" 2>"$work/readme-$name.err"); then
    echo "  $readme: the example failed"; cat "$work/readme-$name.err"; exit 1
  fi
  if [ -z "$output" ]; then echo "  $readme: the example printed nothing"; exit 1; fi
  echo "  $name: $(echo "$output" | tail -1)"
done

echo "run: the packed warmpool command (render --json)"
(cd "$app" && npx --no-install warmpool render "$root/examples/templates/docker-dev" --json) >"$work/render.json"
node -e '
  const out = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))
  const names = (out.parameters ?? []).map((p) => p.name)
  if (!names.includes("stack")) { console.error("  unexpected render output:", Object.keys(out)); process.exit(1) }
  console.log(`  parameters: ${names.join(", ")}`)' "$work/render.json"

echo "pack example: ok"
