import { Link } from '@backstage/core-components';
import type { DeliveryRecord } from '@nestor/plugin-nestor-common';

/**
 * Where a revision went: the Git commit (a link when the host's commit URL
 * is known) and pull request for GitOps, the cluster for direct delivery.
 * @public
 */
export function DeliverySummary(props: { delivery?: DeliveryRecord }) {
  const { delivery } = props;
  if (!delivery) return <>not delivered yet</>;
  if (delivery.mode === 'direct') {
    return (
      <>applied directly{delivery.cluster ? ` to ${delivery.cluster}` : ''}</>
    );
  }
  const short = delivery.commit?.slice(0, 8);
  return (
    <>
      {short && delivery.commitUrl && (
        <Link to={delivery.commitUrl}>commit {short}</Link>
      )}
      {short && !delivery.commitUrl && (
        <code title={delivery.commit}>commit {short}</code>
      )}
      {!short && 'not committed yet'}
      {delivery.pullRequestUrl && (
        <>
          {' · '}
          <Link to={delivery.pullRequestUrl}>pull request</Link>
        </>
      )}
      {delivery.repo && (
        <>
          {' in '}
          {delivery.repo}
          {delivery.branch ? `@${delivery.branch}` : ''}
          {delivery.path ? `:${delivery.path}` : ''}
        </>
      )}
    </>
  );
}
