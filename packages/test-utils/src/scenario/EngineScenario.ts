import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { GitHttpServer } from '../git/GitHttpServer';
import { GitWorkTree } from '../git/GitWorkTree';
import { KubernetesJsonObject } from '../kubernetes/KubernetesObjectStore';
import { KubernetesResourceType } from '../kubernetes/KubernetesResourceRegistry';
import { KubernetesTestServer } from '../kubernetes/KubernetesTestServer';
import { findUpstreamDir } from '../upstream/upstreamCrds';

/** Options of {@link EngineScenario.start}. @public */
export interface EngineScenarioOptions {
  /**
   * The buffet: file path inside the buffet folder → content. A string is
   * written as it is (YAML text); anything else is written as YAML, an array
   * as one document per element.
   */
  buffet: Record<string, unknown>;
  /** The teams, each with a GitOps repository of its own. Default `team-payments` and `team-platform`. */
  teams?: string[];
  /** Environments of every team. Default `dev` and `prod`. */
  environments?: string[];
  /**
   * Upstream CRD files, relative to `../shared/upstream`, installed in the
   * Kubernetes test server (which then enforces their schemas). Check
   * {@link EngineScenario.missingUpstream} first: start fails when one is absent.
   */
  upstreamCrds?: string[];
  /** Resource types served without a CRD (no schema). */
  resources?: KubernetesResourceType[];
  /** Bearer tokens the Kubernetes test server accepts; any request is accepted when absent. */
  kubernetesTokens?: string[];
}

/**
 * The world around a Nestor backend in an engine's end-to-end test, all real
 * except the cluster:
 *
 * - a Git server (`git http-backend`) with the platform's `buffet`
 *   repository (the given items under `buffet/`, plus `teams.yaml` with one
 *   `TeamConfig` per team) and one GitOps repository per team
 *   ({@link EngineScenario.gitopsRepo}: `team-payments` → `payments-infra`,
 *   branch `main`, path `clusters`);
 * - an in-process Kubernetes API server with the given upstream CRDs.
 *
 * Nothing reconciles in the test cluster: the test plays Argo CD with
 * {@link EngineScenario.applyCommitted} and the engine's controller with
 * `kubernetes.patchStatus`. Start a backend on it with
 * `startNestorTestBackend(scenario, { features: [nestorPlugin, engineModule] })`.
 * @public
 */
export class EngineScenario {
  readonly git: GitHttpServer;
  readonly kubernetes: KubernetesTestServer;
  readonly teams: string[];
  readonly #workDirs: string[] = [];
  readonly #trees: GitWorkTree[] = [];

  /**
   * The upstream CRD files (relative to `../shared/upstream`) that are not
   * there, as a message for a skipped test; undefined when all are.
   */
  static missingUpstream(files: string[]): string | undefined {
    const upstream = findUpstreamDir();
    if (!upstream)
      return `../shared/upstream is absent (needed: ${files.join(', ')})`;
    const missing = files.filter(
      file => !fs.existsSync(path.join(upstream, file)),
    );
    return missing.length > 0
      ? `missing in ${upstream}: ${missing.join(', ')}`
      : undefined;
  }

  static async start(options: EngineScenarioOptions): Promise<EngineScenario> {
    const missing = options.upstreamCrds?.length
      ? EngineScenario.missingUpstream(options.upstreamCrds)
      : undefined;
    if (missing)
      throw new Error(`cannot install the upstream CRDs: ${missing}`);
    const git = await GitHttpServer.start();
    const kubernetes = await KubernetesTestServer.start({
      tokens: options.kubernetesTokens,
      resources: options.resources,
    });
    const scenario = new EngineScenario(
      git,
      kubernetes,
      options.teams ?? ['team-payments', 'team-platform'],
    );
    try {
      await scenario.#setUp(options);
    } catch (error) {
      await scenario.stop();
      throw error;
    }
    return scenario;
  }

  private constructor(
    git: GitHttpServer,
    kubernetes: KubernetesTestServer,
    teams: string[],
  ) {
    this.git = git;
    this.kubernetes = kubernetes;
    this.teams = teams;
  }

