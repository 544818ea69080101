import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import {
  QuotaReservation,
  QuotaReservationResult,
  QuotaUsageRow,
} from '@nestor/plugin-nestor-node';
import type { Item } from '../client/TableClient';

type CounterUpdate = Pick<
  UpdateCommandInput,
  | 'UpdateExpression'
  | 'ConditionExpression'
  | 'ExpressionAttributeNames'
  | 'ExpressionAttributeValues'
>;

const DEPLOYMENTS = 'deployments';
const MONTHLY_COST = 'monthlyCost';
const typeDeployments = (type: string) => `d:${type}`;
const typeCost = (type: string) => `c:${type}`;

/** Tokens of reservations made but not yet confirmed (see {@link QuotaCounters.reserveUpdate}). */
const PENDING_TOKENS = 'pendingTokens';
/** The token of the last release (see {@link QuotaCounters.releaseUpdate}). */
const LAST_RELEASE = 'lastRelease';

/** Costs are decimals: round away binary floating point noise. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

function names(type: string) {
  return {
    '#d': DEPLOYMENTS,
    '#c': MONTHLY_COST,
    '#td': typeDeployments(type),
    '#tc': typeCost(type),
    '#rev': 'rev',
    '#team': 'team',
    '#env': 'environment',
    '#tokens': PENDING_TOKENS,
  };
}

/** One limit to check: which counter, its maximum and what the reservation adds. */
interface LimitCheck {
  limit: 'maxDeployments' | 'maxMonthlyCost';
  scope: string;
  placeholder: string;
  attribute: string;
  max: number;
  adds: number;
}

function limitChecks(
  r: Omit<QuotaReservation, 'limits'> &
    Partial<Pick<QuotaReservation, 'limits'>>,
): LimitCheck[] {
  const checks: LimitCheck[] = [];
  const add = (
    limit: LimitCheck['limit'],
    scope: string,
    placeholder: string,
    attribute: string,
    max: number | undefined,
  ) => {
    if (max !== undefined) {
      checks.push({
        limit,
        scope,
        placeholder,
        attribute,
        max,
        adds: limit === 'maxDeployments' ? 1 : r.monthlyCost,
      });
    }
  };
  add('maxDeployments', '*', '#d', DEPLOYMENTS, r.limits?.maxDeployments);
  add('maxMonthlyCost', '*', '#c', MONTHLY_COST, r.limits?.maxMonthlyCost);
  add(
    'maxDeployments',
    r.resourceType,
    '#td',
    typeDeployments(r.resourceType),
    r.limits?.perType?.maxDeployments,
  );
  add(
    'maxMonthlyCost',
    r.resourceType,
    '#tc',
    typeCost(r.resourceType),
    r.limits?.perType?.maxMonthlyCost,
  );
  return checks;
}

/**
 * The expressions behind quota reservations. A team's counters for one
 * environment live in one item: `deployments` and `monthlyCost` for the
 * environment, `d:<type>` and `c:<type>` per resource type. A reservation is
 * one `UpdateItem` that `ADD`s to all four under a condition that every
 * limit still holds after the addition (`counter <= max - added`), so it is
 * atomic without transactions and refuses without changing anything.
 *
 * `ADD` is not idempotent: a retry after a lost answer would count twice.
 * So a reservation also adds its random token to the set `pendingTokens`, on
 * condition that the token is not there yet; a retry that finds its token
 * knows the first attempt landed. The token is taken out of the set once the
 * answer is in (a token stays only when the caller died in between).
 * Releases record their token in `lastRelease` for the same reason.
 */
