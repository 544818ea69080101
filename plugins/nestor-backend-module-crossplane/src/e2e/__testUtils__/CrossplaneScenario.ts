import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubernetesObject } from '@nestor/plugin-nestor-node';
import { GitHttpServer, GitWorkTree, KubernetesTestServer, findUpstreamDir } from '@nestor/test-utils';
import YAML from 'yaml';
import { crdsForXrd } from '../../__fixtures__/crdsForXrd';

const FIXTURES = path.resolve(__dirname, '../../__fixtures__');

/** The claim the scenario's order renders. */
export const CLAIM_REF = { apiVersion: 'platform.example.org/v1alpha1', kind: 'PostgresDatabase', name: 'orders-db', namespace: 'team-payments-dev' };

/**
 * The world around a Nestor backend in the end-to-end tests, all real except
 * the cluster: a Git server (`git http-backend`) with the platform's buffet
 * repository (the postgres-database item and the teams) and the GitOps
 * repositories of team-payments and team-platform; an in-process Kubernetes
 * API server with the upstream Crossplane CRDs. The test plays Argo CD (it
 * applies what is committed) and Crossplane (it turns the XRD into CRDs and
 * sets the claim's conditions), which cannot run here.
 */
export class CrossplaneScenario {
  readonly git: GitHttpServer;
  readonly kubernetes: KubernetesTestServer;
  readonly workDirs: string[] = [];
  readonly #trees: GitWorkTree[] = [];

  static async start(options: { kubernetesTokens?: string[] } = {}): Promise<CrossplaneScenario> {
    const git = await GitHttpServer.start();
    const kubernetes = await KubernetesTestServer.start({ token: options.kubernetesTokens?.[0], tokens: options.kubernetesTokens });
    const scenario = new CrossplaneScenario(git, kubernetes);
    await scenario.#setUp();
    return scenario;
  }

  private constructor(git: GitHttpServer, kubernetes: KubernetesTestServer) {
    this.git = git;
    this.kubernetes = kubernetes;
  }

