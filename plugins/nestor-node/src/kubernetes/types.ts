/**
 * A Kubernetes object as JSON.
 * @public
 */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Names one object. @public */
export interface KubernetesObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * The Kubernetes API of one cluster from `nestor.kubernetes.clusters`, as
 * the backend hands it to engines (direct delivery and status reads). Engine
 * modules use it instead of building clients of their own.
 * @public
 */
export interface KubernetesApi {
  /** the cluster's name in config */
  readonly cluster: string;
  /** The object, or undefined when it does not exist. */
  get(ref: KubernetesObjectRef): Promise<KubernetesObject | undefined>;
  /**
   * Server-side applies the objects in order, creating missing namespaces
   * first; returns them as the server stored them.
   */
  apply(objects: KubernetesObject[], options?: { force?: boolean }): Promise<KubernetesObject[]>;
  /** Deletes the object; false when it did not exist. */
  delete(ref: KubernetesObjectRef): Promise<boolean>;
}
