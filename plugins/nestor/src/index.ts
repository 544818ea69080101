/**
 * Nestor's frontend: the buffet, the live deployments, entity content and
 * cards. The plugin for the new frontend system is the default export of
 * `@nestor/plugin-nestor/alpha`; this entry point holds its API and parts.
 *
 * @packageDocumentation
 */

export { nestorApiRef, type NestorApi } from './api/NestorApi';
export { createNestorApi } from './api/createNestorApi';
export {
  buffetRouteRef,
  buffetItemRouteRef,
  deploymentsRouteRef,
  deploymentRouteRef,
} from './routes';
export { PhaseStatus } from './components/PhaseStatus/PhaseStatus';
export {
  NestorErrorPanel,
  type NestorErrorPanelProps,
} from './components/NestorErrorPanel/NestorErrorPanel';
export {
  OrderButton,
  type OrderButtonProps,
} from './components/OrderButton/OrderButton';
export {
  useNestorEvents,
  type NestorEventsState,
} from './hooks/useNestorEvents';
export {
  useLiveDeployments,
  type LiveDeployments,
} from './hooks/useLiveDeployments';
