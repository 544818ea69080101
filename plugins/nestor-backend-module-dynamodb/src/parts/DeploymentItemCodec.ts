import { Deployment } from '@nestor/plugin-nestor-common';
import { INACTIVE_DEPLOYMENT_PHASES } from '@nestor/plugin-nestor-node';
import type { Item } from '../client/TableClient';
import { ItemBody } from '../schema/ItemBody';
import { keys, pad } from '../schema/keys';
import { INDEXES } from '../schema/tableSchema';

/** The attributes a graph record is read from. */
export const GRAPH_ATTRIBUTES = [
  'id',
  'ref',
  'team',
  'environment',
  'resource',
  'phase',
  'dependsOn',
] as const;

/** True when a deployment in this phase holds its ref. */
export function isActivePhase(phase: string): boolean {
  return !(INACTIVE_DEPLOYMENT_PHASES as readonly string[]).includes(phase);
}

/**
 * How a deployment maps to its item `DEP#<id>` / `DEP`: the whole deployment
 * in the (compressed) body; beside it the fields that indexes, filters and
 * the graph read (`team`, `environment`, `phase`, `resource`, `dependsOn`),
 * the creation sequence number `seq` whose zero-padded form is the sort key
 * of every deployment index, the optimistic `version`, a write token `wt`
 * (to recognise our own write when a retried conditional write is refused)
 * and, written only by lease calls, `leaseOwner` / `leaseExpiresAt`.
 */
export const DeploymentItemCodec = {
  /** The attributes an update sets (all but keys, `seq`, sort keys and the lease). */
  dataAttributes(deployment: Deployment, writeToken: string): Item {
    const attributes = {
      id: deployment.id,
      ref: deployment.ref,
      team: deployment.team,
      environment: deployment.environment,
      phase: deployment.phase,
      resource: deployment.resource,
      dependsOn: deployment.dependsOn,
      version: deployment.version,
      wt: writeToken,
      [INDEXES.GSI2.pk]: keys.deploymentsByTeam(deployment.team),
      [INDEXES.GSI3.pk]: keys.deploymentsByEnvironment(deployment.environment),
      [INDEXES.GSI4.pk]: keys.deploymentsByPhase(deployment.phase),
      ...ItemBody.encode(deployment),
    };
    ItemBody.assertFits(
      {
        ...keys.deployment(deployment.id),
        ...attributes,
        seq: 0,
        sortKeys: pad(0).repeat(4),
      },
      `Deployment ${deployment.ref}`,
    );
    return attributes;
  },

  /** The whole item of a new deployment. */
  newItem(deployment: Deployment, seq: number, writeToken: string): Item {
    const sortKey = pad(seq);
    return {
      ...keys.deployment(deployment.id),
      ...DeploymentItemCodec.dataAttributes(deployment, writeToken),
      seq,
      [INDEXES.GSI1.pk]: keys.deploymentsAll(),
      [INDEXES.GSI1.sk]: sortKey,
      [INDEXES.GSI2.sk]: sortKey,
      [INDEXES.GSI3.sk]: sortKey,
      [INDEXES.GSI4.sk]: sortKey,
    };
  },

  decode(item: Item): Deployment {
    return ItemBody.decode<Deployment>(item);
  },

  /** The sort key shared by the deployment indexes (creation order). */
  sortKey(item: Item): string {
    return item[INDEXES.GSI1.sk] as string;
  },
};
