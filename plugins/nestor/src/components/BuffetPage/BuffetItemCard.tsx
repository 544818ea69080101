import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Card from '@material-ui/core/Card';
import CardActions from '@material-ui/core/CardActions';
import CardContent from '@material-ui/core/CardContent';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import type { CatalogItem } from '@nestor/plugin-nestor-common';
import { formatMonthlyCost } from '../../lib/formatMonthlyCost';
import { buffetItemRouteRef } from '../../routes';
import { OrderButton } from '../OrderButton/OrderButton';

/**
 * One buffet item as a card: title, description, monthly cost, engine,
 * type, environments, owner and tags, a link to its page and its Order button.
 * @public
 */
export function BuffetItemCard(props: {
  item: CatalogItem;
  templateNamespace?: string;
}) {
  const { item } = props;
  const { metadata, spec } = item.definition;
  const itemLink = useRouteRef(buffetItemRouteRef);
  const title = metadata.title ?? item.name;
  return (
    <Card
      component="article"
      aria-label={title}
      style={{ height: '100%', display: 'flex', flexDirection: 'column' }}
    >
      <CardContent style={{ flexGrow: 1 }}>
        <Typography variant="overline" color="textSecondary">
          {spec.type} · v{spec.version}
        </Typography>
        <Typography variant="h6" component="h2" gutterBottom>
          {itemLink ? (
            <Link to={itemLink({ name: item.name })}>{title}</Link>
          ) : (
            title
          )}
        </Typography>
        {metadata.description && (
          <Typography variant="body2" color="textSecondary" paragraph>
            {metadata.description}
          </Typography>
        )}
        <Typography variant="subtitle2" gutterBottom>
          {formatMonthlyCost(spec.cost)}
        </Typography>
        <Box display="flex" flexWrap="wrap" style={{ gap: 4 }} mb={1}>
          <Chip size="small" color="primary" label={`engine: ${spec.engine}`} />
          {spec.environments.map(env => (
            <Chip key={env} size="small" variant="outlined" label={env} />
          ))}
        </Box>
        <Typography variant="caption" color="textSecondary" component="p">
          Owner: {metadata.owner}
          {metadata.tags.length > 0
            ? ` · Tags: ${metadata.tags.join(', ')}`
            : ''}
        </Typography>
      </CardContent>
      <CardActions>
        <OrderButton
          name={item.name}
          templateNamespace={props.templateNamespace}
          size="small"
        />
      </CardActions>
    </Card>
  );
}
