/**
 * The SQL client of a `--db` value: PostgreSQL for `postgres://` URLs, otherwise a SQLite file
 * (its directory is created).
 */
import { Store } from "@warmpool/prebuilds"
import * as fs from "node:fs"
import * as path from "node:path"

export const isPostgres = (db: string): boolean => /^postgres(ql)?:\/\//.test(db)

/** Make sure a SQLite file's directory exists. */
export const ensureSqliteDirectory = (db: string): void => {
  if (!isPostgres(db) && db !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(db)), { recursive: true })
}

export const sqlClient = (db: string) => {
  ensureSqliteDirectory(db)
  return isPostgres(db) ? Store.layerPgClient({ url: db }) : Store.layerSqliteClient(db)
}
