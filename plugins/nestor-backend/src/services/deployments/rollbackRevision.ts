import { Revision } from '@nestor/plugin-nestor-common';

const PREFIX = 'Rollback to revision ';

/** The `reason` of a revision created by a rollback. @public */
export function rollbackReason(toRevision: number): string {
  return `${PREFIX}${toRevision}`;
}

/** True for a revision a rollback created: it ends in `RolledBack`, not `Ready`. @public */
export function isRollbackRevision(revision: Pick<Revision, 'reason'> | undefined): boolean {
  return Boolean(revision?.reason?.startsWith(PREFIX));
}
