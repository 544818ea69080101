import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import Typography from '@material-ui/core/Typography';

/** Props of {@link NestorErrorPanel}. @public */
export interface NestorErrorPanelProps {
  error: Error;
  /** the Nestor permission the failed request needed, e.g. `nestor.deployment.read` */
  permission?: string;
  /** what could not be loaded, e.g. `the deployments of team-payments` */
  what?: string;
  /** or what could not be done, e.g. `roll back team-payments/dev/orders-db` */
  action?: string;
}

/**
 * The error state of every Nestor view. A 403 names the permission that is
 * missing (and the server's reason); a 404 says what was not found; anything
 * else is Backstage's response error panel with the server's details.
 * @public
 */
export function NestorErrorPanel(props: NestorErrorPanelProps) {
  const { error, permission, what, action } = props;
  const status = ResponseError.is(error) ? error.statusCode : undefined;
  const reason = ResponseError.is(error) ? error.cause.message : error.message;

  if (status === 403) {
    return (
      <WarningPanel
        severity="warning"
        title={
          permission
            ? `Permission needed: ${permission}`
            : 'You are not allowed to see this'
        }
        defaultExpanded
      >
        <Typography variant="body2">
          {action ? `Nestor refused to ${action}: ` : ''}
          {!action && what ? `Nestor did not show ${what}: ` : ''}
          {permission
            ? `your Backstage identity lacks the permission "${permission}". `
            : ''}
          Ask an administrator of the team to grant it.
        </Typography>
        <Typography variant="body2" color="textSecondary">
          Reason: {reason}
        </Typography>
      </WarningPanel>
    );
  }
  if (status === 404) {
    return (
      <WarningPanel severity="info" title="Not found" defaultExpanded>
        <Typography variant="body2">
          {what ? `Nestor could not find ${what}` : 'Nestor found nothing here'}
          , or you may not see it. {reason}
        </Typography>
      </WarningPanel>
    );
  }
  return (
    <ResponseErrorPanel
      error={error}
      defaultExpanded
      title={
        (action && `Could not ${action}`) ||
        (what && `Could not load ${what}`) ||
        undefined
      }
    />
  );
}
