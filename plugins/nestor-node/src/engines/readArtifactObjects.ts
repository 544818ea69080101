import { Artifact } from '@nestor/plugin-nestor-common';
import YAML from 'yaml';
import { KubernetesObject } from '../kubernetes/types';

/**
 * The Kubernetes objects among rendered artifacts: those with a `kind`
 * (see {@link objectArtifact}), in order. Other files (a Helm chart, a
 * Terraform root module) are skipped.
 * @public
 */
export function readArtifactObjects(artifacts: readonly Artifact[]): KubernetesObject[] {
  return artifacts.filter(a => a.kind && a.apiVersion).map(a => YAML.parse(a.content) as KubernetesObject);
}
