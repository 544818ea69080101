export interface Config {
  nestor?: {
    engines?: {
      /** The Helm engine. */
      helm?: {
        /**
         * What a deployment renders to: an Argo CD `Application` with a Helm
         * source (`argocd`, the default) or a Flux `HelmRelease` (`flux`).
         */
        mode?: 'argocd' | 'flux';
        /** Argo CD mode. */
        argocd?: {
          /** Namespace of the Applications (where Argo CD watches). Default `argocd`. */
          namespace?: string;
          /** Argo CD project; `{team}` and `{environment}` are replaced. Default `default`. */
          project?: string;
          /** Where releases go; exactly one of server and name. Default `server: https://kubernetes.default.svc`. */
          destination?: { server?: string; name?: string };
          /** Destination per environment, over `destination`. */
          environments?: { [environment: string]: { server?: string; name?: string } };
          /** Automated sync with prune and self-heal (drift correction). Default true. */
          automated?: boolean;
        };
        /** Flux mode. */
        flux?: {
          /** Reconcile interval of HelmReleases and HelmRepositories (a Go duration). Default `10m`. */
          interval?: string;
          /**
           * The Flux `GitRepository` of the GitOps repository, from which wrapper
           * charts are read. Default `flux-system/flux-system`.
           */
          gitRepository?: { name: string; namespace: string };
          /** Install and upgrade retries before the release is stalled. Default 3. */
          remediationRetries?: number;
        };
      };
    };
  };
}
