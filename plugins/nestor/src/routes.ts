import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The buffet: every item the signed-in user may order. @public */
export const buffetRouteRef = createRouteRef();

/** One buffet item. @public */
export const buffetItemRouteRef = createRouteRef({ params: ['name'] });

/** Every deployment the signed-in user may see, live. @public */
export const deploymentsRouteRef = createRouteRef();

/** One deployment, by its id. @public */
export const deploymentRouteRef = createRouteRef({ params: ['id'] });
