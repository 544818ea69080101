import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { Revision } from '@nestor/plugin-nestor-common';
import { DeliverySummary } from './DeliverySummary';

/**
 * A deployment's revisions, newest first: the item version and parameters
 * each was rendered from, who asked and why, and where it was delivered.
 * @public
 */
export function RevisionsTable(props: {
  revisions: Revision[];
  current: number;
}) {
  if (props.revisions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing rendered yet.
      </Typography>
    );
  }
  const revisions = [...props.revisions].sort(
    (a, b) => b.revision - a.revision,
  );
  return (
    <Table size="small" aria-label="Revisions">
      <TableHead>
        <TableRow>
          <TableCell>Revision</TableCell>
          <TableCell>Item version</TableCell>
          <TableCell>Parameters</TableCell>
          <TableCell>Requested by</TableCell>
          <TableCell>Delivery</TableCell>
          <TableCell>Created</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {revisions.map(r => (
          <TableRow key={r.revision} selected={r.revision === props.current}>
            <TableCell>
              {r.revision}
              {r.revision === props.current ? ' (current)' : ''}
              {r.reason ? ` · ${r.reason}` : ''}
            </TableCell>
            <TableCell>{r.definitionVersion}</TableCell>
            <TableCell>
              <code>{JSON.stringify(r.parameters)}</code>
            </TableCell>
            <TableCell>{r.requestedBy}</TableCell>
            <TableCell>
              <DeliverySummary delivery={r.delivery} />
            </TableCell>
            <TableCell>{new Date(r.createdAt).toLocaleString()}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
