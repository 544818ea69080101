import { randomUUID } from 'node:crypto';
import { CrdSchemaValidator } from './CrdSchemaValidator';
import { KubernetesApiError } from './KubernetesApiError';
import { KubernetesResourceRegistry, KubernetesResourceType, formatApiVersion } from './KubernetesResourceRegistry';
import { ManagedFields } from './ManagedFields';
import { JsonPatchOperation, applyJsonPatch } from './applyJsonPatch';
import { applyMergePatch } from './applyMergePatch';
import { isPlainObject, jsonEqual } from './jsonEqual';
import { parseFieldSelector, parseLabelSelector } from './matchesSelectors';

/** A Kubernetes object as JSON. @public */
export type KubernetesJsonObject = { apiVersion: string; kind: string; metadata: { name: string; [key: string]: any }; [key: string]: any };

/** A change seen by watchers. @public */
export interface KubernetesWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubernetesJsonObject;
}

/** How a write is made. @public */
export interface KubernetesWriteOptions {
  fieldManager?: string;
  subresource?: 'status';
  dryRun?: boolean;
}

/** Patch content types the store understands. @public */
export type KubernetesPatchType = 'merge' | 'strategic' | 'json' | 'apply';

interface Stored {
  object: KubernetesJsonObject;
  managed: ManagedFields;
  type: KubernetesResourceType;
}

interface Watcher {
  storageKey: string;
  namespace?: string;
  matches: (o: KubernetesJsonObject) => boolean;
  type: KubernetesResourceType;
  listener: (event: KubernetesWatchEvent) => void;
}

const HISTORY_SIZE = 1000;

/**
 * The object storage of the Kubernetes test server, with the API server's
 * semantics: `resourceVersion` preconditions, generation, the status
 * subresource, finalizers, namespaces that must exist, server-side apply with
 * field ownership, schema validation of custom resources, and watch events
 * that can be resumed from a recent resourceVersion.
 * @public
 */
export class KubernetesObjectStore {
  readonly #registry: KubernetesResourceRegistry;
  readonly #objects = new Map<string, Stored>();
  readonly #watchers = new Set<Watcher>();
  readonly #history: Array<{ rv: number; storageKey: string; event: KubernetesWatchEvent }> = [];
  readonly #validators = new WeakMap<object, CrdSchemaValidator>();
  readonly #validate: boolean;
  #resourceVersion = 1;

