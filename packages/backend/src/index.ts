/*
 * The Nestor backend: a Backstage backend with the Nestor plugin family.
 *
 * Nestor modules are enabled one by one as they land; a commented line means
 * the package is not ready yet.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// Serves the built frontend (packages/app) in production.
backend.add(import('@backstage/plugin-app-backend'));

// Auth: the guest provider signs local users in (development only, see app-config.yaml).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Catalog, with the Template kind the scaffolder needs.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

backend.add(import('@backstage/plugin-scaffolder-backend'));

// Events: Nestor publishes on Backstage's event bus (crosses replicas on PostgreSQL).
backend.add(import('@backstage/plugin-events-backend'));

// Permissions: Nestor's team-aware policy (`permission.nestor` in app-config.yaml)
// decides Nestor's permissions and falls back to `allow` for other plugins'.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@nestor/plugin-permission-backend-module-nestor'));

// Nestor.
backend.add(import('@nestor/plugin-nestor-backend'));
// The DynamoDB store is used only when nestor.storage.type is dynamodb (app-config.dynamodb.yaml).
backend.add(import('@nestor/plugin-nestor-backend-module-dynamodb'));
backend.add(import('@nestor/plugin-nestor-backend-module-crossplane'));
backend.add(import('@nestor/plugin-nestor-backend-module-pulumi'));
backend.add(import('@nestor/plugin-nestor-backend-module-terraform'));
backend.add(import('@nestor/plugin-nestor-backend-module-helm'));
// Buffet items, a Template per item and deployments in the catalog; Nestor's scaffolder actions.
backend.add(import('@nestor/plugin-catalog-backend-module-nestor'));
backend.add(import('@nestor/plugin-scaffolder-backend-module-nestor'));

backend.start();
