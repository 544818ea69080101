/**
 * The Reliability section of docs/benchmarks.md when the file has none yet:
 * where each reliability scenario of issue 14 is tested. `npm run bench`
 * keeps the section of an existing file as it is.
 */
export const RELIABILITY_SECTION = `## Reliability

Tests, not benchmarks: they run in CI with the packages' tests (\`backstage-cli package test\`). What each proves, in detail: \`docs/testing.md\`, "Reliability suite".

| scenario | test |
|---|---|
| every operation of \`docs/openapi.yaml\` fuzzed with \`fast-check\` (path and query parameters, headers, identities, bodies: schema-shaped or hostile) through the real plugin on SQLite: never a 5xx, always an answer, 400s name the field and the reason, the server still answers | \`plugins/nestor-backend/src/reliability/openapiFuzz.test.ts\` |
| hostile YAML through a real catalog sync from Git (alias bomb, 200,000-level nesting, 20 MB, binary, not UTF-8, too many documents, a 20,000-link anchor chain, a duplicate among 40,000 keys): each file reported with path, line and reason in \`GET /catalog/sources\` and a \`catalog.sync.failed\` event, the rest syncs, the items keep their last good version, heap growth bounded | \`plugins/nestor-backend/src/reliability/hostileYaml.test.ts\`; the parser's limits (\`nestor.sync.limits\`) one by one in \`plugins/nestor-backend/src/services/catalog/parsing/parseSourceFile.test.ts\` |
| a store that goes away and comes back: readiness 503, reads and orders fail with an error body and leave nothing behind, then readiness 200 and reads answer again | \`plugins/nestor-backend/src/reliability/storeOutage.test.ts\` |
| a replica killed mid-deploy: the other replica finishes the deployment once its lease expires, exactly once | \`plugins/nestor-backend-module-crossplane/src/e2e/replicaCrash.test.ts\` |
| a slow SSE consumer is cut without holding back the others (at most 256 KiB queued per connection); per-team and per-replica stream limits | \`plugins/nestor-backend/src/routes/events.limits.test.ts\` |
| 100 concurrent orders (\`POST /deploy\` over HTTP) across two replica processes on one PostgreSQL against a quota of 10: exactly 10 admitted, 90 refused with 422 and the quota reason, nothing lost | \`plugins/nestor-backend/src/reliability/quotaAcrossReplicas.test.ts\`; the reservations alone in \`plugins/nestor-backend/src/services/teams/QuotaService.concurrency.test.ts\` |
`;
