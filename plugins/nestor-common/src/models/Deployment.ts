import { z } from 'zod';
import { jsonObjectSchema } from './primitives';

/** Every phase a deployment can be in. @public */
export const DEPLOYMENT_PHASES = [
  'Pending',
  'Validating',
  'Rendering',
  'Committed',
  'Applying',
  'Syncing',
  'Ready',
  'Failed',
  'Cancelled',
  'RolledBack',
  'Deleting',
  'Deleted',
] as const;

/** @public */
export type DeploymentPhase = (typeof DEPLOYMENT_PHASES)[number];

/** Phases after which no work is scheduled. @public */
export const TERMINAL_PHASES: readonly DeploymentPhase[] = ['Ready', 'Failed', 'Cancelled', 'RolledBack', 'Deleted'];

/** @public */
export const deploymentPhaseSchema = z.enum(DEPLOYMENT_PHASES);

/** A Kubernetes-style condition. @public */
export const conditionSchema = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string(),
});

/** @public */
export type Condition = z.infer<typeof conditionSchema>;

/** One phase transition. @public */
export const phaseTransitionSchema = z.object({
  phase: deploymentPhaseSchema,
  at: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

/** @public */
export type PhaseTransition = z.infer<typeof phaseTransitionSchema>;

/** A rendered file or Kubernetes object. @public */
export const artifactSchema = z.object({
  path: z.string().describe('path relative to the deployment folder, e.g. claim.yaml'),
  content: z.string(),
  kind: z.string().optional().describe('Kubernetes kind, when the file holds one object'),
  apiVersion: z.string().optional(),
});

/** @public */
export type Artifact = z.infer<typeof artifactSchema>;

/** Where the artifacts of a revision went. @public */
export const deliveryRecordSchema = z.object({
  mode: z.enum(['gitops', 'direct']),
  repo: z.string().optional(),
  branch: z.string().optional(),
  path: z.string().optional(),
  commit: z.string().optional(),
  commitUrl: z.string().optional(),
  pullRequestUrl: z.string().optional(),
  /** the commit that landed on the target branch when the pull request was merged */
  mergeCommit: z.string().optional(),
  /** the message of the commit Nestor made */
  message: z.string().optional(),
  /** when Nestor made (or found already made) the commit */
  committedAt: z.string().optional(),
  cluster: z.string().optional(),
  /**
   * where the buffet item's platform files (an XRD and its Composition) went
   * with this revision: the owner team's repository, with the pull request
   * the deployment also waits for under the `pull-request` strategy
   */
  platform: z
    .object({
      repo: z.string(),
      branch: z.string(),
      path: z.string(),
      commit: z.string(),
      pullRequestUrl: z.string().optional(),
      mergeCommit: z.string().optional(),
    })
    .optional(),
});

/** @public */
export type DeliveryRecord = z.infer<typeof deliveryRecordSchema>;

/** One revision of a deployment. @public */
export const revisionSchema = z.object({
  revision: z.number().int().positive(),
  definitionVersion: z.string(),
  parameters: jsonObjectSchema,
  artifacts: z.array(artifactSchema).default([]),
  delivery: deliveryRecordSchema.optional(),
  createdAt: z.string(),
  requestedBy: z.string(),
  reason: z.string().optional(),
  /** the `x-request-id` of the API request that asked for this revision (in its audit event and logs) */
  requestId: z.string().optional(),
});

/** @public */
export type Revision = z.infer<typeof revisionSchema>;

/**
 * A deployment: an order of a buffet item, for one team and environment.
 * @public
 */
export const deploymentSchema = z.object({
  id: z.string(),
  ref: z.string(),
  team: z.string(),
  environment: z.string(),
  name: z.string(),
  resource: z.object({ name: z.string(), version: z.string(), type: z.string(), requestedVersion: z.string() }),
  engine: z.string(),
  delivery: z.enum(['gitops', 'direct']),
  parameters: jsonObjectSchema,
  dependsOn: z.array(z.string()),
  phase: deploymentPhaseSchema,
  conditions: z.array(conditionSchema),
  history: z.array(phaseTransitionSchema),
  revisions: z.array(revisionSchema),
  currentRevision: z.number().int().nonnegative(),
  outputs: jsonObjectSchema,
  monthlyCost: z.number().nonnegative(),
  attempts: z.number().int().nonnegative(),
  requestedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** optimistic concurrency version, incremented by every write */
  version: z.number().int().nonnegative(),
  idempotencyKey: z.string().optional(),
});

/** @public */
export type Deployment = z.infer<typeof deploymentSchema>;
