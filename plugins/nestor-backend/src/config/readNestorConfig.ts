import { Config } from '@backstage/config';
import { z } from 'zod';
import { DEFAULT_PARSE_LIMITS } from '../services/catalog/parsing/parseSourceFile';

const durationSchema = z
  .object({
    milliseconds: z.number().nonnegative().optional(),
    seconds: z.number().nonnegative().optional(),
    minutes: z.number().nonnegative().optional(),
    hours: z.number().nonnegative().optional(),
    days: z.number().nonnegative().optional(),
  })
  .strict();

const sourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lower case id such as "platform"'),
    url: z.string().url().optional(),
    path: z.string().min(1).optional(),
    branch: z.string().min(1).default('main'),
    subPath: z.string().optional(),
    webhookSecret: z.string().min(1).optional(),
  })
  .strict()
  .refine(s => Boolean(s.url) !== Boolean(s.path), {
    message: 'a source needs exactly one of "url" (a Git repository) or "path" (a local folder)',
  });

const clusterSchema = z
  .object({
    name: z.string().min(1),
    url: z.string().url(),
    serviceAccountToken: z.string().optional(),
    caData: z.string().optional(),
    skipTLSVerify: z.boolean().default(false),
  })
  .strict();

const DRIFT_CHECK_DEFAULTS = { enabled: true, frequency: { minutes: 10 }, timeout: { minutes: 30 }, concurrency: 2 };

/** The scheduled drift check of running deployments (one replica at a time). */
const driftCheckSchema = z
  .object({
    enabled: z.boolean().default(DRIFT_CHECK_DEFAULTS.enabled),
    frequency: durationSchema.default(DRIFT_CHECK_DEFAULTS.frequency),
    timeout: durationSchema.default(DRIFT_CHECK_DEFAULTS.timeout),
    initialDelay: durationSchema.optional(),
    /** deployments checked at once */
    concurrency: z.number().int().positive().default(DRIFT_CHECK_DEFAULTS.concurrency),
  })
  .strict();

