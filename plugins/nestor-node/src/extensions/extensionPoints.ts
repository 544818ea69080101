import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { DeploymentEngine } from '../engines/types';
import { NestorStore } from '../store/types';

/**
 * Lets modules register deployment engines.
 * @public
 */
export interface NestorEnginesExtensionPoint {
  addEngine(...engines: DeploymentEngine[]): void;
}

/** @public */
export const nestorEnginesExtensionPoint = createExtensionPoint<NestorEnginesExtensionPoint>({
  id: 'nestor.engines',
});

/**
 * Lets a module replace the default (database) store. The factory is called
 * once, when the plugin starts, if `nestor.storage.type` names this store.
 * @public
 */
export interface NestorStoreExtensionPoint {
  setStore(options: { type: string; factory: () => Promise<NestorStore> }): void;
}

/** @public */
export const nestorStoreExtensionPoint = createExtensionPoint<NestorStoreExtensionPoint>({
  id: 'nestor.store',
});
