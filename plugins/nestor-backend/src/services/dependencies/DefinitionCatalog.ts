import { ResourceDefinition } from '@nestor/plugin-nestor-common';
import { CatalogStore } from '@nestor/plugin-nestor-node';
import * as semver from 'semver';

const CHUNK = 500;

/**
 * The current definitions the graph needs (those deployed or asked for),
 * read from the catalog store on first use and kept current by the service.
 * @internal
 */
export class DefinitionCatalog {
  readonly #catalog: Pick<CatalogStore, 'getItems' | 'listVersions'>;
  readonly #current = new Map<string, ResourceDefinition>();

  constructor(catalog: Pick<CatalogStore, 'getItems' | 'listVersions'>) {
    this.#catalog = catalog;
  }

  get(name: string): ResourceDefinition | undefined {
    return this.#current.get(name);
  }

  set(definition: ResourceDefinition): void {
    this.#current.set(definition.metadata.name, definition);
  }

  remove(name: string): void {
    this.#current.delete(name);
  }

  /** Reads the definitions not known yet; returns those found. */
  async load(names: Iterable<string>): Promise<ResourceDefinition[]> {
    const wanted = [...new Set(names)].filter(name => !this.#current.has(name));
    const loaded: ResourceDefinition[] = [];
    for (let i = 0; i < wanted.length; i += CHUNK) {
      for (const item of await this.#catalog.getItems(wanted.slice(i, i + CHUNK))) {
        this.set(item.definition);
        loaded.push(item.definition);
      }
    }
    return loaded;
  }

  /**
   * The definition a request's version range resolves to: the current one
   * when it satisfies the range, else the highest satisfying version in the
   * item's history. A string says why there is none.
   */
  async resolve(name: string, range: string): Promise<ResourceDefinition | string> {
    const current = this.#current.get(name);
    if (!current) return `no buffet item named "${name}"`;
    if (!semver.validRange(range)) return `"${range}" is not a valid semver range`;
    if (semver.satisfies(current.spec.version, range)) return current;
    const versions = (await this.#catalog.listVersions(name)).filter(
      v => v.change !== 'removed' && semver.satisfies(v.version, range),
    );
    const best = versions.sort((a, b) => semver.rcompare(a.version, b.version))[0];
    return best?.definition ?? `no version of "${name}" satisfies "${range}" (current: ${current.spec.version})`;
  }
}
