import { Condition, Deployment, GitopsTarget } from '@nestor/plugin-nestor-common';
import { ArgoCdClient } from './ArgoCdClient';
import { ArgoCdApplication, ArgoCdInstanceConfig } from './types';

/** What Argo CD says about a deployment's team/environment application. @public */
export interface ArgoCdDeploymentStatus {
  phase: 'Ready' | 'Failed' | 'Syncing';
  app: string;
  instance: string;
  sync?: string;
  health?: string;
  revision?: string;
  message: string;
  conditions: Condition[];
}

/**
 * What the team/environment application leaves out of its recursive
 * directory source: the `chart/` folder of each deployment, where the Helm
 * engine commits the wrapper charts its Application (or HelmRelease) reads.
 * Argo CD renders a directory source file by file and would fail on a
 * chart's templates and `Chart.yaml`. Argo CD matches the pattern against
 * each file's path relative to the source path, with `*` matching `/` too
 * (a `gobwas/glob` compiled without separators).
 * @public
 */
export const ARGOCD_DIRECTORY_EXCLUDE = '*/chart/*';

/**
 * Nestor's Argo CD applications: one app-of-apps per team and environment,
 * `nestor-<team>-<environment>`, whose source is the team's GitOps folder
 * for that environment (`<path>/<environment>`, recursive, without the
 * wrapper charts: {@link ARGOCD_DIRECTORY_EXCLUDE}). What a
 * deployment commits there (its objects, or `Application` manifests for
 * engines that render them) is what the app syncs. The app is created, or
 * its spec updated, the first time a team deploys to an environment; a sync
 * is triggered once per commit; sync status and health are read back into
 * the deployment. Several Argo CD instances can be configured; a team picks
 * one with `spec.gitops.argocd.instance` (the first by default).
 * @public
 */
export class ArgoCdApps {
  readonly #clients: Map<string, ArgoCdClient>;
  readonly #ensured = new Map<string, string>();
  readonly #synced = new Set<string>();

  static create(options: { instances: ArgoCdInstanceConfig[]; clientOptions?: Parameters<typeof ArgoCdClient.create>[1] }): ArgoCdApps {
    return new ArgoCdApps(options.instances.map(i => ArgoCdClient.create(i, options.clientOptions)));
  }

  private constructor(clients: ArgoCdClient[]) {
    this.#clients = new Map(clients.map(c => [c.config.name, c]));
  }

  get enabled(): boolean {
    return this.#clients.size > 0;
  }

