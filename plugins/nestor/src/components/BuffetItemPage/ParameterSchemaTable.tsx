import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { flattenParameterSchema } from '../../lib/flattenParameterSchema';

/**
 * A buffet item's parameter JSON Schema as a readable table: one row per
 * parameter (nested ones as dotted paths) with its type, whether it is
 * required, its default, its allowed values or ranges and its description.
 * @public
 */
export function ParameterSchemaTable(props: { schema: unknown }) {
  const rows = flattenParameterSchema(props.schema);
  if (rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        This item takes no parameters: ordering it only asks for a team, an
        environment and a name.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Parameters">
      <TableHead>
        <TableRow>
          <TableCell>Parameter</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Default</TableCell>
          <TableCell>Allowed</TableCell>
          <TableCell>Description</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(row => (
          <TableRow key={row.path}>
            <TableCell>
              <code>{row.path}</code>
              {row.required && (
                <Chip
                  size="small"
                  label="required"
                  color="secondary"
                  style={{ marginLeft: 8 }}
                />
              )}
            </TableCell>
            <TableCell>{row.type}</TableCell>
            <TableCell>
              {row.default !== undefined ? <code>{row.default}</code> : '—'}
            </TableCell>
            <TableCell>{row.constraints.join('; ') || '—'}</TableCell>
            <TableCell>
              {[row.title, row.description].filter(Boolean).join(': ') || '—'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
