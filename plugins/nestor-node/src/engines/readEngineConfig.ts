import { RootConfigService } from '@backstage/backend-plugin-api';
import { formatZodIssues } from '@nestor/plugin-nestor-common';
import { z } from 'zod';

/**
 * Reads and validates an engine module's block, `nestor.engines.<engine>`,
 * with defaults applied. Start-up fails with every bad field named in full
 * (`nestor.engines.helm.mode: ...`), never with a half-read config.
 * @public
 */
export function readEngineConfig<S extends z.ZodType>(config: RootConfigService, engine: string, schema: S): z.output<S> {
  const key = `nestor.engines.${engine}`;
  const raw = config.getOptional(key) ?? {};
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = formatZodIssues(parsed.error, key).map(i => `${i.field}: ${i.message}`);
    throw new Error(`Invalid configuration of the ${engine} engine:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
