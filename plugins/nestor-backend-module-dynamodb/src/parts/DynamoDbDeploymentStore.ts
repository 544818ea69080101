import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Deployment,
  DeploymentPhase,
  parseDeploymentRef,
} from '@nestor/plugin-nestor-common';
import {
  DeploymentCreateResult,
  DeploymentListQuery,
  DeploymentStore,
  INACTIVE_DEPLOYMENT_PHASES,
  NewDeployment,
} from '@nestor/plugin-nestor-node';
import { KeysetCursor } from '../client/KeysetCursor';
import { mapConcurrently } from '../client/mapConcurrently';
import { IndexPartition, queryMerged } from '../client/queryMerged';
import {
  isConditionalCheckFailed,
  Item,
  TableClient,
} from '../client/TableClient';
import { keys } from '../schema/keys';
import { INDEXES } from '../schema/tableSchema';
import {
  DeploymentItemCodec,
  GRAPH_ATTRIBUTES,
  isActivePhase,
} from './DeploymentItemCodec';
import { DeploymentRefClaims } from './DeploymentRefClaims';

type GraphRecord = Pick<Deployment, (typeof GRAPH_ATTRIBUTES)[number]>;

/**
 * Deployments on DynamoDB: one item each (see {@link DeploymentItemCodec}),
 * ref pointers ({@link DeploymentRefClaims}), idempotency records
 * `IDEMPOTENCY#<key>` and a creation counter. Listing reads the team,
 * environment, phase or all-deployments partition of an index, in creation
 * order, with a keyset cursor on the creation sequence number.
 */
export class DynamoDbDeploymentStore implements DeploymentStore {
  readonly #table: TableClient;
  readonly #claims: DeploymentRefClaims;

  static create(options: { table: TableClient }): DynamoDbDeploymentStore {
    return new DynamoDbDeploymentStore(options.table);
  }

  private constructor(table: TableClient) {
    this.#table = table;
    this.#claims = DeploymentRefClaims.create({ table });
  }

