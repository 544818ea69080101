/** The parts of an Argo CD `v1alpha1Application` Nestor reads and writes. @public */
export interface ArgoCdApplication {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  spec: {
    project: string;
    source: { repoURL: string; targetRevision: string; path: string; directory?: { recurse?: boolean; exclude?: string } };
    destination: { server?: string; name?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } };
  };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string };
    conditions?: Array<{ type?: string; message?: string }>;
  };
}

/** One node of an application's resource tree (`v1alpha1ResourceNode`). @public */
export interface ArgoCdResourceNode {
  group?: string;
  version?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  health?: { status?: string; message?: string };
  parentRefs?: Array<{ kind?: string; name?: string; namespace?: string }>;
}

/** One configured Argo CD instance (`nestor.argocd.instances[]`). @public */
export interface ArgoCdInstanceConfig {
  name: string;
  url: string;
  token: string;
  /** the namespace Applications live in (`appNamespace`); Argo CD's own by default */
  namespace?: string;
  /** the AppProject of Nestor's applications; default `default` */
  project?: string;
}
