import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type { DeploymentPhase } from '@nestor/plugin-nestor-common';

const STATUS_OF: Record<
  DeploymentPhase,
  (props: { children?: React.ReactNode }) => JSX.Element
> = {
  Pending: StatusPending,
  Validating: StatusRunning,
  Rendering: StatusRunning,
  Committed: StatusRunning,
  Applying: StatusRunning,
  Syncing: StatusRunning,
  Deleting: StatusRunning,
  Ready: StatusOK,
  Failed: StatusError,
  Cancelled: StatusAborted,
  RolledBack: StatusWarning,
  Deleted: StatusAborted,
};

/**
 * A deployment's phase with Backstage's status colours (which follow the
 * light and dark themes): running phases spin, Ready is green, Failed red.
 * @public
 */
export function PhaseStatus(props: { phase: DeploymentPhase }) {
  const Status = STATUS_OF[props.phase] ?? StatusPending;
  return <Status>{props.phase}</Status>;
}
