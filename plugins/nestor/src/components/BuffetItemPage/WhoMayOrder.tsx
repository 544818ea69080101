import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import type { CatalogItem, TeamSummary } from '@nestor/plugin-nestor-common';
import { orderableFor } from '../../lib/orderableFor';

/**
 * Who may order a buffet item: the teams it is visible to, and the teams and
 * environments the signed-in user may order it for (their permission
 * `nestor.deployment.create` in each of the item's environments).
 * @public
 */
export function WhoMayOrder(props: {
  item: CatalogItem;
  teams: readonly TeamSummary[];
  teamsError?: Error;
}) {
  const { spec, metadata } = props.item.definition;
  const mine = orderableFor(props.item, props.teams);
  return (
    <>
      <Typography variant="subtitle2">Visible to</Typography>
      <Typography variant="body2" paragraph>
        {'public' in spec.visibility
          ? 'Every team'
          : [metadata.owner, ...spec.visibility.teams].join(', ')}
      </Typography>
      <Typography variant="subtitle2">You may order it for</Typography>
      {props.teamsError && (
        <Typography variant="body2" color="error">
          Your teams could not be loaded: {props.teamsError.message}
        </Typography>
      )}
      {!props.teamsError && mine.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          None of your teams: ordering needs the permission
          nestor.deployment.create in one of the item's environments (
          {spec.environments.join(', ')}).
        </Typography>
      )}
      {mine.length > 0 && (
        <List dense disablePadding aria-label="Teams you may order for">
          {mine.map(t => (
            <ListItem key={t.team} disableGutters>
              <ListItemText
                primary={t.team}
                secondary={t.environments.map(env => (
                  <Chip
                    key={env}
                    size="small"
                    variant="outlined"
                    label={env}
                    component="span"
                    style={{ marginRight: 4 }}
                  />
                ))}
                secondaryTypographyProps={{ component: 'span' }}
              />
            </ListItem>
          ))}
        </List>
      )}
    </>
  );
}
