/**
 * Test servers and helpers shared by Nestor's tests: real Git over
 * `git http-backend`, an in-process Kubernetes API, upstream CRD validation,
 * the real `helm` binary, and the engine scenario of the end-to-end tests
 * (see README.md).
 *
 * @packageDocumentation
 */

export { getHelmBinary } from './helm/getHelmBinary';
export { findRepoRoot, findUpstreamDir, UpstreamCrdValidator } from './upstream/upstreamCrds';
export { readExampleResources } from './examples/readExampleResources';
export { GitHttpServer } from './git/GitHttpServer';
export type { GitHttpServerAuth, GitHttpRequestLog } from './git/GitHttpServer';
export { GitWorkTree } from './git/GitWorkTree';
export { actorAwareMockAuthServiceFactory } from './backstage/actorAwareMockAuthServiceFactory';
export { ownershipUserInfoServiceFactory } from './backstage/ownershipUserInfoServiceFactory';
export { knexDatabaseServiceFactory } from './backstage/knexDatabaseServiceFactory';
export * from './kubernetes';
export { resourceDefinitionYaml, teamConfigYaml } from './git/buffetYaml';
export type { ResourceDefinitionYamlOptions } from './git/buffetYaml';
export { ScmTestServer } from './scm/ScmTestServer';
export type { ScmTestPullRequest, ScmTestServerOptions } from './scm/ScmTestServer';
export { ArgoCdTestServer } from './argocd/ArgoCdTestServer';
export type { ArgoCdTestApplication } from './argocd/ArgoCdTestServer';
export { ArgoCdSwaggerValidator } from './argocd/ArgoCdSwaggerValidator';
export * from './scenario';
export { pollUntil } from './async/pollUntil';