  async #setUp(options: EngineScenarioOptions) {
    const upstream = findUpstreamDir();
    for (const file of options.upstreamCrds ?? []) {
      this.kubernetes.installCrd(
        YAML.parse(fs.readFileSync(path.join(upstream!, file), 'utf8')),
      );
    }
    for (const team of this.teams)
      await this.git.createRepo(this.gitopsRepo(team));
    const files: Record<string, string> = {};
    for (const [file, content] of Object.entries(options.buffet)) {
      files[`buffet/${file}`] =
        typeof content === 'string' ? content : toYamlDocuments(content);
    }
    files['buffet/teams.yaml'] = toYamlDocuments(
      this.teams.map(team => ({
        apiVersion: 'nestor.io/v1alpha1',
        kind: 'TeamConfig',
        metadata: { name: team },
        spec: {
          environments: options.environments ?? ['dev', 'prod'],
          gitops: {
            repo: this.git.url(this.gitopsRepo(team)),
            branch: 'main',
            path: 'clusters',
          },
        },
      })),
    );
    const buffet = await GitWorkTree.create(
      await this.git.createRepo('buffet'),
    );
    this.#trees.push(buffet);
    await buffet.commitAndPush(files, 'the platform buffet');
  }

  /** The GitOps repository of a team: `team-payments` → `payments-infra`. */
  gitopsRepo(team: string): string {
    return `${team.replace(/^team-/, '')}-infra`;
  }

  /**
   * The `nestor` config block of a backend in this scenario: the buffet as
   * source `platform`, the test cluster for every environment, a fast
   * coordinator; `engines` becomes `nestor.engines`.
   */
  nestorConfig(
    options: {
      kubernetesToken?: string;
      leaseSeconds?: number;
      engines?: Record<string, unknown>;
    } = {},
  ) {
    return {
      sources: [
        {
          id: 'platform',
          url: this.git.url('buffet'),
          branch: 'main',
          subPath: 'buffet',
        },
      ],
      sync: { schedule: { frequency: { hours: 1 }, timeout: { minutes: 1 } } },
      kubernetes: {
        clusters: [
          {
            name: 'dev',
            url: this.kubernetes.url,
            skipTLSVerify: true,
            serviceAccountToken: options.kubernetesToken,
          },
        ],
      },
      coordinator: {
        pollIntervalMs: 50,
        statusPollMs: 100,
        backoffMs: 50,
        leaseSeconds: options.leaseSeconds ?? 30,
      },
      ...(options.engines ? { engines: options.engines } : {}),
    };
  }

  /** A fresh temporary folder, removed by {@link EngineScenario.stop}. */
  tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.#workDirs.push(dir);
    return dir;
  }

  /**
   * The files below a folder of a repository at the head of `main`, path
   * (relative to the folder) → content; empty when the branch or folder does
   * not exist.
   */
  async readRepo(repo: string, folder: string): Promise<Map<string, string>> {
    const tree = await this.#clone(repo);
    const files = new Map<string, string>();
    if (!tree) return files;
    const root = path.join(tree.dir, folder);
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else
          files.set(path.relative(root, full), fs.readFileSync(full, 'utf8'));
      }
    };
    walk(root);
    return files;
  }

  /** Commit subjects of a repository's `main`, newest first. */
  async commitSubjects(repo: string): Promise<string[]> {
    const tree = await this.#clone(repo);
    if (!tree) return [];
    return (await tree.git('log', '--format=%s', 'HEAD')).split('\n');
  }

  /**
   * Argo CD's part for a directory source (no recursion): server-side
   * applies every object of the `*.yaml` files directly in the folder, after
   * creating their namespaces (`CreateNamespace=true`). Returns the objects
   * as the cluster stored them; fails when the folder has none.
   */
  async applyCommitted(
    repo: string,
    folder: string,
  ): Promise<KubernetesJsonObject[]> {
    const files = await this.readRepo(repo, folder);
    const objects: KubernetesJsonObject[] = [];
    for (const [file, content] of [...files].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      if (file.includes('/') || !/\.ya?ml$/.test(file)) continue;
      for (const document of YAML.parseAllDocuments(content)) {
        const object = document.toJS() as KubernetesJsonObject | null;
        if (object?.kind) objects.push(object);
      }
    }
    if (objects.length === 0)
      throw new Error(`no Kubernetes objects committed in ${repo}:${folder}`);
    for (const namespace of new Set(
      objects.map(o => o.metadata.namespace).filter((n): n is string => !!n),
    )) {
      this.kubernetes.applyObject(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
        'argocd',
      );
    }
    return objects.map(object => this.kubernetes.applyObject(object, 'argocd'));
  }

  async stop(): Promise<void> {
    for (const tree of this.#trees) await tree.remove();
    await this.kubernetes.stop();
    await this.git.stop();
    for (const dir of this.#workDirs)
      fs.rmSync(dir, { recursive: true, force: true });
  }

  /** A clone of `main`, or undefined when the repository has no such branch yet. */
  async #clone(repo: string): Promise<GitWorkTree | undefined> {
    const tree = await GitWorkTree.create(this.git.url(repo));
    this.#trees.push(tree);
    try {
      await tree.git('fetch', '--quiet', 'origin', 'main');
      await tree.git('checkout', '--quiet', '-B', 'main', 'origin/main');
      return tree;
    } catch {
      return undefined;
    }
  }
}

function toYamlDocuments(content: unknown): string {
  return Array.isArray(content)
    ? content.map(document => YAML.stringify(document)).join('---\n')
    : YAML.stringify(content);
}
