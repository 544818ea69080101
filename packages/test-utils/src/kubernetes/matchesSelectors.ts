import { KubernetesApiError } from './KubernetesApiError';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/**
 * Parses a label selector (`a=b,c!=d,e,!f,g in (x,y),h notin (z)`) into a
 * predicate on labels. An unreadable selector is a 400.
 * @public
 */
export function parseLabelSelector(selector: string | undefined): (labels: Record<string, string>) => boolean {
  if (!selector) return () => true;
  const requirements: Requirement[] = splitTopLevel(selector).map(parseRequirement);
  return labels =>
    requirements.every(r => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      switch (r.op) {
        case 'eq':
          return has && labels[r.key] === r.value;
        case 'neq':
          return !has || labels[r.key] !== r.value;
        case 'in':
          return has && r.values.includes(labels[r.key]);
        case 'notin':
          return !has || !r.values.includes(labels[r.key]);
        case 'exists':
          return has;
        default:
          return !has;
      }
    });
}

/**
 * Parses a field selector; only `metadata.name` and `metadata.namespace`
 * with `=`, `==` and `!=` are supported, as for custom resources.
 * @public
 */
export function parseFieldSelector(selector: string | undefined): (object: { metadata?: Record<string, any> }) => boolean {
  if (!selector) return () => true;
  const parts = splitTopLevel(selector).map(part => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
    if (!m || !['metadata.name', 'metadata.namespace'].includes(m[1])) {
      throw KubernetesApiError.badRequest(`field label not supported: "${part}"`);
    }
    return { field: m[1].slice('metadata.'.length), negate: m[2] === '!=', value: m[3] };
  });
  return object => parts.every(p => (object.metadata?.[p.field] === p.value) !== p.negate);
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map(s => s.trim()).filter(Boolean);
}

function parseRequirement(text: string): Requirement {
  let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (m) return { op: m[2] as 'in' | 'notin', key: m[1], values: m[3].split(',').map(v => v.trim()).filter(Boolean) };
  m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(text);
  if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1], value: m[3] };
  m = /^(!?)([\w./-]+)$/.exec(text);
  if (m) return { op: m[1] ? 'notexists' : 'exists', key: m[2] };
  throw KubernetesApiError.badRequest(`unable to parse requirement: "${text}"`);
}
