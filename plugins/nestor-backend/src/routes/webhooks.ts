import { LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError } from '@backstage/errors';
import express, { Router as ExpressRouter } from 'express';
import Router from 'express-promise-router';
import { CatalogSyncService } from '../services/catalog/CatalogSyncService';
import { verifyWebhookSignature } from '../services/catalog/webhooks/verifyWebhookSignature';

function pushedRef(body: Buffer): string | undefined {
  try {
    const ref = JSON.parse(body.toString('utf8'))?.ref;
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `POST /webhooks/git/{sourceId}`: a push webhook from GitHub, GitLab or
 * Gitea. The route is open to unauthenticated callers, so the body is read
 * raw and its signature checked against the source's `webhookSecret` in
 * constant time; anything unsigned, wrongly signed, or for a source without
 * a secret (or no such source: the answer does not tell) is a 401. A push to
 * another branch is acknowledged and ignored; any other triggers a sync.
 * @public
 */
export function createWebhooksRoutes(options: { sync: CatalogSyncService; logger: LoggerService }): ExpressRouter {
  const { sync, logger } = options;
  const router = Router();
  router.post(
    '/webhooks/git/:sourceId',
    express.raw({ type: () => true, limit: '5mb' }),
    async (req, res) => {
      const sourceId = req.params.sourceId;
      const source = sync.getSource(sourceId);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const provider = source?.webhookSecret
        ? verifyWebhookSignature({ secret: source.webhookSecret, headers: req.headers, body })
        : undefined;
      if (!source || !provider) {
        logger.warn(`Refused a webhook for catalog source "${sourceId}": missing or invalid signature`);
        throw new AuthenticationError('Missing or invalid webhook signature');
      }
      const ref = pushedRef(body);
      const branch = source.url ? source.branch : undefined;
      if (ref && branch && ref !== `refs/heads/${branch}`) {
        res.status(202).json({ sourceId, status: 'ignored', reason: `push to ${ref}, the source follows ${branch}` });
        return;
      }
      await sync.trigger(sourceId);
      res.status(202).json({ sourceId, status: 'accepted', provider });
    },
  );
  return router;
}
