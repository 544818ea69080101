import Router from 'express-promise-router';
import { ReadinessChecker } from '../services/health/ReadinessChecker';

/**
 * `GET /health` (liveness) and `GET /health/ready` (readiness, 503 when a
 * critical dependency is down).
 * @internal
 */
export function createHealthRoutes(options: { readiness: ReadinessChecker }) {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const result = await options.readiness.run();
    res.status(result.status === 'down' ? 503 : 200).json(result);
  });
  return router;
}