  clients(): ArgoCdClient[] {
    return [...this.#clients.values()];
  }

  /** Pings every instance; the names of those that do not answer (or refuse the token), with why. */
  async unreachable(): Promise<Array<{ name: string; message: string }>> {
    const results = await Promise.all(
      this.clients().map(client =>
        client.ping().then(
          () => undefined,
          (error: Error) => ({ name: client.config.name, message: error.message }),
        ),
      ),
    );
    return results.filter((r): r is { name: string; message: string } => r !== undefined);
  }

  /** The instance that serves a team's target, or undefined when no Argo CD is configured. */
  clientFor(target: GitopsTarget): ArgoCdClient | undefined {
    const wanted = target.argocd?.instance;
    if (wanted) {
      const client = this.#clients.get(wanted);
      if (!client) throw new Error(`Argo CD instance "${wanted}" (spec.gitops.argocd.instance) is not in nestor.argocd.instances`);
      return client;
    }
    return this.#clients.values().next().value;
  }

  static appName(team: string, environment: string): string {
    return `nestor-${team}-${environment}`.toLowerCase().slice(0, 63);
  }

  /** The app-of-apps a team's environment syncs from (what `ensure` writes). */
  desiredApp(client: ArgoCdClient, target: GitopsTarget, team: string, environment: string): ArgoCdApplication {
    const path = [...target.path.split('/'), environment].filter(Boolean).join('/');
    return {
      metadata: {
        name: ArgoCdApps.appName(team, environment),
        labels: { 'app.kubernetes.io/managed-by': 'nestor', 'nestor.io/team': team, 'nestor.io/environment': environment },
      },
      spec: {
        project: target.argocd?.project ?? client.config.project ?? 'default',
        source: { repoURL: target.repo, targetRevision: target.branch, path, directory: { recurse: true, exclude: ARGOCD_DIRECTORY_EXCLUDE } },
        destination: { server: 'https://kubernetes.default.svc', namespace: target.argocd?.namespace ?? `${team}-${environment}` },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    };
  }

  /** Creates the team/environment app, or updates it when its spec differs. */
  async ensure(client: ArgoCdClient, target: GitopsTarget, team: string, environment: string): Promise<ArgoCdApplication> {
    const desired = this.desiredApp(client, target, team, environment);
    const key = `${client.config.name}/${desired.metadata.name}`;
    const fingerprint = JSON.stringify(desired.spec);
    const current = await client.getApplication(desired.metadata.name);
    if (current && this.#ensured.get(key) === fingerprint) return current;
    if (current && JSON.stringify(pick(current.spec, desired.spec)) === fingerprint) {
      this.#ensured.set(key, fingerprint);
      return current;
    }
    const saved = await client.upsertApplication(desired);
    this.#ensured.set(key, fingerprint);
    return saved;
  }

  /** Ensures the app, triggers a sync for the deployment's commit (once), reads sync and health. */
  async status(deployment: Deployment, target: GitopsTarget, commit?: string): Promise<ArgoCdDeploymentStatus | undefined> {
    const client = this.clientFor(target);
    if (!client) return undefined;
    let app = await this.ensure(client, target, deployment.team, deployment.environment);
    const name = app.metadata.name;
    const syncKey = `${client.config.name}/${name}@${commit ?? ''}`;
    if (commit && !this.#synced.has(syncKey) && app.status?.sync?.revision !== commit) {
      app = await client.sync(name, { revision: target.branch });
      this.#synced.add(syncKey);
    }
    const fresh = (await client.getApplication(name)) ?? app;
    const sync = fresh.status?.sync?.status;
    const health = fresh.status?.health?.status;
    const revision = fresh.status?.sync?.revision;
    const now = new Date().toISOString();
    const detail = fresh.status?.health?.message ?? fresh.status?.operationState?.message ?? fresh.status?.conditions?.map(c => c.message).join('; ');
    const message = `Argo CD ${client.config.name} app ${name}: sync ${sync ?? 'Unknown'}, health ${health ?? 'Unknown'}${revision ? ` at ${revision.slice(0, 12)}` : ''}${detail ? ` (${detail})` : ''}`;
    const conditions: Condition[] = [
      { type: 'ArgoCdSynced', status: sync === 'Synced' ? 'True' : 'False', reason: sync ?? 'Unknown', message, lastTransitionTime: now },
      { type: 'ArgoCdHealthy', status: health === 'Healthy' ? 'True' : 'False', reason: health ?? 'Unknown', message, lastTransitionTime: now },
    ];
    const failed = health === 'Degraded' || fresh.status?.operationState?.phase === 'Failed' || fresh.status?.operationState?.phase === 'Error';
    // the app follows the branch: a later commit on it includes this one
    let phase: 'Failed' | 'Ready' | 'Syncing' = 'Syncing';
    if (failed) phase = 'Failed';
    else if (sync === 'Synced' && health === 'Healthy') phase = 'Ready';
    return { phase, app: name, instance: client.config.name, sync, health, revision, message, conditions };
  }
}

function pick(actual: object, shape: object): unknown {
  if (typeof shape !== 'object' || shape === null || typeof actual !== 'object' || actual === null) return actual;
  return Object.fromEntries(Object.keys(shape).map(k => [k, pick((actual as Record<string, unknown>)[k] as object, (shape as Record<string, unknown>)[k] as object)]));
}
