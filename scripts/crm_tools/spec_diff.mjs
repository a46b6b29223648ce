// Classify the changes between two OpenAPI documents with api-smart-diff (npm, pinned in
// package-lock.json): `node scripts/spec_diff.mjs BEFORE.json AFTER.json` prints a JSON array
// of {type, action, path, description}; type is breaking, non-breaking, annotation,
// deprecated or unclassified. scripts/spec_diff.py reads the specs and applies the rules.
import { readFileSync } from "node:fs";
import { apiDiff } from "api-smart-diff";

const [before, after] = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, "utf8")));
const diffs = apiDiff(before, after).map(({ type, action, path, description }) => ({
  type,
  action,
  path,
  description: description || "",
}));
process.stdout.write(JSON.stringify(diffs));
