import { z } from 'zod';
import {
  deploymentRefSchema,
  dnsLabelSchema,
  environmentSchema,
  jsonObjectSchema,
  semverRangeSchema,
  teamIdSchema,
} from './primitives';

/**
 * What `POST /deploy` and `nestor:deploy` take.
 * @public
 */
export const deploymentRequestSchema = z
  .object({
    team: teamIdSchema,
    environment: environmentSchema,
    name: dnsLabelSchema.describe('deployment name, unique per team and environment'),
    resource: dnsLabelSchema.describe('buffet item name'),
    version: semverRangeSchema.default('*').describe('semver range of the buffet item version'),
    parameters: jsonObjectSchema.default({}),
    dependsOn: z.array(deploymentRefSchema).default([]),
  })
  .strict();

/** @public */
export type DeploymentRequest = z.infer<typeof deploymentRequestSchema>;
/** @public */
export type DeploymentRequestInput = z.input<typeof deploymentRequestSchema>;
