import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import { Deployment, TERMINAL_PHASES } from '@nestor/plugin-nestor-common';
import { useState } from 'react';
import { nestorApiRef } from '../../api/NestorApi';
import type { EnvironmentPermissions } from '../../hooks/useTeams';
import { NestorErrorPanel } from '../NestorErrorPanel/NestorErrorPanel';

type Action = 'cancel' | 'teardown' | 'rollback';

const GONE = new Set(['Deleting', 'Deleted']);

const TEXT: Record<
  Action,
  {
    title: string;
    verb: string;
    body: string;
    permission: string;
    action: string;
  }
> = {
  cancel: {
    action: 'cancel',
    title: 'Cancel this deployment?',
    verb: 'Cancel deployment',
    body: 'Nestor stops the work in progress; what was already applied stays until it is torn down.',
    permission: 'nestor.deployment.delete',
  },
  teardown: {
    action: 'tear down',
    title: 'Tear this deployment down?',
    verb: 'Tear down',
    body: 'Nestor removes what it delivered (the GitOps files or the applied objects). Deployments that depend on it stop it unless forced.',
    permission: 'nestor.deployment.delete',
  },
  rollback: {
    action: 'roll back',
    title: 'Roll back to an earlier revision?',
    verb: 'Roll back',
    body: 'Nestor redeploys the chosen revision (its item version and parameters) as a new revision.',
    permission: 'nestor.deployment.update',
  },
};

/**
 * Cancel (while in progress) or tear down (once finished), and roll back to
 * an earlier revision, each shown only to those the caller's permissions in
 * the deployment's team and environment allow, each confirmed first.
 * @public
 */
export function DeploymentActions(props: {
  deployment: Deployment;
  permissions: EnvironmentPermissions;
  onDone(deployment: Deployment): void;
}) {
  const { deployment, permissions } = props;
  const api = useApi(nestorApiRef);
  const [open, setOpen] = useState<Action | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>(undefined);
  const earlier = deployment.revisions
    .map(r => r.revision)
    .filter(r => r < deployment.currentRevision)
    .sort((a, b) => b - a);
  const [toRevision, setToRevision] = useState<number | undefined>(earlier[0]);

  const finished = TERMINAL_PHASES.includes(deployment.phase);
  const canDelete = permissions.destroy && !GONE.has(deployment.phase);
  const canRollback =
    permissions.update && earlier.length > 0 && !GONE.has(deployment.phase);
  if (!canDelete && !canRollback) return null;

  const run = async (action: Action) => {
    setBusy(true);
    setError(undefined);
    try {
      const updated =
        action === 'rollback'
          ? await api.rollbackDeployment(deployment.id, { toRevision })
          : await api.deleteDeployment(deployment.id);
      setOpen(undefined);
      props.onDone(updated);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  const text = open ? TEXT[open] : undefined;
  return (
    <Box display="flex" style={{ gap: 8 }}>
      {canDelete && (
        <Button
          variant="outlined"
          color="secondary"
          onClick={() => setOpen(finished ? 'teardown' : 'cancel')}
        >
          {finished ? 'Tear down' : 'Cancel deployment'}
        </Button>
      )}
      {canRollback && (
        <Button variant="outlined" onClick={() => setOpen('rollback')}>
          Roll back
        </Button>
      )}
      <Dialog open={Boolean(open)} onClose={() => !busy && setOpen(undefined)}>
        {open && text && (
          <>
            <DialogTitle>{text.title}</DialogTitle>
            <DialogContent>
              <DialogContentText>
                {deployment.ref}: {text.body}
              </DialogContentText>
              {open === 'rollback' && (
                <TextField
                  select
                  id="nestor-rollback-revision"
                  label="Revision"
                  value={toRevision ?? ''}
                  onChange={e => setToRevision(Number(e.target.value))}
                  SelectProps={{ native: true }}
                  fullWidth
                >
                  {earlier.map(r => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </TextField>
              )}
              {error && (
                <Box mt={2}>
                  <NestorErrorPanel
                    error={error}
                    permission={text.permission}
                    action={`${text.action} ${deployment.ref}`}
                  />
                </Box>
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setOpen(undefined)} disabled={busy}>
                Keep it
              </Button>
              <Button
                color="secondary"
                variant="contained"
                disabled={busy}
                onClick={() => run(open)}
              >
                {text.verb}
              </Button>
            </DialogActions>
          </>
        )}
      </Dialog>
    </Box>
  );
}