  async #setUp() {
    const upstream = findUpstreamDir();
    if (upstream) {
      for (const file of ['apiextensions.crossplane.io_compositeresourcedefinitions.yaml', 'apiextensions.crossplane.io_compositions.yaml']) {
        this.kubernetes.installCrd(YAML.parse(fs.readFileSync(path.join(upstream, 'crossplane', file), 'utf8')));
      }
    } else {
      // eslint-disable-next-line no-console
      console.warn('../shared/upstream is absent: the test cluster serves Crossplane kinds without their upstream schemas');
      this.kubernetes.registerResource({ group: 'apiextensions.crossplane.io', version: 'v1', kind: 'CompositeResourceDefinition', plural: 'compositeresourcedefinitions', namespaced: false, statusSubresource: true });
      this.kubernetes.registerResource({ group: 'apiextensions.crossplane.io', version: 'v1', kind: 'Composition', plural: 'compositions', namespaced: false, statusSubresource: false });
    }
    await this.git.createRepo('payments-infra');
    await this.git.createRepo('platform-infra');
    const buffet = await GitWorkTree.create(await this.git.createRepo('buffet'));
    this.#trees.push(buffet);
    await buffet.commitAndPush(
      {
        'buffet/postgres-database.yaml': fs.readFileSync(path.join(FIXTURES, 'postgres-database.yaml'), 'utf8'),
        // an item whose engine is not installed here, and one the Crossplane engine refuses
        'buffet/not-installed.yaml': YAML.stringify({
          apiVersion: 'nestor.io/v1alpha1',
          kind: 'ResourceDefinition',
          metadata: { name: 'pulumi-stack', owner: 'team-platform' },
          spec: { type: 'app.stack', version: '1.0.0', engine: 'pulumi', environments: ['dev'], pulumi: { program: { resources: {} } } },
        }),
        'buffet/untyped.yaml': YAML.stringify({
          apiVersion: 'nestor.io/v1alpha1',
          kind: 'ResourceDefinition',
          metadata: { name: 'untyped-bucket', owner: 'team-platform' },
          spec: {
            type: 'storage.bucket',
            version: '1.0.0',
            engine: 'crossplane',
            environments: ['dev'],
            parameters: { type: 'object', properties: { anything: {} } },
            crossplane: { group: 'storage.example.org', kind: 'XBucket', version: 'v1', composition: { functions: [{ step: 's', functionRef: { name: 'f' } }] } },
          },
        }),
        'buffet/teams.yaml': [
          { name: 'team-payments', repo: this.git.url('payments-infra') },
          { name: 'team-platform', repo: this.git.url('platform-infra') },
        ]
          .map(t =>
            YAML.stringify({
              apiVersion: 'nestor.io/v1alpha1',
              kind: 'TeamConfig',
              metadata: { name: t.name },
              spec: { environments: ['dev', 'prod'], gitops: { repo: t.repo, branch: 'main', path: 'clusters' } },
            }),
          )
          .join('---\n'),
      },
      'the platform buffet',
    );
  }

  /** A fresh temporary folder (removed by {@link CrossplaneScenario.stop}). */
  tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.workDirs.push(dir);
    return dir;
  }

  /** The `nestor` config block of a backend in this scenario. */
  nestorConfig(options: { kubernetesToken?: string; leaseSeconds?: number } = {}) {
    return {
      sources: [{ id: 'platform', url: this.git.url('buffet'), branch: 'main', subPath: 'buffet' }],
      sync: { schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } } },
      kubernetes: { clusters: [{ name: 'dev', url: this.kubernetes.url, skipTLSVerify: true, serviceAccountToken: options.kubernetesToken }] },
      coordinator: { pollIntervalMs: 50, statusPollMs: 100, backoffMs: 50, leaseSeconds: options.leaseSeconds ?? 30 },
    };
  }

  /** The files of a repository folder at the branch head, path → content (empty when absent). */
  async readRepo(repo: string, folder: string): Promise<Map<string, string>> {
    const tree = await GitWorkTree.create(this.git.url(repo));
    this.#trees.push(tree);
    const files = new Map<string, string>();
    try {
      await tree.git('fetch', '--quiet', 'origin', 'main');
      await tree.git('checkout', '--quiet', '-B', 'main', 'origin/main');
    } catch {
      return files;
    }
    const root = path.join(tree.dir, folder);
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.set(path.relative(root, full), fs.readFileSync(full, 'utf8'));
      }
    };
    walk(root);
    return files;
  }

  /** Commit subjects of a repository's branch, newest first. */
  async commitSubjects(repo: string): Promise<string[]> {
    const tree = await GitWorkTree.create(this.git.url(repo));
    this.#trees.push(tree);
    await tree.git('fetch', '--quiet', 'origin', 'main');
    return (await tree.git('log', '--format=%s', 'FETCH_HEAD')).split('\n');
  }

  /**
   * Argo CD's and Crossplane's part: applies the platform files (and the
   * CRDs Crossplane generates from the XRD), then the team's committed claim.
   * Returns the claim as the cluster stored it.
   */
  async syncLikeArgoCd(): Promise<KubernetesObject> {
    const platform = await this.readRepo('platform-infra', 'clusters/_platform/postgres-database');
    const xrd = YAML.parse(platform.get('definition.yaml')!) as KubernetesObject;
    this.kubernetes.applyObject(xrd as never, 'argocd');
    this.kubernetes.applyObject(YAML.parse(platform.get('composition.yaml')!), 'argocd');
    for (const crd of crdsForXrd(xrd)) this.kubernetes.installCrd(crd);
    const claim = (await this.readRepo('payments-infra', 'clusters/dev/orders-db')).get('claim.yaml');
    if (!claim) throw new Error('no claim committed at clusters/dev/orders-db/claim.yaml');
    // Argo CD's CreateNamespace=true sync option
    this.kubernetes.applyObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: CLAIM_REF.namespace } }, 'argocd');
    return this.kubernetes.applyObject(YAML.parse(claim), 'argocd') as never;
  }

  /** Crossplane's part: the claim becomes ready, with a host and a connection secret. */
  markClaimReady(): void {
    this.kubernetes.applyObject(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orders-db-connection', namespace: CLAIM_REF.namespace }, data: { password: 'c2VjcmV0' } },
      'crossplane',
    );
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.kubernetes.patchStatus(
      CLAIM_REF,
      {
        host: 'orders-db.payments.internal',
        port: 5432,
        conditions: [
          { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: now },
          { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: now },
        ],
      },
      'crossplane',
    );
  }

  async stop(): Promise<void> {
    for (const t of this.#trees) await t.remove();
    await this.kubernetes.stop();
    await this.git.stop();
    for (const d of this.workDirs) fs.rmSync(d, { recursive: true, force: true });
  }
}
