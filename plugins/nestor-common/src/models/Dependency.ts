import { z } from 'zod';

/** An edge of the dependency graph: `from` depends on `to`. @public */
export const dependencySchema = z.object({
  from: z.string(),
  to: z.string(),
  crossTeam: z.boolean(),
});

/** @public */
export type Dependency = z.infer<typeof dependencySchema>;

/** Machine-readable dependency validation codes. @public */
export const DEPENDENCY_ERROR_CODES = [
  'MISSING_TARGET',
  'CYCLE',
  'CROSS_TEAM_NOT_GRANTED',
  'VERSION_MISMATCH',
  'ENVIRONMENT_MISMATCH',
  'TARGET_DELETING',
  'MISSING_REQUIRED_TYPE',
  'SELF_DEPENDENCY',
] as const;

/** @public */
export type DependencyErrorCode = (typeof DEPENDENCY_ERROR_CODES)[number];

/** @public */
export interface DependencyError {
  code: DependencyErrorCode;
  message: string;
  refs: string[];
}
