import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ImpactResponse } from '@nestor/plugin-nestor-common';
import useAsync from 'react-use/esm/useAsync';
import { nestorApiRef } from '../../api/NestorApi';
import { NestorErrorPanel } from '../NestorErrorPanel/NestorErrorPanel';

/** The most deployments one card asks about (one request each). */
const MAX_REFS = 20;

/**
 * "Who breaks if this changes": every deployment that depends, directly or
 * through others, on the given deployments (`GET /dependencies/impact`),
 * with the path from each dependent down to them and the teams concerned;
 * other teams than `team` are marked.
 * @public
 */
export function ImpactCard(props: { refs: string[]; team?: string }) {
  const api = useApi(nestorApiRef);
  const refs = props.refs.slice(0, MAX_REFS);
  const impact = useAsync(
    async (): Promise<ImpactResponse[]> =>
      Promise.all(refs.map(ref => api.getImpact(ref))),
    [api, refs.join(' ')],
  );

  let body: JSX.Element;
  if (impact.loading) body = <Progress />;
  else if (impact.error) {
    body = (
      <NestorErrorPanel
        error={impact.error}
        permission="nestor.deployment.read"
        what="the impact analysis"
      />
    );
  } else {
    const rows = (impact.value ?? []).flatMap(r =>
      r.dependents.map(d => ({ of: r.ref, ...d })),
    );
    const teams = [
      ...new Set((impact.value ?? []).flatMap(r => r.teams)),
    ].sort();
    body =
      rows.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          Nothing depends on {refs.length === 1 ? refs[0] : 'these deployments'}
          : a change breaks no one.
        </Typography>
      ) : (
        <>
          <Box
            display="flex"
            flexWrap="wrap"
            style={{ gap: 4 }}
            mb={1}
            aria-label="Teams affected"
          >
            {teams.map(t => (
              <Chip
                key={t}
                size="small"
                label={t}
                color={props.team && t !== props.team ? 'secondary' : 'default'}
              />
            ))}
          </Box>
          <Table size="small" aria-label="Impact">
            <TableHead>
              <TableRow>
                <TableCell>If this changes</TableCell>
                <TableCell>This may break</TableCell>
                <TableCell>Team</TableCell>
                <TableCell>Depth</TableCell>
                <TableCell>Through</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(row => (
                <TableRow key={`${row.of}-${row.ref}`}>
                  <TableCell>{row.of}</TableCell>
                  <TableCell>{row.ref}</TableCell>
                  <TableCell>
                    {row.team}
                    {props.team && row.team !== props.team
                      ? ' (other team)'
                      : ''}
                  </TableCell>
                  <TableCell>
                    {row.depth === 1 ? 'direct' : row.depth}
                  </TableCell>
                  <TableCell>{row.path.join(' → ')}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      );
  }
  return (
    <InfoCard
      title="Impact"
      subheader={
        props.refs.length > MAX_REFS
          ? `Who breaks if these change (the first ${MAX_REFS} of ${props.refs.length} deployments)`
          : 'Who breaks if this changes'
      }
    >
      {body}
    </InfoCard>
  );
}
