import { IndexSpec } from '../schema/tableSchema';
import { Item, TableClient } from './TableClient';

/** A partition of an index to read. */
export interface IndexPartition {
  index: IndexSpec;
  pk: string;
  /** A FilterExpression for this partition only, AND-ed with the query's. */
  filter?: MergedFilter;
}

/** A FilterExpression and its placeholders. */
export interface MergedFilter {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** What {@link queryMerged} reads. */
export interface MergedQuery {
  partitions: IndexPartition[];
  /** Start strictly after this sort key (a keyset cursor). */
  after?: string;
  /** Only sort keys in this range, both ends included (instead of `after`). */
  between?: { from: string; to: string };
  /** A FilterExpression applied in every partition. */
  filter?: MergedFilter;
  limit: number;
}

/**
 * Reads up to `limit` matching items from one or more partitions of an
 * index that share a sort key format, merged in ascending sort key order.
 * Every partition is read only as far as it can contribute to the result.
 */
export async function queryMerged(
  table: TableClient,
  query: MergedQuery,
): Promise<Item[]> {
  if (query.limit <= 0 || query.partitions.length === 0) {
    return [];
  }
  const pageSize = Math.min(1000, Math.max(query.limit, 50));
  const perPartition = await Promise.all(
    query.partitions.map(async ({ index, pk, filter }) => {
      const filters = [query.filter, filter].filter(
        (f): f is MergedFilter => f !== undefined,
      );
      const names: Record<string, string> = Object.assign(
        { '#pk': index.pk },
        ...filters.map(f => f.names),
      );
      const values: Record<string, unknown> = Object.assign(
        { ':pk': pk },
        ...filters.map(f => f.values),
      );
      let keyCondition = '#pk = :pk';
      if (query.between !== undefined) {
        names['#sk'] = index.sk;
        Object.assign(values, {
          ':from': query.between.from,
          ':to': query.between.to,
        });
        keyCondition += ' AND #sk BETWEEN :from AND :to';
      } else if (query.after !== undefined) {
        names['#sk'] = index.sk;
        values[':after'] = query.after;
        keyCondition += ' AND #sk > :after';
      }
      const found: Array<{ item: Item; sk: string }> = [];
      for await (const page of table.queryPages({
        IndexName: index.name,
        KeyConditionExpression: keyCondition,
        FilterExpression:
          filters.length > 0
            ? filters.map(f => `(${f.expression})`).join(' AND ')
            : undefined,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        Limit: pageSize,
      })) {
        found.push(
          ...page.map(item => ({ item, sk: item[index.sk] as string })),
        );
        if (found.length >= query.limit) {
          break;
        }
      }
      return found;
    }),
  );
  return perPartition
    .flat()
    .sort((a, b) => Number(a.sk > b.sk) - Number(a.sk < b.sk))
    .slice(0, query.limit)
    .map(entry => entry.item);
}
