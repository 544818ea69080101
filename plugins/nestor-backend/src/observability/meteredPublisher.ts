import { NestorEventPublisher } from '../services/events/types';
import { NestorMetrics } from './NestorMetrics';

/**
 * The event publisher the services write to, counting each published
 * event in the business metrics (deployments by engine/phase/team, policy
 * and dependency violations, quota refusals). Events are the one place
 * every state change passes, so the counters cannot miss one.
 * @internal
 */
export function meteredPublisher(
  publisher: NestorEventPublisher,
  metrics: NestorMetrics,
): NestorEventPublisher {
  return {
    async publish(events) {
      const published = await publisher.publish(events);
      metrics.observe(published);
      return published;
    },
  };
}
