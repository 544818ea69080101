import {
  CatalogSourcesResponse,
  CatalogVersionsResponse,
  dnsLabelSchema,
  nestorCatalogSyncPermission,
  semverSchema,
} from '@nestor/plugin-nestor-common';
import { Router as ExpressRouter } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AccessService } from '../permissions/AccessService';
import { CallerResolver } from '../services/caller/CallerResolver';
import { CatalogService } from '../services/catalog/CatalogService';
import { CatalogSyncService } from '../services/catalog/CatalogSyncService';
import { PrecompressedJson } from './responses/PrecompressedJson';
import { parseRequestPart } from './requests/parseRequestPart';

const filter = z.string().min(1).max(253);

const listQuerySchema = z
  .object({
    q: z.string().max(200).optional(),
    type: filter.optional(),
    engine: filter.optional(),
    tag: filter.optional(),
    owner: filter.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(1000).optional(),
  })
  .strict();

const itemPathSchema = z.object({ name: dnsLabelSchema });
const itemQuerySchema = z.object({ version: semverSchema.optional() }).strict();


/** What {@link createCatalogRoutes} needs. @public */
export interface CatalogRoutesOptions {
  callers: CallerResolver;
  access: AccessService;
  catalog: CatalogService;
  sync: CatalogSyncService;
}

/**
 * `GET /catalog`, `GET /catalog/{name}` (`?version=`),
 * `GET /catalog/{name}/versions`, `GET /catalog/sources` and
 * `POST /catalog/sources/{id}/sync`. Items the caller may not see answer 404
 * like missing ones; a sync needs `nestor.catalog.sync`.
 * @public
 */
export function createCatalogRoutes(options: CatalogRoutesOptions): ExpressRouter {
  const { callers, access, catalog, sync } = options;
  const router = Router();
  // a hot page (or item) is the same text for every caller with the same view: gzipped once
  const listBodies = new PrecompressedJson();
  const itemBodies = new PrecompressedJson();

  router.get('/catalog', async (req, res) => {
    const query = parseRequestPart(listQuerySchema, req.query, 'query');
    const caller = await callers.resolve(req);
    // the CatalogListResponse as JSON text, built from each item's cached text
    const body = await catalog.listJson(await access.catalog(caller), query);
    listBodies.send(req, res, body);
  });

  router.get('/catalog/sources', async (req, res) => {
    await callers.resolve(req);
    const body: CatalogSourcesResponse = { items: await sync.listStatuses() };
    res.json(body);
  });

  router.post('/catalog/sources/:id/sync', async (req, res) => {
    const caller = await callers.resolve(req);
    await access.authorize(caller, nestorCatalogSyncPermission);
    await sync.trigger(req.params.id);
    res.status(202).json({ sourceId: req.params.id, status: 'accepted' });
  });

  router.get('/catalog/:name', async (req, res) => {
    const name = parseRequestPart(itemPathSchema, req.params, 'path').name;
    const { version } = parseRequestPart(itemQuerySchema, req.query, 'query');
    const caller = await callers.resolve(req);
    // the CatalogItem as JSON text, kept with the cached item
    itemBodies.send(req, res, await catalog.getJson(await access.catalog(caller), name, { version }));
  });

  router.get('/catalog/:name/versions', async (req, res) => {
    const name = parseRequestPart(itemPathSchema, req.params, 'path').name;
    const caller = await callers.resolve(req);
    const body: CatalogVersionsResponse = { items: await catalog.versions(await access.catalog(caller), name) };
    res.json(body);
  });

  return router;
}
