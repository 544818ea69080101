import { z } from 'zod';
import { deploymentSchema } from './Deployment';
import { dependencySchema } from './Dependency';
import { deploymentRequestSchema } from './DeploymentRequest';
import { nestorEventSchema } from './NestorEvent';
import { resourceDefinitionSchema } from './ResourceDefinition';
import { teamConfigSchema } from './TeamConfig';

// Documents and requests are described as they are written (defaults
// optional); stored objects as they are served.
const models = {
  ResourceDefinition: { schema: resourceDefinitionSchema, io: 'input' },
  TeamConfig: { schema: teamConfigSchema, io: 'input' },
  DeploymentRequest: { schema: deploymentRequestSchema, io: 'input' },
  Deployment: { schema: deploymentSchema, io: 'output' },
  Dependency: { schema: dependencySchema, io: 'output' },
  NestorEvent: { schema: nestorEventSchema, io: 'output' },
} as const;

/** Names of the models exported as JSON Schema. @public */
export type NestorModelName = keyof typeof models;

/**
 * The JSON Schema (draft 2020-12) of a model, generated from its zod schema.
 * @public
 */
export function getModelJsonSchema(name: NestorModelName): Record<string, unknown> {
  const { schema, io } = models[name];
  return {
    title: name,
    ...(z.toJSONSchema(schema as z.ZodType, { io, unrepresentable: 'any' }) as Record<string, unknown>),
  };
}

/** Every model's JSON Schema, by name. @public */
export function getAllModelJsonSchemas(): Record<NestorModelName, Record<string, unknown>> {
  return Object.fromEntries(
    (Object.keys(models) as NestorModelName[]).map(n => [n, getModelJsonSchema(n)]),
  ) as Record<NestorModelName, Record<string, unknown>>;
}
