import { Deployment } from '@nestor/plugin-nestor-common';

/**
 * The fields every log line about a deployment carries: `deploymentRef`,
 * `deploymentId`, `revision`, and `requestId` when an API request asked for
 * the revision being worked on. For `logger.child(...)`.
 * @internal
 */
export function deploymentLogFields(
  deployment: Pick<Deployment, 'id' | 'ref' | 'currentRevision' | 'revisions'>,
): Record<string, string> {
  const requestId = deployment.revisions.find(
    r => r.revision === deployment.currentRevision,
  )?.requestId;
  return {
    deploymentRef: deployment.ref,
    deploymentId: deployment.id,
    revision: String(deployment.currentRevision),
    ...(requestId ? { requestId } : {}),
  };
}
