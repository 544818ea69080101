import { createConditionExports } from '@backstage/plugin-permission-node';
import { nestorCatalogItemResourceRef } from './catalogItemResourceRef';
import { nestorDeploymentResourceRef } from './deploymentResourceRef';
import { nestorCatalogItemRules, nestorDeploymentRules } from './rules';

const deploymentExports = createConditionExports({
  resourceRef: nestorDeploymentResourceRef,
  rules: nestorDeploymentRules,
});

const catalogItemExports = createConditionExports({
  resourceRef: nestorCatalogItemResourceRef,
  rules: nestorCatalogItemRules,
});

/**
 * Conditions on deployments for permission policies:
 * `isTeamMember({ teams })`, `hasEnvironment({ environments })`.
 * @public
 */
export const nestorDeploymentConditions = deploymentExports.conditions;

/**
 * Wraps conditions on deployments into a conditional decision.
 * @public
 */
export const createNestorDeploymentConditionalDecision = deploymentExports.createConditionalDecision;

/**
 * Conditions on buffet items for permission policies: `isVisibleToTeam({ teams })`.
 * @public
 */
export const nestorCatalogItemConditions = catalogItemExports.conditions;

/**
 * Wraps conditions on buffet items into a conditional decision.
 * @public
 */
export const createNestorCatalogItemConditionalDecision = catalogItemExports.createConditionalDecision;
