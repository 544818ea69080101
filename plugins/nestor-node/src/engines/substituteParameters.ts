/** How {@link substituteParameters} treats what it cannot resolve. @public */
export interface SubstituteParametersOptions {
  /**
   * Turn `$${` into a literal `${`. Leave it off when the result is read by a
   * tool that handles the escape itself (Pulumi YAML does).
   */
  unescape?: boolean;
}

/** What {@link substituteParameters} did. @public */
export interface SubstitutionResult<T> {
  value: T;
  /** every parameter name that was referenced */
  used: Set<string>;
  /** references whose first segment names no parameter, e.g. `ns.metadata.name`, left as they were */
  unresolved: string[];
}

const REFERENCE = /(\$?)\$\{([^}]*)\}/g;
const WHOLE_REFERENCE = /^\$\{([^}]*)\}$/;

/**
 * Resolves `${param}` references in a JSON value from the order's
 * parameters. A string that is one reference takes the parameter's value with
 * its type (`replicas: ${replicas}` stays a number); a reference inside a
 * longer string is formatted into it (objects as JSON). `${param.a.b}` reads
 * a nested field. References whose first segment is not a parameter (Pulumi
 * resource outputs such as `${bucket.arn}`) are left untouched and reported.
 * @public
 */
export function substituteParameters<T>(
  value: T,
  parameters: Record<string, unknown>,
  options: SubstituteParametersOptions = {},
): SubstitutionResult<T> {
  const used = new Set<string>();
  const unresolved: string[] = [];

  const lookup = (expression: string): { found: boolean; value?: unknown } => {
    const [root, ...path] = expression.trim().split('.');
    if (!Object.prototype.hasOwnProperty.call(parameters, root)) {
      return { found: false };
    }
    used.add(root);
    let current: unknown = parameters[root];
    for (const segment of path) {
      if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) {
        throw new Error(`\${${expression}}: parameter "${root}" has no field "${path.join('.')}"`);
      }
      current = (current as Record<string, unknown>)[segment];
    }
    return { found: true, value: current };
  };

  const visitString = (text: string): unknown => {
    const whole = WHOLE_REFERENCE.exec(text);
    if (whole) {
      const resolved = lookup(whole[1]);
      if (resolved.found) return resolved.value;
    }
    return text.replace(REFERENCE, (match: string, escape: string, expression: string) => {
      if (escape) return options.unescape ? match.slice(1) : match;
      const resolved = lookup(expression);
      if (!resolved.found) {
        unresolved.push(expression.trim());
        return match;
      }
      return formatInline(resolved.value);
    });
  };

  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return node.includes('${') ? visitString(node) : node;
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, visit(child)]));
    }
    return node;
  };

  return { value: visit(value) as T, used, unresolved };
}

function formatInline(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
