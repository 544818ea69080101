/**
 * A catalog module that publishes Nestor's buffet items, a scaffolder
 * Template per item and every deployment as catalog entities.
 *
 * @packageDocumentation
 */

export { catalogModuleNestorEntityProvider as default } from './module';
export { NestorEntityProvider } from './provider/NestorEntityProvider';
export { NestorEntityReader } from './provider/NestorEntityReader';
export type { EntityDelta } from './provider/NestorEntityReader';
export { readNestorProviderConfig } from './provider/readNestorProviderConfig';
export type { NestorProviderConfig } from './provider/readNestorProviderConfig';
export {
  NESTOR_ANNOTATIONS,
  NESTOR_TAG,
  NESTOR_DEPLOYMENT_TAG,
  BUFFET_ITEM_RESOURCE_TYPE,
} from '@nestor/plugin-nestor-common';
export {
  buffetItemEntity,
  buffetItemTemplateRef,
} from './entities/buffetItemEntity';
export { buffetItemTemplate } from './entities/buffetItemTemplate';
export {
  deploymentEntity,
  deploymentEntityRef,
} from './entities/deploymentEntity';
export { deploymentEntityName } from './entities/deploymentEntityName';
export type { EntityContext } from './entities/types';