  async create(
    input: NewDeployment,
    options: { idempotencyKey?: string; requestHash?: string } = {},
  ): Promise<DeploymentCreateResult> {
    let id = input.id;
    if (options.idempotencyKey !== undefined) {
      const earlier = await this.#recordIdempotencyKey(
        options.idempotencyKey,
        options.requestHash ?? '',
        input.id,
      );
      if (earlier.deployment) {
        return { deployment: earlier.deployment, created: false };
      }
      id = earlier.id;
    } else if (await this.#table.get(keys.deployment(id))) {
      throw new ConflictError(`A deployment with id "${id}" already exists`);
    }
    const deployment: Deployment = { ...input, id, version: 0 };
    const writeToken = randomUUID();
    const item = DeploymentItemCodec.newItem(
      deployment,
      await this.#nextSeq(),
      writeToken,
    );
    const claimedAt = await this.#claims.claim(deployment.ref, id);
    try {
      await this.#table.put(item, { condition: 'attribute_not_exists(PK)' });
      return { deployment, created: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw error;
      }
    }
    const stored = await this.#table.get(keys.deployment(id));
    if (stored?.wt === writeToken) {
      return { deployment, created: true };
    }
    if (stored && options.idempotencyKey !== undefined) {
      return { deployment: DeploymentItemCodec.decode(stored), created: false };
    }
    await this.#claims.release(deployment.ref, id, claimedAt);
    throw new ConflictError(`A deployment with id "${id}" already exists`);
  }

  async get(id: string): Promise<Deployment | undefined> {
    const item = await this.#table.get(keys.deployment(id));
    return item && DeploymentItemCodec.decode(item);
  }

  async getByRef(ref: string): Promise<Deployment | undefined> {
    const holderId = await this.#claims.holderOf(ref);
    const holder =
      holderId === undefined
        ? undefined
        : await this.#table.get(keys.deployment(holderId));
    if (holder && holder.ref === ref) {
      return DeploymentItemCodec.decode(holder);
    }
    // no (usable) pointer: a creation died between its two writes; look in the team's partition
    let team: string;
    try {
      team = parseDeploymentRef(ref).team;
    } catch {
      return undefined;
    }
    const sameRef = await this.#table.queryAll({
      IndexName: INDEXES.GSI2.name,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: '#ref = :ref',
      ExpressionAttributeNames: { '#pk': INDEXES.GSI2.pk, '#ref': 'ref' },
      ExpressionAttributeValues: {
        ':pk': keys.deploymentsByTeam(team),
        ':ref': ref,
      },
    });
    const chosen =
      sameRef.find(i => isActivePhase(i.phase)) ?? sameRef[sameRef.length - 1];
    return chosen && DeploymentItemCodec.decode(chosen);
  }

  async getByRefs(refs: string[]): Promise<Deployment[]> {
    const found = await mapConcurrently([...new Set(refs)], 16, ref =>
      this.getByRef(ref),
    );
    return found.filter((d): d is Deployment => d !== undefined);
  }

  async list(
    query: DeploymentListQuery,
  ): Promise<{ items: Deployment[]; nextCursor?: string }> {
    const after =
      query.cursor !== undefined
        ? KeysetCursor.decode(query.cursor)
        : undefined;
    const { partitions, filter } = this.#plan(query);
    const items = await queryMerged(this.#table, {
      partitions,
      after,
      filter,
      limit: query.limit + 1,
    });
    const page = items.slice(0, query.limit);
    return {
      items: page.map(DeploymentItemCodec.decode),
      nextCursor:
        items.length > page.length
          ? KeysetCursor.encode(
              DeploymentItemCodec.sortKey(page[page.length - 1]),
            )
          : undefined,
    };
  }

  async update(next: Deployment, expectedVersion: number): Promise<Deployment> {
    const deployment: Deployment = { ...next, version: expectedVersion + 1 };
    const writeToken = randomUUID();
    // a write that makes an inactive deployment active again must first take its ref back
    const guardRevival = isActivePhase(deployment.phase);
    if (
      await this.#tryUpdate(
        deployment,
        expectedVersion,
        writeToken,
        guardRevival,
      )
    ) {
      return deployment;
    }
    const stored = await this.#table.get(keys.deployment(next.id));
    this.#explainRefusal(next, expectedVersion, stored, writeToken);
    if (stored?.wt === writeToken) {
      return deployment;
    }
    await this.#claims.claim(deployment.ref, deployment.id, { reviving: true });
    try {
      if (
        await this.#tryUpdate(deployment, expectedVersion, writeToken, false)
      ) {
        return deployment;
      }
      const after = await this.#table.get(keys.deployment(next.id));
      this.#explainRefusal(next, expectedVersion, after, writeToken);
      return deployment;
    } finally {
      await this.#claims.settle(deployment.ref, deployment.id);
    }
  }

  async acquireLease(
    deploymentId: string,
    owner: string,
    ttlMs: number,
    options: { version?: number } = {},
  ): Promise<boolean> {
    const now = Date.now();
    const atVersion = options.version !== undefined;
    try {
      await this.#table.update({
        Key: keys.deployment(deploymentId),
        UpdateExpression: 'SET leaseOwner = :owner, leaseExpiresAt = :expires',
        ConditionExpression: `attribute_exists(PK)${
          atVersion ? ' AND #version = :version' : ''
        } AND (attribute_not_exists(leaseOwner) OR leaseExpiresAt <= :now OR leaseOwner = :owner)`,
        ...(atVersion
          ? { ExpressionAttributeNames: { '#version': 'version' } }
          : {}),
        ExpressionAttributeValues: {
          ':owner': owner,
          ':expires': now + ttlMs,
          ':now': now,
          ...(atVersion ? { ':version': options.version } : {}),
        },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        return false;
      }
      throw error;
    }
  }

  async releaseLease(deploymentId: string, owner: string): Promise<void> {
    try {
      await this.#table.update({
        Key: keys.deployment(deploymentId),
        UpdateExpression: 'REMOVE leaseOwner, leaseExpiresAt',
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':owner': owner },
      });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw error;
      }
    }
  }

  async findUnleased(
    phases: DeploymentPhase[],
    limit: number,
  ): Promise<Deployment[]> {
    const items = await queryMerged(this.#table, {
      partitions: [...new Set(phases)].map(phase => ({
        index: INDEXES.GSI4,
        pk: keys.deploymentsByPhase(phase),
      })),
      filter: {
        expression:
          'attribute_not_exists(leaseOwner) OR leaseExpiresAt <= :now',
        values: { ':now': Date.now() },
      },
      limit,
    });
    return items.map(DeploymentItemCodec.decode);
  }

  async listGraphRecords(): Promise<GraphRecord[]> {
    const names = Object.fromEntries(GRAPH_ATTRIBUTES.map(a => [`#${a}`, a]));
    const items = await this.#table.queryIndexPartition(
      INDEXES.GSI1,
      keys.deploymentsAll(),
      {
        projection: Object.keys(names).join(', '),
        names,
      },
    );
    return items.map(
      item =>
        Object.fromEntries(
          GRAPH_ATTRIBUTES.map(a => [a, item[a]]),
        ) as GraphRecord,
    );
  }

  /** Which index partitions a listing reads, and what it filters there. */
  #plan(query: DeploymentListQuery): {
    partitions: IndexPartition[];
    filter?: {
      expression: string;
      names: Record<string, string>;
      values: Record<string, unknown>;
    };
  } {
    let partitions: IndexPartition[];
    let filterOn: Array<'environment' | 'phase'> = ['environment', 'phase'];
    if (query.team !== undefined || query.teams !== undefined) {
      const teams =
        query.team !== undefined
          ? [query.team].filter(t => !query.teams || query.teams.includes(t))
          : [...new Set(query.teams)];
      partitions = teams.map(team => ({
        index: INDEXES.GSI2,
        pk: keys.deploymentsByTeam(team),
      }));
    } else if (query.environment !== undefined) {
      partitions = [
        {
          index: INDEXES.GSI3,
          pk: keys.deploymentsByEnvironment(query.environment),
        },
      ];
      filterOn = ['phase'];
    } else if (query.phase !== undefined) {
      partitions = [
        { index: INDEXES.GSI4, pk: keys.deploymentsByPhase(query.phase) },
      ];
      filterOn = [];
    } else {
      partitions = [{ index: INDEXES.GSI1, pk: keys.deploymentsAll() }];
    }
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    for (const field of filterOn) {
      if (query[field] !== undefined) {
        conditions.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = query[field];
      }
    }
    if (query.resource !== undefined) {
      conditions.push('#resource.#name = :resource');
      Object.assign(names, { '#resource': 'resource', '#name': 'name' });
      values[':resource'] = query.resource;
    }
    return {
      partitions,
      filter:
        conditions.length > 0
          ? { expression: conditions.join(' AND '), names, values }
          : undefined,
    };
  }

  /** One conditional write of a deployment's data; false when the condition failed. */
  async #tryUpdate(
    deployment: Deployment,
    expectedVersion: number,
    writeToken: string,
    guardRevival: boolean,
  ): Promise<boolean> {
    const attributes = DeploymentItemCodec.dataAttributes(
      deployment,
      writeToken,
    );
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':expected': expectedVersion };
    const sets = Object.entries(attributes).map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
      return `#a${i} = :a${i}`;
    });
    names['#stale'] = attributes.bodyGz === undefined ? 'bodyGz' : 'body';
    names['#version'] = 'version';
    let condition = 'attribute_exists(PK) AND #version = :expected';
    if (guardRevival) {
      names['#phase'] = 'phase';
      const inactive = INACTIVE_DEPLOYMENT_PHASES.map((phase, i) => {
        values[`:inactive${i}`] = phase;
        return `:inactive${i}`;
      });
      condition += ` AND NOT (#phase IN (${inactive.join(', ')}))`;
    }
    try {
      await this.#table.update({
        Key: keys.deployment(deployment.id),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE #stale`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        return false;
      }
      throw error;
    }
  }

  /** Throws the error a refused update deserves (none when the refusal was a revival, or our own retried write). */
  #explainRefusal(
    next: Deployment,
    expectedVersion: number,
    stored: Item | undefined,
    writeToken: string,
  ): void {
    if (!stored) {
      throw new NotFoundError(`No deployment with id "${next.id}"`);
    }
    if (stored.wt !== writeToken && stored.version !== expectedVersion) {
      throw new ConflictError(
        `Deployment ${next.ref} was changed concurrently: expected version ${expectedVersion}, stored version is ${stored.version}`,
      );
    }
  }

  async #recordIdempotencyKey(
    key: string,
    requestHash: string,
    id: string,
  ): Promise<{ id: string; deployment?: Deployment }> {
    try {
      await this.#table.put(
        {
          ...keys.idempotencyKey(key),
          requestHash,
          deploymentId: id,
          createdAt: new Date().toISOString(),
        },
        { condition: 'attribute_not_exists(PK)' },
      );
      return { id };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw error;
      }
    }
    const record = await this.#table.get(keys.idempotencyKey(key));
    if (!record) {
      return this.#recordIdempotencyKey(key, requestHash, id);
    }
    if (record.requestHash !== requestHash) {
      throw new ConflictError(
        `Idempotency key "${key}" was already used with a different request`,
      );
    }
    // the earlier request's deployment, or the id to finish its creation with
    return {
      id: record.deploymentId,
      deployment: await this.get(record.deploymentId),
    };
  }

  async #nextSeq(): Promise<number> {
    const out = await this.#table.update({
      Key: keys.deploymentCounter(),
      UpdateExpression: 'ADD #seq :one',
      ExpressionAttributeNames: { '#seq': 'seq' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    });
    return Number(out!.seq);
  }
}
