import { ScmIntegrationRegistry } from '@backstage/integration';

/**
 * What turning Nestor objects into entities needs to know about the
 * installation.
 * @public
 */
export interface EntityContext {
  /** namespace of every entity the provider writes */
  namespace: string;
  /** namespace of the teams' Group entities (a team id is a Group name) */
  groupNamespace: string;
  /** the app's base URL (`app.baseUrl`), for links to the Create page */
  appBaseUrl?: string;
  /** where Nestor's frontend is mounted, e.g. `https://backstage.acme.io/nestor`; no app links when absent */
  nestorAppUrl?: string;
  /** recognises Git hosts, for links to a definition's file */
  integrations: ScmIntegrationRegistry;
  /** called for what is left out of an entity (an annotation the catalog would refuse) */
  onDropped?: (message: string) => void;
}
