import { NestorStore } from '../../store/types';
import { NestorStoreContractFactory, StoreGetter } from './types';

/**
 * Creates a fresh store before each test of the enclosing `describe` and
 * cleans it up after; returns a getter for the current one.
 */
export function useFreshStore(
  factory: NestorStoreContractFactory,
): StoreGetter {
  let current:
    | { store: NestorStore; cleanup?: () => Promise<void> }
    | undefined;
  beforeEach(async () => {
    current = await factory();
  });
  afterEach(async () => {
    const cleanup = current?.cleanup;
    current = undefined;
    await cleanup?.();
  });
  return () => {
    if (!current) {
      throw new Error('The contract store is only available inside a test');
    }
    return current.store;
  };
}
