import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, GroupEntity, RELATION_HAS_MEMBER, RELATION_PARENT_OF, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TeamConfig } from '@nestor/plugin-nestor-common';
import { StoredTeam, TeamStore } from '@nestor/plugin-nestor-node';

/**
 * A team: its `TeamConfig` joined with the catalog Group of the same name.
 * @public
 */
export interface Team {
  id: string;
  title?: string;
  description?: string;
  config: TeamConfig;
  source: StoredTeam['source'];
  /** the Group entity, or undefined when the catalog has none by that name */
  group?: {
    ref: string;
    /** user entity refs of the group's direct members */
    members: string[];
    parent?: string;
    children: string[];
  };
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? []).filter(r => r.type === type).map(r => r.targetRef);
}

/**
 * Teams are `TeamConfig` documents synced from Git, joined with the
 * Backstage catalog's Group entities: a team id is a Group name (in any
 * namespace; `default` wins a tie). Groups are read with the plugin's own
 * credentials and cached for `groupCacheMs`; if the catalog cannot be
 * reached, teams are served without their group rather than not at all.
 * @public
 */
export class TeamService {
  readonly #store: TeamStore;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #groupCacheMs: number;
  #groups?: { at: number; byName: Map<string, GroupEntity> };

  static create(options: {
    store: TeamStore;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    groupCacheMs?: number;
  }): TeamService {
    return new TeamService(options);
  }

  private constructor(options: {
    store: TeamStore;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    groupCacheMs?: number;
  }) {
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#groupCacheMs = options.groupCacheMs ?? 30_000;
  }

  async list(): Promise<Team[]> {
    const [stored, groups] = await Promise.all([this.#store.listTeams(), this.#groupsByName()]);
    return stored.map(t => this.#join(t, groups.get(t.id)));
  }

  async get(id: string): Promise<Team | undefined> {
    const stored = await this.#store.getTeam(id);
    if (!stored) return undefined;
    const groups = await this.#groupsByName();
    return this.#join(stored, groups.get(id));
  }

  /** Every team id Nestor knows (for a service principal that acts for `'*'`). */
  async ids(): Promise<string[]> {
    return (await this.#store.listTeams()).map(t => t.id);
  }

  #join(stored: StoredTeam, group: GroupEntity | undefined): Team {
    const team: Team = {
      id: stored.id,
      title: stored.config.metadata.title ?? group?.spec.profile?.displayName ?? group?.metadata.title,
      description: stored.config.metadata.description ?? group?.metadata.description,
      config: stored.config,
      source: stored.source,
    };
    if (group) {
      team.group = {
        ref: stringifyEntityRef(group),
        members: relationTargets(group, RELATION_HAS_MEMBER),
        parent: group.spec.parent,
        children: relationTargets(group, RELATION_PARENT_OF),
      };
    }
    return team;
  }

  async #groupsByName(): Promise<Map<string, GroupEntity>> {
    if (this.#groups && Date.now() - this.#groups.at < this.#groupCacheMs) return this.#groups.byName;
    try {
      const { items } = await this.#catalog.getEntities(
        { filter: { kind: 'Group' } },
        { credentials: await this.#auth.getOwnServiceCredentials() },
      );
      const byName = new Map<string, GroupEntity>();
      for (const entity of items as GroupEntity[]) {
        const name = entity.metadata.name;
        if (!byName.has(name) || (entity.metadata.namespace ?? 'default') === 'default') byName.set(name, entity);
      }
      this.#groups = { at: Date.now(), byName };
    } catch (error) {
      this.#logger.warn(`Could not read Group entities from the catalog; teams are served without them: ${error}`);
      this.#groups = { at: Date.now(), byName: this.#groups?.byName ?? new Map() };
    }
    return this.#groups.byName;
  }
}
