import Router from 'express-promise-router';
import { CallerResolver } from '../services/caller/CallerResolver';
import { EngineRegistry } from '../services/engines/EngineRegistry';

/**
 * `GET /engines`: registered engines with health and capabilities.
 * @internal
 */
export function createEnginesRoutes(options: { engines: EngineRegistry; callers: CallerResolver }) {
  const router = Router();
  router.get('/engines', async (req, res) => {
    await options.callers.resolve(req);
    res.json({ items: await options.engines.summaries() });
  });
  return router;
}
