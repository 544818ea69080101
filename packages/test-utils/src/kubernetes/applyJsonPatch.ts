import { KubernetesApiError } from './KubernetesApiError';

/** One operation of a JSON patch (RFC 6902). @public */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

/**
 * Applies a JSON patch (RFC 6902) to a copy of `target`. A failing `test`
 * or a path that does not exist is a 422, as on the API server.
 * @public
 */
export function applyJsonPatch(target: unknown, operations: JsonPatchOperation[]): unknown {
  if (!Array.isArray(operations)) {
    throw KubernetesApiError.badRequest('a JSON patch must be an array of operations');
  }
  let doc = structuredClone(target);
  for (const op of operations) {
    switch (op.op) {
      case 'add':
        doc = write(doc, op.path, structuredClone(op.value), 'add');
        break;
      case 'replace':
        read(doc, op.path);
        doc = write(doc, op.path, structuredClone(op.value), 'replace');
        break;
      case 'remove':
        read(doc, op.path);
        doc = write(doc, op.path, undefined, 'remove');
        break;
      case 'copy':
        doc = write(doc, op.path, structuredClone(read(doc, op.from ?? '')), 'add');
        break;
      case 'move': {
        const value = read(doc, op.from ?? '');
        doc = write(doc, op.from ?? '', undefined, 'remove');
        doc = write(doc, op.path, value, 'add');
        break;
      }
      case 'test':
        if (JSON.stringify(read(doc, op.path)) !== JSON.stringify(op.value)) {
          throw new KubernetesApiError(422, 'Invalid', `JSON patch test failed at ${op.path}`);
        }
        break;
      default:
        throw KubernetesApiError.badRequest(`unknown JSON patch operation "${(op as JsonPatchOperation).op}"`);
    }
  }
  return doc;
}

function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw KubernetesApiError.badRequest(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map(t => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function read(doc: unknown, path: string): unknown {
  let node: any = doc;
  for (const token of tokens(path)) {
    if (node === null || typeof node !== 'object' || !(token in node)) {
      throw new KubernetesApiError(422, 'Invalid', `JSON patch path ${path} does not exist`);
    }
    node = node[token];
  }
  return node;
}

function write(doc: unknown, path: string, value: unknown, mode: 'add' | 'replace' | 'remove'): unknown {
  const parts = tokens(path);
  if (parts.length === 0) return value;
  const last = parts.pop()!;
  const parent: any = read(doc, parts.map(p => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''));
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw new KubernetesApiError(422, 'Invalid', `JSON patch index ${last} is out of range at ${path}`);
    }
    if (mode === 'add') parent.splice(index, 0, value);
    else if (mode === 'replace') parent[index] = value;
    else parent.splice(index, 1);
  } else if (parent !== null && typeof parent === 'object') {
    if (mode === 'remove') delete parent[last];
    else parent[last] = value;
  } else {
    throw new KubernetesApiError(422, 'Invalid', `JSON patch path ${path} has no parent object`);
  }
  return doc;
}
