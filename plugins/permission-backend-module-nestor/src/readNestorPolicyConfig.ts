import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { z } from 'zod';

const ACTIONS = ['create', 'update', 'delete', 'read'] as const;

/** A permission action a rule restricts. @public */
export type NestorPolicyAction = (typeof ACTIONS)[number];

/**
 * The policy's configuration, with entity refs normalized
 * (`group:default/sre`) and defaults applied.
 * @public
 */
export interface NestorPolicyConfig {
  admins: string[];
  environments: Array<{ environments: string[]; allow: string[]; actions: NestorPolicyAction[] }>;
  fallback: 'allow' | 'deny';
}

const entityRef = z
  .string()
  .min(1)
  .transform((value, ctx) => {
    try {
      return stringifyEntityRef(parseEntityRef(value, { defaultKind: 'group', defaultNamespace: 'default' }));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not an entity ref: ${error instanceof Error ? error.message : error}` });
      return z.NEVER;
    }
  });

const schema = z
  .object({
    admins: z.array(entityRef).default([]),
    environments: z
      .array(
        z
          .object({
            environments: z.array(z.string().min(1)).min(1),
            allow: z.array(entityRef).min(1),
            actions: z.array(z.enum(ACTIONS)).min(1).default(['create', 'update', 'delete']),
          })
          .strict(),
      )
      .default([]),
    fallback: z.enum(['allow', 'deny']).default('allow'),
  })
  .strict();

/**
 * Reads `permission.nestor`; an invalid block stops the backend at start-up
 * with every bad key named.
 * @public
 */
export function readNestorPolicyConfig(config: Config): NestorPolicyConfig {
  const parsed = schema.safeParse(config.getOptional('permission.nestor') ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(issue => {
      const key = ['permission', 'nestor', ...issue.path.map(String)].join('.');
      return `${key}: ${issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message}`;
    });
    throw new Error(`Invalid Nestor permission policy configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data;
}
