import { useRouteRefParams } from '@backstage/frontend-plugin-api';
import { deploymentRouteRef } from '../../routes';
import { DeploymentPage } from './DeploymentPage';

/** The deployment page at `/nestor/deployments/:id`. @internal */
export function DeploymentRoute() {
  const { id } = useRouteRefParams(deploymentRouteRef);
  return <DeploymentPage id={id} />;
}
