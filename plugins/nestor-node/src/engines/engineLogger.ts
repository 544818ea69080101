import { LoggerService } from '@backstage/backend-plugin-api';
import { EngineRenderContext } from './types';

const SILENT: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return SILENT;
  },
};

/**
 * The logger an engine writes its lines about one deployment to: the
 * context's (its lines carry `deploymentRef`, `deploymentId`, `revision` and
 * `requestId`), else the engine module's own with the deployment's
 * `deploymentRef`, else one that drops every line (an engine built by hand,
 * with neither).
 * @public
 */
export function engineLogger(
  context: Pick<EngineRenderContext, 'logger' | 'deployment'>,
  fallback?: LoggerService,
): LoggerService {
  if (context.logger) return context.logger;
  if (fallback)
    return fallback.child({ deploymentRef: context.deployment.ref });
  return SILENT;
}
