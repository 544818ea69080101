/* eslint-disable jest/no-export -- a test kit: other packages call these to define their tests */
import { describeCatalogListContract } from './contract/catalogListContract';
import { describeCatalogWriteContract } from './contract/catalogStoreContract';
import { describeDeploymentLeaseContract } from './contract/deploymentLeaseContract';
import { describeDeploymentStoreContract } from './contract/deploymentStoreContract';
import { describeDeploymentUpdateContract } from './contract/deploymentUpdateContract';
import { describeEventStoreContract } from './contract/eventStoreContract';
import { describeSourceAndPolicyStoreContract } from './contract/sourceAndPolicyStoreContract';
import { describeTeamStoreContract } from './contract/teamStoreContract';
import { NestorStoreContractFactory } from './contract/types';
import { useFreshStore } from './contract/useFreshStore';

/**
 * Defines Jest tests that check a `NestorStore` implementation against
 * the contract written in the store interface's doc comments: every method of
 * every part, including concurrent quota reservations, optimistic updates,
 * leases and gap-free event ids.
 *
 * Call it at the top level of a test file. `factory` is called before each
 * test and must return a fresh, empty store; `cleanup` runs after the test.
 *
 * @example
 * ```ts
 * runNestorStoreContractTests('MyStore', async () => {
 *   const store = await MyStore.create(...);
 *   return { store, cleanup: () => store.close() };
 * });
 * ```
 * @public
 */
export function runNestorStoreContractTests(
  name: string,
  factory: NestorStoreContractFactory,
): void {
  describe(`NestorStore contract: ${name}`, () => {
    const getStore = useFreshStore(factory);

    it('answers ping', async () => {
      await expect(getStore().ping()).resolves.toBeUndefined();
    });

    describeCatalogWriteContract(getStore);
    describeCatalogListContract(getStore);
    describeSourceAndPolicyStoreContract(getStore);
    describeTeamStoreContract(getStore);
    describeDeploymentStoreContract(getStore);
    describeDeploymentUpdateContract(getStore);
    describeDeploymentLeaseContract(getStore);
    describeEventStoreContract(getStore);
  });
}