export const QuotaCounters = {
  /** The reservation's update, or undefined when a limit can never hold. */
  reserveUpdate(r: QuotaReservation, token: string): CounterUpdate | undefined {
    const values: Record<string, unknown> = {
      ':one': 1,
      ':cost': r.monthlyCost,
      ':team': r.team,
      ':env': r.environment,
      ':token': token,
      ':tokens': new Set([token]),
    };
    const conditions: string[] = ['NOT contains(#tokens, :token)'];
    for (const [i, check] of limitChecks(r).entries()) {
      const threshold = round(check.max - check.adds);
      if (threshold < 0) {
        return undefined;
      }
      values[`:max${i}`] = threshold;
      conditions.push(
        `(attribute_not_exists(${check.placeholder}) OR ${check.placeholder} <= :max${i})`,
      );
    }
    return {
      UpdateExpression:
        'ADD #d :one, #c :cost, #td :one, #tc :cost, #rev :one, #tokens :tokens SET #team = :team, #env = :env',
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names(r.resourceType),
      ExpressionAttributeValues: values,
    };
  },

  /** Whether the reservation with this token is counted in the item. */
  holdsReservation(item: Item | undefined, token: string): boolean {
    const tokens = item?.[PENDING_TOKENS] as Set<string> | undefined;
    return Boolean(tokens?.has(token));
  },

  /** Takes a confirmed reservation's token out of the pending set. */
  confirmUpdate(token: string): CounterUpdate {
    return {
      UpdateExpression: 'DELETE #tokens :tokens',
      ExpressionAttributeNames: { '#tokens': PENDING_TOKENS },
      ExpressionAttributeValues: { ':tokens': new Set([token]) },
    };
  },

  /** Whether the release with this token is the last one written. */
  holdsRelease(item: Item | undefined, token: string): boolean {
    return item?.[LAST_RELEASE] === token;
  },

  /** The first limit the stored counters break for this reservation, if any. */
  refusal(
    r: QuotaReservation,
    item: Item | undefined,
  ): Extract<QuotaReservationResult, { ok: false }> | undefined {
    for (const check of limitChecks(r)) {
      const current = Number(item?.[check.attribute] ?? 0);
      if (round(current + check.adds) > check.max) {
        return {
          ok: false,
          limit: check.limit,
          scope: check.scope,
          current,
          max: check.max,
        };
      }
    }
    return undefined;
  },

  /** Takes a reservation back, never below zero, if the item is unchanged since read. */
  releaseUpdate(
    r: Omit<QuotaReservation, 'limits'>,
    item: Item,
    token: string,
  ): CounterUpdate {
    const less = (attribute: string, by: number) =>
      Math.max(0, round(Number(item[attribute] ?? 0) - by));
    const hasRev = item.rev !== undefined;
    return {
      UpdateExpression:
        'SET #d = :d, #c = :c, #td = :td, #tc = :tc, #last = :token ADD #rev :one',
      ConditionExpression: hasRev
        ? '#rev = :rev'
        : 'attribute_not_exists(#rev)',
      ExpressionAttributeNames: {
        '#d': DEPLOYMENTS,
        '#c': MONTHLY_COST,
        '#td': typeDeployments(r.resourceType),
        '#tc': typeCost(r.resourceType),
        '#rev': 'rev',
        '#last': LAST_RELEASE,
      },
      ExpressionAttributeValues: {
        ':token': token,
        ':d': less(DEPLOYMENTS, 1),
        ':c': less(MONTHLY_COST, r.monthlyCost),
        ':td': less(typeDeployments(r.resourceType), 1),
        ':tc': less(typeCost(r.resourceType), r.monthlyCost),
        ':one': 1,
        ...(hasRev ? { ':rev': item.rev } : {}),
      },
    };
  },

  /** The usage rows of one counter item. */
  rows(team: string, item: Item): QuotaUsageRow[] {
    const environment = item.environment as string;
    const rows: QuotaUsageRow[] = [
      {
        team,
        environment,
        scope: '*',
        deployments: Number(item[DEPLOYMENTS] ?? 0),
        monthlyCost: Number(item[MONTHLY_COST] ?? 0),
      },
    ];
    for (const attribute of Object.keys(item)
      .filter(a => a.startsWith('d:'))
      .sort()) {
      const scope = attribute.slice(2);
      rows.push({
        team,
        environment,
        scope,
        deployments: Number(item[attribute] ?? 0),
        monthlyCost: Number(item[typeCost(scope)] ?? 0),
      });
    }
    return rows;
  },
};
