import { LinkButton } from '@backstage/core-components';
import AddShoppingCartIcon from '@material-ui/icons/AddShoppingCart';

/** Props of {@link OrderButton}. @public */
export interface OrderButtonProps {
  /** the buffet item's name, which is also its generated Template's name */
  name: string;
  /** namespace of the generated Templates (`catalog.providers.nestor.namespace`), `default` by default */
  templateNamespace?: string;
  size?: 'small' | 'medium';
}

/**
 * Opens the scaffolder form of the Template Nestor generated for a buffet
 * item (`/create/templates/<namespace>/<item name>`).
 * @public
 */
export function OrderButton(props: OrderButtonProps) {
  const namespace = props.templateNamespace ?? 'default';
  return (
    <LinkButton
      to={`/create/templates/${encodeURIComponent(
        namespace,
      )}/${encodeURIComponent(props.name)}`}
      color="primary"
      variant="contained"
      size={props.size}
      startIcon={<AddShoppingCartIcon />}
      aria-label={`Order ${props.name}`}
    >
      Order
    </LinkButton>
  );
}
