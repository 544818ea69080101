import Router from 'express-promise-router';
import { ReadinessChecker } from '../services/health/ReadinessChecker';
import { CircuitBreakers } from '../services/resilience/CircuitBreakers';

/**
 * `GET /health` (liveness) and `GET /health/ready` (readiness, 503 when a
 * critical dependency is down), with the state of every circuit breaker.
 * @internal
 */
export function createHealthRoutes(options: { readiness: ReadinessChecker; breakers?: CircuitBreakers }) {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const result = await options.readiness.run();
    const circuits = options.breakers?.statuses();
    res.status(result.status === 'down' ? 503 : 200).json(circuits ? { ...result, circuits } : result);
  });
  return router;
}