  constructor(registry: KubernetesResourceRegistry, options: { validate?: boolean } = {}) {
    this.#registry = registry;
    this.#validate = options.validate ?? true;
    for (const ns of ['default', 'kube-system']) {
      const type = registry.byKind('v1', 'Namespace')!;
      this.create(type, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'kube-apiserver' });
    }
  }

  get resourceVersion(): string {
    return String(this.#resourceVersion);
  }

  get(type: KubernetesResourceType, namespace: string | undefined, name: string): KubernetesJsonObject {
    const stored = this.#objects.get(this.#key(type, namespace, name));
    if (!stored) throw KubernetesApiError.notFound(type.plural, name, type.group);
    return this.#render(stored, type);
  }

  list(
    type: KubernetesResourceType,
    namespace: string | undefined,
    selectors: { labelSelector?: string; fieldSelector?: string } = {},
  ): { items: KubernetesJsonObject[]; resourceVersion: string } {
    const matches = this.#matcher(selectors);
    const prefix = `${this.#storageKey(type)}/${namespace ?? ''}`;
    const items = [...this.#objects.entries()]
      .filter(([k]) => (namespace === undefined ? k.startsWith(`${this.#storageKey(type)}/`) : k.startsWith(`${prefix}/`)))
      .map(([, s]) => this.#render(s, type))
      .filter(matches)
      .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
    return { items, resourceVersion: this.resourceVersion };
  }

  create(type: KubernetesResourceType, namespace: string | undefined, body: unknown, options: KubernetesWriteOptions = {}): KubernetesJsonObject {
    const object = this.#checkBody(type, namespace, body);
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = `${object.metadata.generateName}${randomUUID().slice(0, 5)}`;
    }
    const name = object.metadata.name;
    if (!name) throw KubernetesApiError.invalid(type.kind, '', [{ field: 'metadata.name', message: 'name or generateName is required' }]);
    if (this.#objects.has(this.#key(type, namespace, name))) throw KubernetesApiError.alreadyExists(type.plural, name, type.group);
    if (type.statusSubresource && type.kind !== 'Namespace') delete object.status;
    const managed = new ManagedFields();
    managed.recordUpdate({ before: undefined, after: object, manager: options.fieldManager ?? 'unknown' });
    return this.#commit(type, namespace, undefined, object, managed, options);
  }

  replace(type: KubernetesResourceType, namespace: string | undefined, name: string, body: unknown, options: KubernetesWriteOptions = {}): KubernetesJsonObject {
    const stored = this.#require(type, namespace, name);
    const object = this.#checkBody(type, namespace, body, name);
    const wanted = object.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== stored.object.metadata.resourceVersion) {
      throw KubernetesApiError.conflict(type.plural, name, type.group);
    }
    const next = this.#mergeSubresource(type, stored.object, object, options.subresource);
    const managed = stored.managed.clone();
    managed.recordUpdate({ before: stored.object, after: next, manager: options.fieldManager ?? 'unknown', subresource: options.subresource });
    return this.#commit(type, namespace, stored, next, managed, options);
  }

  patch(
    type: KubernetesResourceType,
    namespace: string | undefined,
    name: string,
    patchType: KubernetesPatchType,
    patch: unknown,
    options: KubernetesWriteOptions & { force?: boolean } = {},
  ): KubernetesJsonObject {
    const key = this.#key(type, namespace, name);
    const stored = this.#objects.get(key);
    if (patchType === 'apply') return this.#apply(type, namespace, name, stored, patch, options);
    if (!stored) throw KubernetesApiError.notFound(type.plural, name, type.group);
    const current = structuredClone(stored.object);
    let patched: unknown;
    if (patchType === 'json') patched = applyJsonPatch(current, patch as JsonPatchOperation[]);
    else {
      if (!isPlainObject(patch)) throw KubernetesApiError.badRequest('a merge patch must be a JSON object');
      const wanted = (patch.metadata as Record<string, unknown> | undefined)?.resourceVersion;
      if (wanted !== undefined && wanted !== stored.object.metadata.resourceVersion) {
        throw KubernetesApiError.conflict(type.plural, name, type.group);
      }
      patched = applyMergePatch(current, patch);
    }
    const object = this.#checkBody(type, namespace, patched, name);
    object.metadata.resourceVersion = stored.object.metadata.resourceVersion;
    const next = this.#mergeSubresource(type, stored.object, object, options.subresource);
    const managed = stored.managed.clone();
    managed.recordUpdate({ before: stored.object, after: next, manager: options.fieldManager ?? 'unknown', subresource: options.subresource });
    return this.#commit(type, namespace, stored, next, managed, options);
  }

  /** Deletes, or marks for deletion while finalizers remain; returns the object as last seen. */
  delete(type: KubernetesResourceType, namespace: string | undefined, name: string, options: { dryRun?: boolean } = {}): KubernetesJsonObject {
    const stored = this.#require(type, namespace, name);
    if (options.dryRun) return this.#render(stored, type);
    if ((stored.object.metadata.finalizers ?? []).length > 0) {
      if (stored.object.metadata.deletionTimestamp) return this.#render(stored, type);
      const next = structuredClone(stored.object);
      next.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      return this.#commit(type, namespace, stored, next, stored.managed, {});
    }
    return this.#remove(type, namespace, name);
  }

  /**
   * Subscribes to changes. With a `resourceVersion`, the changes after it are
   * replayed first; one older than the kept history is a 410 (Expired).
   */
  watch(
    type: KubernetesResourceType,
    namespace: string | undefined,
    options: { labelSelector?: string; fieldSelector?: string; resourceVersion?: string },
    listener: (event: KubernetesWatchEvent) => void,
  ): () => void {
    const watcher: Watcher = { storageKey: this.#storageKey(type), namespace, matches: this.#matcher(options), type, listener };
    const from = options.resourceVersion ? Number(options.resourceVersion) : undefined;
    if (from !== undefined && from > 0) {
      const oldest = this.#history[0]?.rv ?? this.#resourceVersion + 1;
      if (from < oldest - 1 && from < this.#resourceVersion) {
        throw new KubernetesApiError(410, 'Expired', `too old resource version: ${from} (${oldest - 1})`);
      }
      for (const h of this.#history) if (h.rv > from) this.#deliver(watcher, h.storageKey, h.event);
    } else if (from === undefined) {
      for (const item of this.list(type, namespace, options).items) listener({ type: 'ADDED', object: item });
    }
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  #apply(
    type: KubernetesResourceType,
    namespace: string | undefined,
    name: string,
    stored: Stored | undefined,
    patch: unknown,
    options: KubernetesWriteOptions & { force?: boolean },
  ): KubernetesJsonObject {
    if (!options.fieldManager) throw KubernetesApiError.badRequest('fieldManager is required for apply patches');
    if (!stored && options.subresource) throw KubernetesApiError.notFound(type.plural, name, type.group);
    const config = this.#checkBody(type, namespace, patch, name);
    if (config.apiVersion !== formatApiVersion(type.group, type.version) || config.kind !== type.kind) {
      throw KubernetesApiError.badRequest(`apply patch must name apiVersion ${formatApiVersion(type.group, type.version)} and kind ${type.kind}`);
    }
    delete config.metadata.resourceVersion;
    const onStatus = options.subresource === 'status';
    const scoped: KubernetesJsonObject = onStatus
      ? { apiVersion: config.apiVersion, kind: config.kind, metadata: { name }, status: config.status }
      : config;
    if (!onStatus && type.statusSubresource) delete scoped.status;
    const managed = stored ? stored.managed.clone() : new ManagedFields();
    const merged = managed.apply({
      current: stored?.object,
      config: scoped,
      manager: options.fieldManager,
      force: Boolean(options.force),
      subresource: options.subresource,
    }) as KubernetesJsonObject;
    merged.metadata = { ...(stored?.object.metadata ?? {}), ...merged.metadata, name };
    if (namespace) merged.metadata.namespace = namespace;
    return this.#commit(type, namespace, stored, merged, managed, options);
  }

  #mergeSubresource(type: KubernetesResourceType, before: KubernetesJsonObject, after: KubernetesJsonObject, subresource?: string): KubernetesJsonObject {
    if (!type.statusSubresource) return after;
    if (subresource === 'status') {
      return { ...structuredClone(before), status: after.status };
    }
    const next = { ...after };
    if (before.status === undefined) delete next.status;
    else next.status = structuredClone(before.status);
    return next;
  }

  #commit(
    type: KubernetesResourceType,
    namespace: string | undefined,
    before: Stored | undefined,
    next: KubernetesJsonObject,
    managed: ManagedFields,
    options: { dryRun?: boolean },
  ): KubernetesJsonObject {
    const name = next.metadata.name;
    next.apiVersion = formatApiVersion(type.group, type.version);
    next.kind = type.kind;
    delete next.metadata.managedFields;
    if (before) {
      for (const k of ['uid', 'creationTimestamp', 'generation', 'deletionTimestamp']) {
        if (before.object.metadata[k] !== undefined && k !== 'deletionTimestamp') next.metadata[k] = before.object.metadata[k];
      }
      if (before.object.metadata.deletionTimestamp) next.metadata.deletionTimestamp = before.object.metadata.deletionTimestamp;
      const spec = (o: KubernetesJsonObject) => {
        const { metadata, status, apiVersion, kind, ...rest } = o;
        return rest;
      };
      if (!jsonEqual(spec(before.object), spec(next))) next.metadata.generation = (before.object.metadata.generation ?? 1) + 1;
    } else {
      next.metadata.uid = randomUUID();
      next.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      next.metadata.generation = 1;
    }
    if (type.kind === 'Namespace' && type.group === '') next.status = { phase: next.metadata.deletionTimestamp ? 'Terminating' : 'Active' };
    this.#check(type, next);
    if (type.kind === 'CustomResourceDefinition' && !options.dryRun) {
      this.#registry.registerCrd(next);
      next.status = {
        ...(next.status ?? {}),
        acceptedNames: next.spec.names,
        storedVersions: next.spec.versions.filter((v: any) => v.storage).map((v: any) => v.name),
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', lastTransitionTime: next.metadata.creationTimestamp },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', lastTransitionTime: next.metadata.creationTimestamp },
        ],
      };
    }
    if (options.dryRun) {
      return this.#render({ object: next, managed, type }, type);
    }
    if (before && next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.#objects.set(this.#key(type, namespace, name), { object: next, managed, type });
      return this.#remove(type, namespace, name);
    }
    next.metadata.resourceVersion = String(++this.#resourceVersion);
    const stored = { object: next, managed, type };
    this.#objects.set(this.#key(type, namespace, name), stored);
    this.#emit(type, before ? 'MODIFIED' : 'ADDED', stored);
    return this.#render(stored, type);
  }

  #remove(type: KubernetesResourceType, namespace: string | undefined, name: string): KubernetesJsonObject {
    const key = this.#key(type, namespace, name);
    const stored = this.#objects.get(key)!;
    this.#objects.delete(key);
    stored.object.metadata.resourceVersion = String(++this.#resourceVersion);
    this.#emit(type, 'DELETED', stored);
    if (type.kind === 'CustomResourceDefinition') this.#registry.unregisterCrd(name);
    if (type.kind === 'Namespace' && type.group === '') {
      for (const s of [...this.#objects.values()]) {
        if (s.type.namespaced && s.object.metadata.namespace === name) this.#remove(s.type, name, s.object.metadata.name);
      }
    }
    return this.#render(stored, type);
  }

  #checkBody(type: KubernetesResourceType, namespace: string | undefined, body: unknown, name?: string): KubernetesJsonObject {
    if (!isPlainObject(body)) throw KubernetesApiError.badRequest('the request body must be a JSON object');
    const object = structuredClone(body) as KubernetesJsonObject;
    object.metadata = isPlainObject(object.metadata) ? object.metadata : ({} as KubernetesJsonObject['metadata']);
    if (name !== undefined && object.metadata.name !== undefined && object.metadata.name !== name) {
      throw KubernetesApiError.badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (name !== undefined) object.metadata.name = name;
    if (type.namespaced) {
      if (!namespace) throw KubernetesApiError.badRequest(`${type.kind} is namespaced: a namespace is required`);
      if (object.metadata.namespace !== undefined && object.metadata.namespace !== namespace) {
        throw KubernetesApiError.badRequest(`the namespace of the object (${object.metadata.namespace}) does not match the namespace on the URL (${namespace})`);
      }
      object.metadata.namespace = namespace;
      const nsType = this.#registry.byKind('v1', 'Namespace')!;
      if (!this.#objects.has(this.#key(nsType, undefined, namespace))) {
        throw new KubernetesApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
      }
    } else {
      delete object.metadata.namespace;
    }
    return object;
  }

  #check(type: KubernetesResourceType, object: KubernetesJsonObject) {
    if (!this.#validate || !type.schema) return;
    let validator = this.#validators.get(type.schema);
    if (!validator) {
      validator = CrdSchemaValidator.fromSchema(type.schema);
      this.#validators.set(type.schema, validator);
    }
    const rendered = { ...object, metadata: { name: object.metadata.name, namespace: object.metadata.namespace, labels: object.metadata.labels, annotations: object.metadata.annotations, finalizers: object.metadata.finalizers } };
    for (const k of Object.keys(rendered.metadata)) if ((rendered.metadata as any)[k] === undefined) delete (rendered.metadata as any)[k];
    const violations = validator.validate(rendered);
    if (violations.length > 0) throw KubernetesApiError.invalid(type.kind, object.metadata.name, violations);
  }

  #require(type: KubernetesResourceType, namespace: string | undefined, name: string): Stored {
    const stored = this.#objects.get(this.#key(type, namespace, name));
    if (!stored) throw KubernetesApiError.notFound(type.plural, name, type.group);
    return stored;
  }

  #emit(type: KubernetesResourceType, eventType: KubernetesWatchEvent['type'], stored: Stored) {
    const event: KubernetesWatchEvent = { type: eventType, object: this.#render(stored, type) };
    const storageKey = this.#storageKey(type);
    this.#history.push({ rv: Number(stored.object.metadata.resourceVersion), storageKey, event });
    if (this.#history.length > HISTORY_SIZE) this.#history.shift();
    for (const w of this.#watchers) this.#deliver(w, storageKey, event);
  }

  #deliver(w: Watcher, storageKey: string, event: KubernetesWatchEvent) {
    if (w.storageKey !== storageKey) return;
    if (w.namespace !== undefined && event.object.metadata.namespace !== w.namespace) return;
    const object = { ...structuredClone(event.object), apiVersion: formatApiVersion(w.type.group, w.type.version) };
    if (!w.matches(object)) return;
    w.listener({ type: event.type, object });
  }

  #matcher(selectors: { labelSelector?: string; fieldSelector?: string }) {
    const labels = parseLabelSelector(selectors.labelSelector);
    const fields = parseFieldSelector(selectors.fieldSelector);
    return (o: KubernetesJsonObject) => labels(o.metadata.labels ?? {}) && fields(o);
  }

  #render(stored: Stored, type: KubernetesResourceType): KubernetesJsonObject {
    const object = structuredClone(stored.object);
    object.apiVersion = formatApiVersion(type.group, type.version);
    object.metadata.managedFields = stored.managed.toJSON();
    return object;
  }

  #storageKey(type: KubernetesResourceType) {
    return `${type.group}/${type.plural}`;
  }

  #key(type: KubernetesResourceType, namespace: string | undefined, name: string) {
    return `${this.#storageKey(type)}/${type.namespaced ? namespace ?? '' : ''}/${name}`;
  }
}
