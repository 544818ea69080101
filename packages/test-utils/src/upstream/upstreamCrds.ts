import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** The repository's root folder (the one with `plugins/`), or undefined. */
export function findRepoRoot(): string | undefined {
  // test-only library, never bundled: __dirname is the source folder
  // eslint-disable-next-line no-restricted-syntax
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'plugins'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The folder with the upstream CRD schemas (`../shared/upstream` beside the
 * repository), or undefined when it is not there; tests then skip with a
 * message.
 */
export function findUpstreamDir(): string | undefined {
  const root = findRepoRoot();
  if (!root) return undefined;
  const upstream = path.resolve(root, '..', 'shared', 'upstream');
  return fs.existsSync(upstream) ? upstream : undefined;
}

interface CrdVersion {
  name: string;
  served: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
}

/**
 * Validates Kubernetes objects against the OpenAPI schemas of upstream CRDs,
 * by `apiVersion` and `kind`; an API version the CRD does not serve is an
 * error, as it would be on a cluster.
 */
export class UpstreamCrdValidator {
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #served = new Map<string, string[]>();

  /** Loads the given CRD files (paths relative to the upstream folder). */
  static load(upstreamDir: string, files: string[]): UpstreamCrdValidator {
    const validator = new UpstreamCrdValidator();
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    // Kubernetes structural-schema extensions are not JSON Schema keywords
    for (const keyword of [
      'x-kubernetes-preserve-unknown-fields',
      'x-kubernetes-int-or-string',
      'x-kubernetes-embedded-resource',
      'x-kubernetes-list-type',
      'x-kubernetes-list-map-keys',
      'x-kubernetes-map-type',
      'x-kubernetes-validations',
    ]) {
      ajv.addKeyword(keyword);
    }
    for (const file of files) {
      const crd = YAML.parse(fs.readFileSync(path.join(upstreamDir, file), 'utf8'));
      const group: string = crd.spec.group;
      const kind: string = crd.spec.names.kind;
      for (const version of crd.spec.versions as CrdVersion[]) {
        const key = `${group}/${version.name}/${kind}`;
        if (!version.served) continue;
        validator.#served.set(`${group}/${kind}`, [...(validator.#served.get(`${group}/${kind}`) ?? []), version.name]);
        const schema = version.schema?.openAPIV3Schema ?? { type: 'object' };
        validator.#validators.set(key, ajv.compile(schema));
      }
    }
    return validator;
  }

  /** Error messages; empty when the object is valid. */
  validate(object: { apiVersion?: string; kind?: string }): string[] {
    const [group, version] = (object.apiVersion ?? '').split('/');
    const validate = this.#validators.get(`${group}/${version}/${object.kind}`);
    if (!validate) {
      const served = this.#served.get(`${group}/${object.kind}`);
      return [
        served
          ? `${object.apiVersion} ${object.kind}: version not served (served: ${served.join(', ')})`
          : `${object.apiVersion} ${object.kind}: no CRD loaded for this group and kind`,
      ];
    }
    if (validate(object)) return [];
    return (validate.errors ?? []).map(e => `${e.instancePath || '(root)'} ${e.message}`);
  }
}
