/**
 * Annotations of Nestor's catalog entities: written by the entity provider
 * (`@nestor/plugin-catalog-backend-module-nestor`), read by the frontend
 * (entity pages, the Order button) and by the `nestor:deploy` action (a
 * dependency given as a catalog entity ref is turned into its Nestor ref).
 * One is set by hand by adopters (`deployments`).
 * @public
 */
export const NESTOR_ANNOTATIONS = {
  /** the buffet item's name, on its Resource/API entity, its Template and every deployment of it */
  resourceName: 'nestor.io/resource-name',
  /** the buffet item's semver version */
  resourceVersion: 'nestor.io/resource-version',
  /** the buffet item's type, e.g. `database.postgresql` */
  resourceType: 'nestor.io/resource-type',
  /** the engine that renders it, e.g. `crossplane` */
  engine: 'nestor.io/engine',
  /** on a buffet item: the entity ref of its generated Template */
  template: 'nestor.io/template',
  /** on a buffet item: `<source id>:<path>@<commit>` it was read from */
  source: 'nestor.io/source',
  /** on a deployment: `<team>/<environment>/<name>` */
  deploymentRef: 'nestor.io/deployment-ref',
  /** on a deployment: Nestor's opaque id (the REST API's `/deployments/{id}`) */
  deploymentId: 'nestor.io/deployment-id',
  /** on a deployment: the owning team id */
  team: 'nestor.io/team',
  /** on a deployment: its environment */
  environment: 'nestor.io/environment',
  /** on a deployment: its phase when the entity was written */
  phase: 'nestor.io/phase',
  /** on a buffet item published as an API: the API type (`openapi`, `asyncapi`, `graphql`, `grpc`) */
  apiType: 'nestor.io/api-type',
  /** on a buffet item published as an API: the API definition text */
  apiDefinition: 'nestor.io/api-definition',
  /** on a buffet item published as an API: its lifecycle (default `production`) */
  apiLifecycle: 'nestor.io/api-lifecycle',
  /**
   * on any entity, set by hand: the deployment refs it is tied to, separated
   * by commas or spaces (for services whose infrastructure is not modelled
   * as catalog relations)
   */
  deployments: 'nestor.io/deployments',
} as const;

/** The tag every entity of the provider carries. @public */
export const NESTOR_TAG = 'nestor';

/** The tag a deployment's entity carries (what the generated templates' pickers filter on). @public */
export const NESTOR_DEPLOYMENT_TAG = 'nestor-deployment';

/** `spec.type` of a buffet item's Resource entity. @public */
export const BUFFET_ITEM_RESOURCE_TYPE = 'nestor-buffet-item';
