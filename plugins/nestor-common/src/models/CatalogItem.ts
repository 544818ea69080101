import { ResourceDefinition } from './ResourceDefinition';

/** Where an item was read from. @public */
export interface ItemSource {
  id: string;
  url: string;
  path: string;
  commit: string;
  line?: number;
}

/**
 * A buffet item as served by the API.
 * @public
 */
export interface CatalogItem {
  name: string;
  definition: ResourceDefinition;
  source: ItemSource;
  createdAt: string;
  updatedAt: string;
}

/** One entry of an item's history. @public */
export interface CatalogItemVersion {
  name: string;
  version: string;
  commit: string;
  syncedAt: string;
  change: 'created' | 'updated' | 'removed';
  /** top-level paths that changed, e.g. `spec.parameters` */
  changedFields: string[];
  definition: ResourceDefinition;
}

/** A problem found in one file during a sync. @public */
export interface SourceFileError {
  path: string;
  line?: number;
  message: string;
}

/** Sync state of one source. @public */
export interface SourceStatus {
  id: string;
  url: string;
  branch?: string;
  lastCommit?: string;
  lastSyncAt?: string;
  status: 'never' | 'ok' | 'partial' | 'failed';
  message?: string;
  errors: SourceFileError[];
  itemCount?: number;
}
