import { useRouteRefParams } from '@backstage/frontend-plugin-api';
import { buffetItemRouteRef } from '../../routes';
import { BuffetItemPage } from './BuffetItemPage';

/** The buffet item page at `/nestor/buffet/:name`. @internal */
export function BuffetItemRoute(props: { templateNamespace?: string }) {
  const { name } = useRouteRefParams(buffetItemRouteRef);
  return (
    <BuffetItemPage name={name} templateNamespace={props.templateNamespace} />
  );
}
