import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { CatalogItemVersion } from '@nestor/plugin-nestor-common';

/**
 * A buffet item's history, newest first: each synced version, whether it was
 * created, updated or removed, which parts changed and from which commit.
 * @public
 */
export function VersionHistoryTable(props: { versions: CatalogItemVersion[] }) {
  if (props.versions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No history recorded yet.
      </Typography>
    );
  }
  const versions = [...props.versions].sort((a, b) =>
    b.syncedAt.localeCompare(a.syncedAt),
  );
  return (
    <Table size="small" aria-label="Version history">
      <TableHead>
        <TableRow>
          <TableCell>Version</TableCell>
          <TableCell>Change</TableCell>
          <TableCell>Changed</TableCell>
          <TableCell>Commit</TableCell>
          <TableCell>Synced</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {versions.map(v => (
          <TableRow key={`${v.version}-${v.commit}-${v.syncedAt}`}>
            <TableCell>{v.version}</TableCell>
            <TableCell>{v.change}</TableCell>
            <TableCell>{v.changedFields.join(', ') || '—'}</TableCell>
            <TableCell>
              <code title={v.commit}>{v.commit.slice(0, 8)}</code>
            </TableCell>
            <TableCell>{new Date(v.syncedAt).toLocaleString()}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
