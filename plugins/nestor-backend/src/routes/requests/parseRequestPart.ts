import { InputError } from '@backstage/errors';
import { formatZodIssues } from '@nestor/plugin-nestor-common';
import { z } from 'zod';

/**
 * Parses one part of a request (`query`, `path`, `body`) with its zod
 * schema, or throws a 400 `InputError` naming every failing field and its
 * reason (`Invalid query: limit: ...; team: ...`), with the same list as
 * `reasons` on the error. A missing part parses as `{}`.
 * @internal
 */
export function parseRequestPart<T extends z.ZodType>(schema: T, value: unknown, part: string): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const reasons = formatZodIssues(parsed.error);
  throw Object.assign(new InputError(`Invalid ${part}: ${reasons.map(r => `${r.field}: ${r.message}`).join('; ')}`), {
    reasons,
  });
}