const nestorConfigSchema = z
  .object({
    storage: z
      .object({
        type: z.string().default('database'),
        // the module that serves a store type owns and validates its own block
        dynamodb: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .default({ type: 'database' }),
    sources: z.array(sourceSchema).default([]),
    sync: z
      .object({
        schedule: z
          .object({
            frequency: durationSchema.default({ minutes: 5 }),
            timeout: durationSchema.default({ minutes: 3 }),
            initialDelay: durationSchema.optional(),
          })
          .strict()
          .default({ frequency: { minutes: 5 }, timeout: { minutes: 3 } }),
        limits: z
          .object({
            maxFileBytes: z.number().int().positive().default(DEFAULT_PARSE_LIMITS.maxFileBytes),
            maxDocuments: z.number().int().positive().default(DEFAULT_PARSE_LIMITS.maxDocuments),
            maxAliasCount: z.number().int().nonnegative().default(DEFAULT_PARSE_LIMITS.maxAliasCount),
            maxDepth: z.number().int().positive().default(DEFAULT_PARSE_LIMITS.maxDepth),
          })
          .strict()
          .default(DEFAULT_PARSE_LIMITS),
      })
      .strict()
      .default({ schedule: { frequency: { minutes: 5 }, timeout: { minutes: 3 } }, limits: DEFAULT_PARSE_LIMITS }),
    serviceAccess: z
      .array(z.object({ subject: z.string().min(1), teams: z.array(z.string().min(1)).min(1) }).strict())
      .default([]),
    events: z
      .object({
        retention: z.object({ days: z.number().positive().default(7) }).strict().default({ days: 7 }),
        heartbeat: z.object({ seconds: z.number().positive().default(15) }).strict().default({ seconds: 15 }),
        maxConnections: z.number().int().positive().default(10000),
        maxConnectionsPerTeam: z.number().int().positive().default(1000),
        retryMs: z.number().int().positive().default(3000),
      })
      .strict()
      .default({
        retention: { days: 7 },
        heartbeat: { seconds: 15 },
        maxConnections: 10000,
        maxConnectionsPerTeam: 1000,
        retryMs: 3000,
      }),
    kubernetes: z
      .object({ clusters: z.array(clusterSchema).default([]) })
      .strict()
      .default({ clusters: [] }),
    coordinator: z
      .object({
        enabled: z.boolean().default(true),
        pollIntervalMs: z.number().int().positive().default(1000),
        leaseSeconds: z.number().positive().default(30),
        maxAttempts: z.number().int().positive().default(5),
        backoffMs: z.number().int().positive().default(1000),
        concurrency: z.number().int().positive().default(8),
        perTeamConcurrency: z.number().int().positive().default(2),
        statusPollMs: z.number().int().positive().default(5000),
        driftCheck: driftCheckSchema.default(DRIFT_CHECK_DEFAULTS),
      })
      .strict()
      .default({
        enabled: true,
        pollIntervalMs: 1000,
        leaseSeconds: 30,
        maxAttempts: 5,
        backoffMs: 1000,
        concurrency: 8,
        perTeamConcurrency: 2,
        statusPollMs: 5000,
        driftCheck: DRIFT_CHECK_DEFAULTS,
      }),
    gitops: z
      .object({
        commitMessage: z.string().default('nestor: {{action}} {{ref}} (revision {{revision}}) by {{requester}}'),
        author: z
          .object({ name: z.string().default('Nestor'), email: z.string().default('nestor@localhost') })
          .strict()
          .default({ name: 'Nestor', email: 'nestor@localhost' }),
        pullRequest: z
          .object({
            branchPrefix: z.string().min(1).default('nestor/'),
            title: z.string().min(1).default('nestor: {{action}} {{ref}} (revision {{revision}})'),
          })
          .strict()
          .default({ branchPrefix: 'nestor/', title: 'nestor: {{action}} {{ref}} (revision {{revision}})' }),
      })
      .strict()
      .default({
        commitMessage: 'nestor: {{action}} {{ref}} (revision {{revision}}) by {{requester}}',
        author: { name: 'Nestor', email: 'nestor@localhost' },
        pullRequest: { branchPrefix: 'nestor/', title: 'nestor: {{action}} {{ref}} (revision {{revision}})' },
      }),
    argocd: z
      .object({
        instances: z
          .array(
            z
              .object({
                name: z.string().min(1),
                url: z.string().url(),
                token: z.string().min(1),
                namespace: z.string().min(1).optional(),
                project: z.string().min(1).optional(),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ instances: [] }),
    circuitBreakers: z
      .object({
        failureThreshold: z.number().int().positive().default(5),
        halfOpenAfterMs: z.number().int().positive().default(30_000),
        callTimeoutMs: z.number().int().positive().default(30_000),
      })
      .strict()
      .default({ failureThreshold: 5, halfOpenAfterMs: 30_000, callTimeoutMs: 30_000 }),
    // each engine module owns and validates its own block, `nestor.engines.<name>`
    engines: z.record(z.string(), z.unknown()).optional(),
    dependencies: z
      .object({ requireSameEnvironment: z.boolean().default(true) })
      .strict()
      .default({ requireSameEnvironment: true }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.sources.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${s.id}"` });
      ids.add(s.id);
    });
  });

/** Nestor's configuration with defaults applied. @public */
export type NestorConfig = z.infer<typeof nestorConfigSchema>;
/** One catalog source. @public */
export type NestorSourceConfig = NestorConfig['sources'][number];

/**
 * Reads and validates the `nestor` config block. A wrong value throws an
 * error naming every bad key and why, so the backend does not start with it.
 * @public
 */
export function readNestorConfig(config: Config, options: { storageTypes?: string[] } = {}): NestorConfig {
  const raw = config.getOptional('nestor') ?? {};
  const parsed = nestorConfigSchema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = ['nestor', ...issue.path.map(String)].join('.');
      const message =
        issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
      problems.push(`${key}: ${message}`);
    }
  } else if (options.storageTypes && !options.storageTypes.includes(parsed.data.storage.type)) {
    problems.push(
      `nestor.storage.type: unknown storage type "${parsed.data.storage.type}", expected one of ${options.storageTypes
        .map(t => `"${t}"`)
        .join(', ')} (a type other than "database" needs its backend module installed)`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`Invalid Nestor configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return parsed.data!;
}
