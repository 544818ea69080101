/**
 * The Reliability section of docs/benchmarks.md when the file has none yet:
 * where each reliability scenario of issue 14 is tested. `npm run bench`
 * keeps the section of an existing file as it is.
 */
export const RELIABILITY_SECTION = `## Reliability

Tests, not benchmarks: they run in CI with the packages' tests (\`backstage-cli package test\`).

| scenario | test |
|---|---|
| every documented endpoint fuzzed from \`docs/openapi.yaml\` with \`fast-check\` (random path params, query params, bodies, headers) through the real plugin on SQLite: never a 5xx, the server still answers | **not written yet** (planned: \`plugins/nestor-backend/src/reliability/openapiFuzz.test.ts\`) |
| hostile YAML through a real catalog sync (alias bomb, 5 MB file, binary bytes, deeply nested): each file gets an error, the sync completes, the items already in the catalog stay | through a real sync: **not written yet**; the parser's limits one by one (alias bombs, size limit, binary) in \`plugins/nestor-backend/src/services/catalog/parsing/parseSourceFile.test.ts\` |
| a store that goes away and comes back: readiness 503, then 200 | \`plugins/nestor-backend/src/reliability/storeOutage.test.ts\` |
| a replica killed mid-deploy: the other replica finishes the deployment once its lease expires, exactly once | \`plugins/nestor-backend-module-crossplane/src/e2e/replicaCrash.test.ts\` |
| a slow SSE consumer is cut without holding back the others; per-team and per-replica stream limits | \`plugins/nestor-backend/src/routes/events.limits.test.ts\` |
| 100 concurrent orders across two replica processes on one PostgreSQL against a quota: exactly the quota is admitted | \`plugins/nestor-backend/src/services/teams/QuotaService.concurrency.test.ts\` |
`;
