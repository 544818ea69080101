import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { Condition } from '@nestor/plugin-nestor-common';
import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';

const STATUS = { True: StatusOK, False: StatusError, Unknown: StatusPending };
/**
 * Conditions whose `True` is the abnormal state (Kubernetes' "abnormal-true"
 * polarity): drift found on a running deployment, a step being retried.
 */
const ABNORMAL_WHEN_TRUE = new Set(['Drifted', 'Retrying']);
const ABNORMAL_STATUS = {
  True: StatusWarning,
  False: StatusOK,
  Unknown: StatusPending,
};

/**
 * A deployment's Kubernetes-style conditions. `Drifted=True` (found by
 * Nestor's drift check on a running deployment) and `Retrying=True` show as
 * warnings, their `False` as OK.
 * @public
 */
export function ConditionsTable(props: { conditions: Condition[] }) {
  if (props.conditions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No conditions reported yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Conditions">
      <TableHead>
        <TableRow>
          <TableCell>Type</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Reason</TableCell>
          <TableCell>Message</TableCell>
          <TableCell>Since</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.conditions.map(c => {
          const Status =
            (ABNORMAL_WHEN_TRUE.has(c.type) ? ABNORMAL_STATUS : STATUS)[
              c.status
            ] ?? StatusPending;
          return (
            <TableRow key={c.type}>
              <TableCell style={{ whiteSpace: 'nowrap' }}>{c.type}</TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                <Status>{c.status}</Status>
              </TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                {c.reason ?? '—'}
              </TableCell>
              <TableCell>{c.message ?? '—'}</TableCell>
              <TableCell>
                {new Date(c.lastTransitionTime).toLocaleString()}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
