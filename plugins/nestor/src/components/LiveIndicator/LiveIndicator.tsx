import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import FiberManualRecordIcon from '@material-ui/icons/FiberManualRecord';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';

/**
 * Whether a view follows Nestor's event stream right now: "Live" while the
 * stream is open, "Reconnecting" with the last error while it is not.
 * @public
 */
export function LiveIndicator(props: { live: boolean; error?: Error }) {
  if (props.live) {
    return (
      <Tooltip title="Updates arrive as they happen (Nestor's event stream is open)">
        <Chip
          size="small"
          color="primary"
          variant="outlined"
          icon={<FiberManualRecordIcon fontSize="small" />}
          label="Live"
          aria-label="Live updates on"
        />
      </Tooltip>
    );
  }
  return (
    <Tooltip
      title={
        props.error
          ? `Event stream: ${props.error.message}`
          : 'Connecting to the event stream'
      }
    >
      <Chip
        size="small"
        variant="outlined"
        icon={<SyncProblemIcon fontSize="small" />}
        label={props.error ? 'Reconnecting' : 'Connecting'}
        aria-label="Live updates off"
      />
    </Tooltip>
  );
}
