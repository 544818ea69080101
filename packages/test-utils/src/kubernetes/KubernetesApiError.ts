/**
 * An error answered by the Kubernetes test server as a `Status` object, the
 * way the real API server answers failures.
 * @public
 */
export class KubernetesApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: Record<string, unknown>;

  constructor(code: number, reason: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'KubernetesApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  static notFound(resource: string, name: string, group = ''): KubernetesApiError {
    const qualified = group ? `${resource}.${group}` : resource;
    return new KubernetesApiError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: resource });
  }

  static alreadyExists(resource: string, name: string, group = ''): KubernetesApiError {
    const qualified = group ? `${resource}.${group}` : resource;
    return new KubernetesApiError(409, 'AlreadyExists', `${qualified} "${name}" already exists`, { name, group, kind: resource });
  }

  static conflict(resource: string, name: string, group = ''): KubernetesApiError {
    const qualified = group ? `${resource}.${group}` : resource;
    return new KubernetesApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group, kind: resource },
    );
  }

  static invalid(kind: string, name: string, causes: Array<{ field: string; message: string }>): KubernetesApiError {
    const text = causes.map(c => `${c.field}: ${c.message}`).join(', ');
    return new KubernetesApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${text}`, {
      name,
      kind,
      causes: causes.map(c => ({ reason: 'FieldValueInvalid', field: c.field, message: c.message })),
    });
  }

  static badRequest(message: string): KubernetesApiError {
    return new KubernetesApiError(400, 'BadRequest', message);
  }

  /** The `Status` body the API server sends. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}
