// Read every contract model of a published file the way Evidence does (@duckdb/node-api),
// and checksum it: the same canonical queries and checksum as scripts/clients/read_models.py.
//
//   node read_models.mjs FILE PLAN.json
//
// Prints JSON {client, <model>: {rows, checksum}}; exit 1 when the file cannot be opened.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { DuckDBInstance, version } from "@duckdb/node-api";

const sha256 = (text) => createHash("sha256").update(text, "utf8").digest("hex");

async function main() {
  const [db, planPath] = process.argv.slice(2);
  if (!db || !planPath) {
    console.error("usage: node read_models.mjs FILE PLAN.json");
    return 64;
  }
  const plan = JSON.parse(readFileSync(planPath, "utf8"));
  const instance = await DuckDBInstance.create(db, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  const results = { client: `@duckdb/node-api (duckdb ${version()})` };
  for (const [model, sql] of Object.entries(plan)) {
    const reader = await connection.runAndReadAll(sql);
    const digests = reader.getRows().map((row) => sha256(String(row[0]))).sort();
    results[model] = { rows: digests.length, checksum: sha256(digests.join("\n")) };
  }
  connection.closeSync();
  instance.closeSync();
  console.log(JSON.stringify(results, null, 1));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`error: ${error.message}`);
    process.exit(1);
  },
);
