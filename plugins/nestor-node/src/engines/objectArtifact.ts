import { Artifact } from '@nestor/plugin-nestor-common';
import YAML from 'yaml';
import { KubernetesObject } from '../kubernetes/types';

/**
 * One Kubernetes object as a YAML artifact, with its kind and apiVersion
 * recorded so the object can be found again without parsing.
 * @public
 */
export function objectArtifact(path: string, object: KubernetesObject): Artifact {
  return {
    path,
    kind: object.kind,
    apiVersion: object.apiVersion,
    content: YAML.stringify(object, { lineWidth: 0, aliasDuplicateObjects: false }),
  };
}
