import type { Deployment } from '@nestor/plugin-nestor-common';

/**
 * A deployment after a live update from an event. Events carry the
 * artifacts without their contents, so contents already loaded are kept;
 * `complete` is false when the update holds an artifact whose content was
 * never loaded (a new revision), which is when to fetch the deployment again.
 * An older copy (by `version`) changes nothing.
 * @public
 */
export function mergeDeploymentUpdate(
  current: Deployment,
  update: Deployment,
): { deployment: Deployment; complete: boolean } {
  if (update.version < current.version) {
    return { deployment: current, complete: true };
  }
  const known = new Map<string, string>();
  for (const revision of current.revisions) {
    for (const artifact of revision.artifacts) {
      known.set(`${revision.revision}:${artifact.path}`, artifact.content);
    }
  }
  let complete = true;
  const revisions = update.revisions.map(revision => ({
    ...revision,
    artifacts: revision.artifacts.map(artifact => {
      if (artifact.content !== '') return artifact;
      const content = known.get(`${revision.revision}:${artifact.path}`);
      if (content === undefined) complete = false;
      return { ...artifact, content: content ?? '' };
    }),
  }));
  return { deployment: { ...update, revisions }, complete };
}
