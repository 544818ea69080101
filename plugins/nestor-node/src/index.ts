/**
 * Interfaces and extension points through which backend modules extend Nestor.
 *
 * @packageDocumentation
 */

export * from './store/types';
export * from './engines/types';
export * from './kubernetes/types';
export * from './extensions/extensionPoints';
