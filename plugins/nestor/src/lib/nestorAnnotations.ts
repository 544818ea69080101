/**
 * The annotations Nestor's catalog module writes on the entities it
 * provides (and the one an adopter may add by hand), read by the entity
 * content to find the deployments an entity stands for.
 * @public
 */
export const NESTOR_ANNOTATIONS = {
  /** on a deployment's Resource entity: `<team>/<environment>/<name>` */
  deploymentRef: 'nestor.io/deployment-ref',
  /** on a buffet item's entity and its Template: the item's name */
  resourceName: 'nestor.io/resource-name',
  /**
   * on any entity, set by hand: the deployment refs it is tied to, separated
   * by commas or spaces (for services whose infrastructure is not modelled
   * as catalog relations)
   */
  deployments: 'nestor.io/deployments',
} as const;
