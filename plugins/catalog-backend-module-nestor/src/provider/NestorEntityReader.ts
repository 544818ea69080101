import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  CatalogItem,
  Deployment,
  NestorClient,
  parseDeploymentRef,
} from '@nestor/plugin-nestor-common';
import { buffetItemEntity } from '../entities/buffetItemEntity';
import { buffetItemTemplate } from '../entities/buffetItemTemplate';
import {
  deploymentEntity,
  deploymentEntityRef,
} from '../entities/deploymentEntity';
import { EntityContext } from '../entities/types';

const PAGE_SIZE = 100;

/** Entities to add and refs to remove: one delta mutation's worth. @public */
export interface EntityDelta {
  added: Entity[];
  removed: string[];
}

function isNotFound(error: unknown): boolean {
  return (error as ResponseError)?.response?.status === 404;
}

/**
 * A deployment with nothing behind it any more: torn down (`Deleted`) or
 * cancelled before anything was delivered (`Cancelled`).
 */
function isGone(deployment: Deployment): boolean {
  return deployment.phase === 'Deleted' || deployment.phase === 'Cancelled';
}

/**
 * Reads buffet items and deployments from the Nestor API and turns them
 * into entities, either all at once (a full mutation) or by name and ref
 * (a delta after events).
 * @public
 */
export class NestorEntityReader {
  readonly #client: NestorClient;
  readonly #context: EntityContext;
  readonly #options: { templates: boolean; deployments: boolean };

  static create(options: {
    client: NestorClient;
    context: EntityContext;
    templates: boolean;
    deployments: boolean;
  }): NestorEntityReader {
    return new NestorEntityReader(options);
  }

  private constructor(options: {
    client: NestorClient;
    context: EntityContext;
    templates: boolean;
    deployments: boolean;
  }) {
    this.#client = options.client;
    this.#context = options.context;
    this.#options = {
      templates: options.templates,
      deployments: options.deployments,
    };
  }

  /** Every entity the provider publishes now. */
  async readAll(): Promise<Entity[]> {
    const context = this.#context;
    const items: CatalogItem[] = [];
    for (
      let cursor: string | undefined, first = true;
      first || cursor;
      first = false
    ) {
      const page = await this.#client.listCatalog({ limit: PAGE_SIZE, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
    }
    const entities = items.flatMap(item => this.#itemEntities(item, context));
    if (this.#options.deployments) {
      for (
        let cursor: string | undefined, first = true;
        first || cursor;
        first = false
      ) {
        const page = await this.#client.listDeployments({
          limit: PAGE_SIZE,
          cursor,
        });
        entities.push(
          ...page.items
            .filter(d => !isGone(d))
            .map(d => deploymentEntity(d, context)),
        );
        cursor = page.nextCursor;
      }
    }
    return entities;
  }

  /** The entities of buffet items by name; an item Nestor no longer has is removed. */
  async readItems(names: Iterable<string>): Promise<EntityDelta> {
    const context = this.#context;
    const delta: EntityDelta = { added: [], removed: [] };
    for (const name of names) {
      const refs = (kinds: string[]) =>
        kinds.map(kind =>
          stringifyEntityRef({ kind, namespace: context.namespace, name }),
        );
      try {
        const item = await this.#client.getCatalogItem(name);
        const entities = this.#itemEntities(item, context);
        delta.added.push(...entities);
        // a definition that gains or loses its API annotations changes kind: the other kind goes
        const kinds = new Set(entities.map(e => e.kind));
        delta.removed.push(
          ...refs(['Resource', 'API', 'Template'].filter(k => !kinds.has(k))),
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
        delta.removed.push(...refs(['Resource', 'API', 'Template']));
      }
    }
    return delta;
  }

  /**
   * The entities of deployments by ref (with the id when the event carried
   * it); a deployment Nestor no longer has, or that is `Deleted` or `Cancelled`, is removed.
   */
  async readDeployments(
    refs: Map<string, string | undefined>,
  ): Promise<EntityDelta> {
    const context = this.#context;
    const delta: EntityDelta = { added: [], removed: [] };
    if (!this.#options.deployments) return delta;
    for (const [ref, id] of refs) {
      const deployment = id ? await this.#byId(id) : await this.#byRef(ref);
      if (deployment && !isGone(deployment))
        delta.added.push(deploymentEntity(deployment, context));
      else delta.removed.push(deploymentEntityRef(ref, context));
    }
    return delta;
  }

  #itemEntities(item: CatalogItem, context: EntityContext): Entity[] {
    const entities = [buffetItemEntity(item, context)];
    if (this.#options.templates)
      entities.push(buffetItemTemplate(item, context));
    return entities;
  }

  async #byId(id: string): Promise<Deployment | undefined> {
    try {
      return await this.#client.getDeployment(id);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The API lists by team and environment; the name is matched here. */
  async #byRef(ref: string): Promise<Deployment | undefined> {
    const { team, environment } = parseDeploymentRef(ref);
    for (
      let cursor: string | undefined, first = true;
      first || cursor;
      first = false
    ) {
      const page = await this.#client.listDeployments({
        team,
        environment,
        limit: PAGE_SIZE,
        cursor,
      });
      const found = page.items.find(d => d.ref === ref);
      if (found) return found;
      cursor = page.nextCursor;
    }
    return undefined;
  }
}
