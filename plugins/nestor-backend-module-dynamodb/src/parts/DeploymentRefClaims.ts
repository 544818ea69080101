import { ConflictError } from '@backstage/errors';
import { isConditionalCheckFailed, TableClient } from '../client/TableClient';
import { keys } from '../schema/keys';
import { isActivePhase } from './DeploymentItemCodec';

/** How long a claim whose deployment is not written yet (or is being revived) blocks the ref. */
const CLAIM_GRACE_MS = 30_000;
const MAX_ROUNDS = 10;

/**
 * The ref pointers `DEPREF#<ref>` / `REF`: which deployment holds a ref
 * (`<team>/<environment>/<name>`). A deployment takes the pointer with a
 * conditional put before its own item is written; it may take it over only
 * from a deployment that no longer holds it (inactive phase), again with a
 * put conditional on the pointer it read. A pointer to a deployment that is
 * not there yet counts as taken for {@link CLAIM_GRACE_MS} (its creator is
 * between its two writes); after that its creator is presumed dead.
 */
export class DeploymentRefClaims {
  readonly #table: TableClient;

  static create(options: { table: TableClient }): DeploymentRefClaims {
    return new DeploymentRefClaims(options.table);
  }

  private constructor(table: TableClient) {
    this.#table = table;
  }

  /** The id the pointer names, if any. */
  async holderOf(ref: string): Promise<string | undefined> {
    const pointer = await this.#table.get(keys.deploymentRef(ref));
    return pointer?.deploymentId;
  }

  /**
   * Points `ref` at `deploymentId`, or throws a ConflictError naming the
   * deployment that holds it. Returns the claim time (to release exactly this claim).
   */
  async claim(
    ref: string,
    deploymentId: string,
    options: { reviving?: boolean } = {},
  ): Promise<number> {
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const claimedAt = Date.now();
      const pointer = {
        ...keys.deploymentRef(ref),
        deploymentId,
        claimedAt,
        ...(options.reviving ? { reviving: true } : {}),
      };
      if (
        await this.#put(
          pointer,
          'attribute_not_exists(PK) OR deploymentId = :id',
          { ':id': deploymentId },
        )
      ) {
        return claimedAt;
      }
      const held = await this.#table.get(keys.deploymentRef(ref));
      if (!held) {
        continue;
      }
      const holder = await this.#table.get(keys.deployment(held.deploymentId));
      const young = claimedAt - Number(held.claimedAt) < CLAIM_GRACE_MS;
      if (holder && holder.ref === ref) {
        if (isActivePhase(holder.phase)) {
          throw new ConflictError(
            `Deployment ${ref} already exists (id ${holder.id}, phase ${holder.phase})`,
          );
        }
        if (held.reviving && young) {
          throw new ConflictError(
            `Deployment ${ref} is being revived (id ${holder.id})`,
          );
        }
      } else if (young) {
        throw new ConflictError(
          `Deployment ${ref} is being created by another request (id ${held.deploymentId})`,
        );
      }
      const taken = await this.#put(
        pointer,
        'deploymentId = :holder AND claimedAt = :claimedAt',
        {
          ':holder': held.deploymentId,
          ':claimedAt': held.claimedAt,
        },
      );
      if (taken) {
        return claimedAt;
      }
    }
    throw new ConflictError(`Deployment ${ref} is contended; try again`);
  }

  /** Drops a claim if it is still exactly the one made. */
  async release(
    ref: string,
    deploymentId: string,
    claimedAt: number,
  ): Promise<void> {
    await this.#ignoringConflict(() =>
      this.#table.delete(keys.deploymentRef(ref), {
        condition: 'deploymentId = :id AND claimedAt = :claimedAt',
        values: { ':id': deploymentId, ':claimedAt': claimedAt },
      }),
    );
  }

  /** Marks a revival as finished. */
  async settle(ref: string, deploymentId: string): Promise<void> {
    await this.#ignoringConflict(() =>
      this.#table.update({
        Key: keys.deploymentRef(ref),
        UpdateExpression: 'REMOVE reviving',
        ConditionExpression: 'deploymentId = :id',
        ExpressionAttributeValues: { ':id': deploymentId },
      }),
    );
  }

  async #put(
    pointer: Record<string, unknown>,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    return this.#ignoringConflict(async () => {
      await this.#table.put(pointer, { condition, values });
      return true;
    }).then(done => done ?? false);
  }

  async #ignoringConflict<T>(write: () => Promise<T>): Promise<T | undefined> {
    try {
      return await write();
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        return undefined;
      }
      throw error;
    }
  }
}
