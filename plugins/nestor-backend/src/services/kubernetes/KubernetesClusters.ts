import { KubernetesApi } from '@nestor/plugin-nestor-node';
import { CircuitBreakers } from '../resilience/CircuitBreakers';
import { KubernetesClusterClient, KubernetesClusterConfig } from './KubernetesClusterClient';

/**
 * The clusters of `nestor.kubernetes.clusters`. A deployment's cluster is
 * the one named after its environment; when only one cluster is configured,
 * every environment uses it.
 * @public
 */
export class KubernetesClusters {
  readonly #clients = new Map<string, KubernetesClusterClient>();

  /** With `breakers`, every cluster's breaker lives there (the plugin shares one set). */
  static create(options: { clusters: KubernetesClusterConfig[]; breakers?: CircuitBreakers }): KubernetesClusters {
    return new KubernetesClusters(options.clusters, options.breakers ?? CircuitBreakers.create());
  }

  private constructor(clusters: KubernetesClusterConfig[], breakers: CircuitBreakers) {
    for (const cluster of clusters) {
      if (this.#clients.has(cluster.name)) {
        throw new Error(`nestor.kubernetes.clusters: the name "${cluster.name}" is used twice`);
      }
      this.#clients.set(cluster.name, KubernetesClusterClient.create(cluster, { breakers }));
    }
  }

  names(): string[] {
    return [...this.#clients.keys()];
  }

  get(name: string): KubernetesApi | undefined {
    return this.#clients.get(name);
  }

  /** The cluster a deployment in this environment goes to, if any. */
  forEnvironment(environment: string): KubernetesApi | undefined {
    const named = this.#clients.get(environment);
    if (named) return named;
    return this.#clients.size === 1 ? [...this.#clients.values()][0] : undefined;
  }

  /** Checks every cluster; the names of those that cannot be reached, with why. */
  async unreachable(): Promise<Array<{ name: string; message: string }>> {
    const results = await Promise.all(
      [...this.#clients.values()].map(async client => {
        try {
          await client.ping();
          return undefined;
        } catch (error) {
          return { name: client.cluster, message: (error as Error).message };
        }
      }),
    );
    return results.filter((r): r is { name: string; message: string } => r !== undefined);
  }
}
