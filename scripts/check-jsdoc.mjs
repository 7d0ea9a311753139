// Every exported member of a package's public modules (those its index re-exports) has a JSDoc
// comment with a description, `@since` and `@category`, as Effect's own packages do.
//
//   node scripts/check-jsdoc.mjs metrics render prebuilds server cli
import * as fs from "node:fs"
import ts from "typescript"

const exported = (statement) =>
  ts.isExportDeclaration(statement) ||
  (ts.canHaveModifiers(statement) &&
    (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword))

const nameOf = (statement) => {
  if (statement.name !== undefined) return statement.name.text
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations[0].name.getText()
  return statement.getText().split("\n")[0]
}

const problems = []
for (const pkg of process.argv.slice(2)) {
  const src = `packages/${pkg}/src`
  const index = fs.readFileSync(`${src}/index.ts`, "utf8")
  for (const [, module] of index.matchAll(/from "\.\/([^"]+)\.js"/g)) {
    const file = `${src}/${module}.ts`
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true)
    for (const statement of source.statements) {
      if (!exported(statement)) continue
      // `export { /** … */ Name }`: the comment is on the specifier
      const docs = ts.isExportDeclaration(statement) && statement.getText().includes("/**")
        ? ts.getJSDocCommentsAndTags(statement.exportClause?.elements?.[0] ?? statement)
        : statement.jsDoc ?? []
      const tags = docs.flatMap((d) => (d.tags ?? []).map((t) => t.tagName.text))
      const missing = [
        ...(docs.some((d) => d.comment) || ts.isExportDeclaration(statement) ? [] : ["a description"]),
        ...(tags.includes("since") ? [] : ["@since"]),
        ...(tags.includes("category") || ts.isExportDeclaration(statement) ? [] : ["@category"])
      ]
      if (missing.length > 0) {
        const line = source.getLineAndCharacterOfPosition(statement.getStart()).line + 1
        problems.push(`${file}:${line} ${nameOf(statement)}: no ${missing.join(", ")}`)
      }
    }
  }
}
for (const problem of problems) console.error(problem)
if (problems.length > 0) process.exit(1)
console.log(`JSDoc: every exported member of ${process.argv.slice(2).join(", ")} is documented`)
