import { NestorStore } from '../../store/types';

/**
 * Creates a fresh, empty store for one test, and what cleans it up.
 * @public
 */
export type NestorStoreContractFactory = () => Promise<{
  store: NestorStore;
  cleanup?: () => Promise<void>;
}>;

/** Gives each contract test the store created for it. */
export type StoreGetter = () => NestorStore;
