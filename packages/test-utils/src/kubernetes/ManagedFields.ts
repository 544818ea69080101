import { KubernetesApiError } from './KubernetesApiError';
import { isPlainObject, jsonEqual } from './jsonEqual';

/** The fields one manager owns on one object. @public */
export interface FieldManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  apiVersion: string;
  time: string;
  /** leaf paths, each a JSON-encoded array of keys */
  fields: Set<string>;
}

// Set by the server, never owned by a manager.
const UNOWNED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'generateName',
]);

/**
 * Field ownership of one object, as server-side apply tracks it: each
 * manager owns the leaf fields it last set (lists are atomic). An apply that
 * changes a field another manager owns is a conflict unless forced; an
 * apply that stops setting a field it owned alone removes that field.
 * Updates (create, replace, patch) never conflict: they take ownership of
 * what they change.
 * @public
 */
export class ManagedFields {
  readonly #entries: FieldManagerEntry[];

  constructor(entries: FieldManagerEntry[] = []) {
    this.#entries = entries;
  }

  clone(): ManagedFields {
    return new ManagedFields(this.#entries.map(e => ({ ...e, fields: new Set(e.fields) })));
  }

  /** Server-side apply of `config` by `manager` onto `current` (undefined when creating). */
  apply(options: {
    current: Record<string, unknown> | undefined;
    config: Record<string, unknown>;
    manager: string;
    force: boolean;
    subresource?: string;
    ignoreTopLevel?: string[];
  }): Record<string, unknown> {
    const { current, config, manager, force, subresource } = options;
    const configPaths = leafPaths(config, options.ignoreTopLevel ?? []);
    const conflicts: Array<{ path: string; owners: string[] }> = [];
    const changed: string[] = [];
    for (const key of configPaths) {
      const path = JSON.parse(key) as string[];
      const before = current ? getPath(current, path) : undefined;
      if (before !== undefined && !jsonEqual(before, getPath(config, path))) {
        changed.push(key);
        const owners = this.#entries
          .filter(e => e.fields.has(key) && !(e.manager === manager && e.operation === 'Apply'))
          .map(e => e.manager);
        if (owners.length > 0) conflicts.push({ path: `.${path.join('.')}`, owners });
      }
    }
    if (conflicts.length > 0 && !force) {
      throw new KubernetesApiError(
        409,
        'Conflict',
        `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts
          .map(c => `conflict with ${c.owners.map(o => `"${o}"`).join(', ')}: ${c.path}`)
          .join('; ')}`,
        { causes: conflicts.map(c => ({ reason: 'FieldManagerConflict', field: c.path, message: `conflict with ${c.owners.join(', ')}` })) },
      );
    }
    for (const key of changed) {
      for (const entry of this.#entries) {
        if (!(entry.manager === manager && entry.operation === 'Apply')) entry.fields.delete(key);
      }
    }
    let result: Record<string, unknown> = current ? structuredClone(current) : {};
    const mine = this.#find(manager, 'Apply', subresource);
    for (const key of mine?.fields ?? []) {
      if (configPaths.has(key)) continue;
      if (this.#entries.some(e => e !== mine && e.fields.has(key))) continue;
      deletePath(result, JSON.parse(key));
    }
    result = deepMerge(result, config) as Record<string, unknown>;
    this.#set(manager, 'Apply', subresource, String(config.apiVersion ?? ''), configPaths);
    this.#prune();
    return result;
  }

  /** Records a non-apply write: the manager takes every leaf it changed. */
  recordUpdate(options: {
    before: Record<string, unknown> | undefined;
    after: Record<string, unknown>;
    manager: string;
    subresource?: string;
  }): void {
    const { before, after, manager, subresource } = options;
    const changed = [...leafPaths(after, [])].filter(
      key => !before || !jsonEqual(getPath(before, JSON.parse(key)), getPath(after, JSON.parse(key))),
    );
    // fields that disappeared belong to nobody any more
    if (before) {
      for (const key of leafPaths(before, [])) {
        if (getPath(after, JSON.parse(key)) === undefined) {
          for (const entry of this.#entries) entry.fields.delete(key);
        }
      }
    }
    if (changed.length > 0) {
      for (const entry of this.#entries) {
        for (const key of changed) entry.fields.delete(key);
      }
      const entry = this.#find(manager, 'Update', subresource);
      const fields = new Set([...(entry?.fields ?? []), ...changed]);
      this.#set(manager, 'Update', subresource, String(after.apiVersion ?? ''), fields);
    }
    this.#prune();
  }

  /** The `metadata.managedFields` list, in the API server's FieldsV1 format. */
  toJSON(): Array<Record<string, unknown>> {
    return this.#entries.map(e => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(e.fields),
      ...(e.subresource ? { subresource: e.subresource } : {}),
    }));
  }

  #find(manager: string, operation: 'Apply' | 'Update', subresource?: string) {
    return this.#entries.find(e => e.manager === manager && e.operation === operation && e.subresource === subresource);
  }

  #set(manager: string, operation: 'Apply' | 'Update', subresource: string | undefined, apiVersion: string, fields: Set<string>) {
    const existing = this.#find(manager, operation, subresource);
    const time = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (existing) {
      existing.fields = fields;
      existing.time = time;
      existing.apiVersion = apiVersion;
    } else {
      this.#entries.push({ manager, operation, subresource, apiVersion, time, fields });
    }
  }

  #prune() {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      if (this.#entries[i].fields.size === 0) this.#entries.splice(i, 1);
    }
  }
}

/** Leaf paths of an object (lists are leaves), without server-owned fields. */
function leafPaths(obj: Record<string, unknown>, ignoreTopLevel: string[]): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: string[]) => {
    if (isPlainObject(node) && Object.keys(node).length > 0) {
      for (const [key, value] of Object.entries(node)) {
        if (path.length === 0 && (key === 'apiVersion' || key === 'kind' || ignoreTopLevel.includes(key))) continue;
        if (path.length === 1 && path[0] === 'metadata' && UNOWNED_METADATA.has(key)) continue;
        walk(value, [...path, key]);
      }
    } else if (path.length > 0) {
      out.add(JSON.stringify(path));
    }
  };
  walk(obj, []);
  return out;
}

function getPath(obj: unknown, path: string[]): unknown {
  let node: unknown = obj;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function deletePath(obj: Record<string, unknown>, path: string[]): void {
  const parents: Array<Record<string, unknown>> = [];
  let node: unknown = obj;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node)) return;
    parents.push(node);
    node = node[key];
  }
  if (!isPlainObject(node)) return;
  delete node[path[path.length - 1]];
  // drop maps left empty by the removal, but never a top-level block
  for (let i = path.length - 2; i >= 1; i--) {
    const parent = parents[i];
    const child = parent[path[i]];
    if (isPlainObject(child) && Object.keys(child).length === 0) delete parent[path[i]];
    else break;
  }
}

function deepMerge(target: unknown, source: unknown): unknown {
  if (!isPlainObject(source) || !isPlainObject(target)) return structuredClone(source);
  const result: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(source)) {
    result[key] = key in result ? deepMerge(result[key], value) : structuredClone(value);
  }
  return result;
}

function toFieldsV1(fields: Set<string>): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const key of fields) {
    let node = root;
    for (const part of JSON.parse(key) as string[]) {
      node[`f:${part}`] ??= {};
      node = node[`f:${part}`];
    }
  }
  return root;
}
