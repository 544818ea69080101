import { JsonObject } from '@backstage/types';
import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import { NESTOR_DEPLOYMENT_TAG } from '@nestor/plugin-nestor-common';
import { EntityContext } from './types';

/** DNS-1123 label, what Nestor accepts as a deployment name. */
const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** Keys of a JSON Schema that only make sense at a document's root. */
const ROOT_ONLY = new Set(['$schema', '$id', 'definitions', '$defs']);

/**
 * The form key of the picker for a required type: `dependency_` and the
 * type with dots as underscores (types hold no underscores, so keys of
 * different types never meet).
 * @internal
 */
export function dependencyFieldKey(type: string): string {
  return `dependency_${type.replace(/\./g, '_')}`;
}

/** The form field that holds the item's own parameters. @internal */
export const SETTINGS_FIELD = 'settings';

/** The form field for dependencies beyond the required types. @internal */
export const OTHER_DEPENDENCIES_FIELD = 'otherDependencies';

function hasOwnFields(schema: Record<string, unknown>): boolean {
  const properties = schema.properties as Record<string, unknown> | undefined;
  return (
    Object.keys(properties ?? {}).length > 0 ||
    [
      'allOf',
      'anyOf',
      'oneOf',
      'if',
      'patternProperties',
      'additionalProperties',
    ].some(k => k in schema)
  );
}

function whereStep(
  definition: ResourceDefinition,
  context: EntityContext,
): JsonObject {
  const { metadata, spec } = definition;
  const teamFilter: JsonObject = { kind: 'Group' };
  if ('teams' in spec.visibility) {
    teamFilter['metadata.name'] = [
      ...new Set([metadata.owner, ...spec.visibility.teams]),
    ];
  }
  return {
    title: 'Team and environment',
    required: ['team', 'environment', 'name'],
    properties: {
      team: {
        title: 'Team',
        description: 'The team that owns the deployment and pays for it',
        type: 'string',
        'ui:field': 'OwnerPicker',
        'ui:options': {
          catalogFilter: [teamFilter],
          defaultNamespace: context.groupNamespace,
        },
      },
      environment: {
        title: 'Environment',
        type: 'string',
        enum: [...spec.environments],
        default: spec.environments[0],
      },
      name: {
        title: 'Deployment name',
        description:
          'Unique in the team and environment: lower-case letters, digits and dashes, e.g. orders-db',
        type: 'string',
        pattern: DNS_LABEL_PATTERN,
        maxLength: 63,
      },
    },
  };
}

function settingsStep(definition: ResourceDefinition): JsonObject | undefined {
  const schema = definition.spec.parameters as Record<string, unknown>;
  if (!hasOwnFields(schema)) return undefined;
  const field: Record<string, unknown> = { title: 'Settings', type: 'object' };
  for (const [key, value] of Object.entries(schema)) {
    if (!ROOT_ONLY.has(key) && key !== 'title') field[key] = value;
  }
  field.type = 'object';
  const step: Record<string, unknown> = {
    title: definition.metadata.title
      ? `${definition.metadata.title}: settings`
      : 'Settings',
    properties: { [SETTINGS_FIELD]: field },
  };
  // local references (#/definitions/...) resolve against the step, so the definitions move up to it
  for (const key of ['definitions', '$defs']) {
    if (schema[key] !== undefined) step[key] = schema[key];
  }
  if (Array.isArray(schema.required) && schema.required.length > 0)
    step.required = [SETTINGS_FIELD];
  return step as JsonObject;
}

function dependenciesStep(
  definition: ResourceDefinition,
  context: EntityContext,
): JsonObject {
  const pickerOptions = {
    defaultKind: 'Resource',
    defaultNamespace: context.namespace,
  };
  const properties: JsonObject = {};
  for (const requirement of definition.spec.requires) {
    properties[dependencyFieldKey(requirement.type)] = {
      title: `${requirement.type} (${requirement.version})`,
      description: `The ${requirement.type} deployment this one needs, version ${requirement.version}`,
      type: 'string',
      'ui:field': 'EntityPicker',
      'ui:options': {
        ...pickerOptions,
        allowArbitraryValues: false,
        catalogFilter: [
          {
            kind: 'Resource',
            'spec.type': requirement.type,
            'metadata.tags': NESTOR_DEPLOYMENT_TAG,
          },
        ],
      },
    };
  }
  properties[OTHER_DEPENDENCIES_FIELD] = {
    title: 'Other dependencies',
    description:
      'Further deployments this one depends on (their outputs are handed to it)',
    type: 'array',
    items: { type: 'string' },
    default: [],
    'ui:field': 'MultiEntityPicker',
    'ui:options': {
      ...pickerOptions,
      catalogFilter: [
        { kind: 'Resource', 'metadata.tags': NESTOR_DEPLOYMENT_TAG },
      ],
    },
  };
  return {
    title: 'Dependencies',
    required: definition.spec.requires.map(r => dependencyFieldKey(r.type)),
    properties,
  };
}

/**
 * The parameter pages of a buffet item's Template: team (a Group picker,
 * limited to the teams that may see the item), environment (the item's)
 * and deployment name; the item's `spec.parameters` JSON Schema as the
 * `settings` object; a picker per required type and a multi-picker for
 * other dependencies, both listing deployment entities.
 * @internal
 */
export function templateForm(
  definition: ResourceDefinition,
  context: EntityContext,
): JsonObject[] {
  const settings = settingsStep(definition);
  return [
    whereStep(definition, context),
    ...(settings ? [settings] : []),
    dependenciesStep(definition, context),
  ];
}

/**
 * The input of the Template's `nestor:deploy` step, in the template
 * language: what the form collected, as a deployment request.
 * @internal
 */
export function deployStepInput(
  definition: ResourceDefinition,
  context: EntityContext,
): JsonObject {
  const hasSettings = settingsStep(definition) !== undefined;
  const teamRefDefaults = `{ defaultKind: 'Group', defaultNamespace: '${context.groupNamespace}' }`;
  return {
    team: `\${{ parameters.team | parseEntityRef(${teamRefDefaults}) | pick('name') }}`,
    environment: '${{ parameters.environment }}',
    name: '${{ parameters.name }}',
    resource: definition.metadata.name,
    version: `^${definition.spec.version}`,
    parameters: hasSettings ? `\${{ parameters.${SETTINGS_FIELD} or {} }}` : {},
    dependsOn: [
      ...definition.spec.requires.map(
        r => `\${{ parameters['${dependencyFieldKey(r.type)}'] }}`,
      ),
      `\${{ parameters.${OTHER_DEPENDENCIES_FIELD} or [] }}`,
    ],
  };
}
