import { randomUUID } from 'node:crypto';
import {
  QuotaReservation,
  QuotaReservationResult,
  QuotaUsageRow,
  StoredTeam,
  TeamStore,
} from '@nestor/plugin-nestor-node';
import {
  isConditionalCheckFailed,
  Item,
  TableClient,
} from '../client/TableClient';
import { ItemBody } from '../schema/ItemBody';
import { keys } from '../schema/keys';
import { INDEXES } from '../schema/tableSchema';
import { QuotaCounters } from './QuotaCounters';

const MAX_ROUNDS = 20;

/**
 * Team configs (one item each, listed through GSI1 `TEAMS` / id) and quota
 * usage: one counter item per team and environment in the team's partition
 * (`TEAM#<team>` / `QUOTA#<env>`), holding the environment's counters and
 * every resource type's, so that one conditional `UpdateItem` with `ADD`
 * checks and moves all of them at once.
 */
export class DynamoDbTeamStore implements TeamStore {
  readonly #table: TableClient;

  static create(options: { table: TableClient }): DynamoDbTeamStore {
    return new DynamoDbTeamStore(options.table);
  }

  private constructor(table: TableClient) {
    this.#table = table;
  }

  async putTeams(teams: StoredTeam[]): Promise<void> {
    const items = teams.map(team => {
      const item = {
        ...keys.team(team.id),
        [INDEXES.GSI1.pk]: keys.teamsAll(),
        [INDEXES.GSI1.sk]: team.id,
        ...ItemBody.encode(team),
      };
      ItemBody.assertFits(item, `The config of team "${team.id}"`);
      return item;
    });
    await this.#table.batchWrite({ puts: items });
  }

  async deleteTeams(ids: string[]): Promise<void> {
    await this.#table.batchWrite({ deletes: ids.map(id => keys.team(id)) });
  }

  async getTeam(id: string): Promise<StoredTeam | undefined> {
    const item = await this.#table.get(keys.team(id));
    return item ? ItemBody.decode<StoredTeam>(item) : undefined;
  }

  async listTeams(): Promise<StoredTeam[]> {
    const items = await this.#table.queryIndexPartition(
      INDEXES.GSI1,
      keys.teamsAll(),
    );
    return items.map(item => ItemBody.decode<StoredTeam>(item));
  }

  async reserveQuota(
    reservation: QuotaReservation,
  ): Promise<QuotaReservationResult> {
    const key = keys.quota(reservation.team, reservation.environment);
    const token = randomUUID();
    const update = QuotaCounters.reserveUpdate(reservation, token);
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      let refused = !update;
      if (update) {
        refused = await this.#table.update({ Key: key, ...update }).then(
          () => false,
          error => {
            if (isConditionalCheckFailed(error)) return true;
            throw error;
          },
        );
      }
      const item = refused ? await this.#table.get(key) : undefined;
      // granted, or refused because a retry found its own first attempt counted
      if (!refused || QuotaCounters.holdsReservation(item, token)) {
        await this.#table
          .update({ Key: key, ...QuotaCounters.confirmUpdate(token) })
          .catch(() => undefined);
        return { ok: true };
      }
      // refused: report the first limit that the stored counters break; if
      // none does any more (a release came in between), try again
      const refusal = QuotaCounters.refusal(reservation, item);
      if (refusal) {
        return refusal;
      }
    }
    throw new Error(
      `Quota reservation for ${reservation.team}/${reservation.environment} kept conflicting`,
    );
  }

  async releaseQuota(
    reservation: Omit<QuotaReservation, 'limits'>,
  ): Promise<void> {
    const key = keys.quota(reservation.team, reservation.environment);
    const token = randomUUID();
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const item = await this.#table.get(key);
      // absent, or a retry whose first attempt landed
      if (!item || QuotaCounters.holdsRelease(item, token)) {
        return;
      }
      try {
        await this.#table.update({
          Key: key,
          ...QuotaCounters.releaseUpdate(reservation, item, token),
        });
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) {
          throw error;
        }
      }
    }
    throw new Error(
      `Quota release for ${reservation.team}/${reservation.environment} kept conflicting`,
    );
  }

  async getQuotaUsage(team: string): Promise<QuotaUsageRow[]> {
    const items: Item[] = await this.#table.queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :quota)',
      ExpressionAttributeValues: {
        ':pk': keys.teamPartition(team),
        ':quota': 'QUOTA#',
      },
    });
    return items.flatMap(item => QuotaCounters.rows(team, item));
  }
}
