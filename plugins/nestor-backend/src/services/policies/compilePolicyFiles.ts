import { DetailedError, policySetTextToParts, policyToJson, validate } from '@cedar-policy/cedar-wasm/nodejs';
import { SourceFileError } from '@nestor/plugin-nestor-common';
import { StoredPolicy } from '@nestor/plugin-nestor-node';
import { CompiledPolicy } from './types';
import { lineAt } from './lineAt';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/#-]*$/;

function describe(error: DetailedError): string {
  return error.help ? `${error.message} (${error.help})` : error.message;
}

function firstOffset(error: DetailedError): number | undefined {
  return error.sourceLocations?.[0]?.start;
}

/**
 * Parses and validates Cedar policy files against the schema. Every problem
 * is reported with its file and line: a syntax error, a policy that does not
 * fit the schema, a malformed or duplicate `@id`. A policy's id is its
 * `@id("...")` annotation, else `<path>#<position in the file>`.
 * @public
 */
export function compilePolicyFiles(
  files: StoredPolicy[],
  schema: string,
): { policies: CompiledPolicy[]; errors: SourceFileError[] } {
  const policies: CompiledPolicy[] = [];
  const errors: SourceFileError[] = [];
  const seen = new Map<string, CompiledPolicy>();

  for (const file of files) {
    const split = policySetTextToParts(file.text);
    if (split.type === 'failure') {
      for (const e of split.errors) {
        const offset = firstOffset(e);
        errors.push({ path: file.path, line: offset === undefined ? undefined : lineAt(file.text, offset), message: describe(e) });
      }
      continue;
    }
    if (split.policy_templates.length > 0) {
      errors.push({ path: file.path, message: 'policy templates are not supported; write static policies' });
    }
    const inFile: Array<{ policy: CompiledPolicy; offset: number }> = [];
    let cursor = 0;
    split.policies.forEach((text, index) => {
      const found = file.text.indexOf(text, cursor);
      const offset = found >= 0 ? found : cursor;
      cursor = found >= 0 ? found + text.length : cursor;
      const line = lineAt(file.text, offset);
      const json = policyToJson(text);
      if (json.type === 'failure') {
        errors.push({ path: file.path, line, message: json.errors.map(describe).join('; ') });
        return;
      }
      const annotations = json.json.annotations ?? {};
      const id = annotations.id ?? `${file.path}#${index + 1}`;
      if (!ID_PATTERN.test(id)) {
        errors.push({ path: file.path, line, message: `@id("${id}") must be letters, digits and . _ : / # -` });
        return;
      }
      const previous = seen.get(id);
      if (previous) {
        errors.push({ path: file.path, line, message: `duplicate policy id "${id}" (first in ${previous.path} line ${previous.line})` });
        return;
      }
      const policy: CompiledPolicy = {
        id,
        scope: file.scope,
        path: file.path,
        line,
        effect: json.json.effect,
        message: annotations.message,
        text,
      };
      seen.set(id, policy);
      inFile.push({ policy, offset });
    });

    if (inFile.length === 0) continue;
    const checked = validate({
      schema,
      validationSettings: { mode: 'strict' },
      policies: { staticPolicies: Object.fromEntries(inFile.map(p => [p.policy.id, p.policy.text])) },
    });
    if (checked.type === 'failure') {
      errors.push({ path: file.path, message: checked.errors.map(describe).join('; ') });
      continue;
    }
    const invalid = new Set<string>();
    const fileErrors: SourceFileError[] = [];
    for (const v of checked.validationErrors) {
      const entry = inFile.find(p => p.policy.id === v.policyId);
      const start = firstOffset(v.error);
      const line =
        entry && start !== undefined ? lineAt(file.text, entry.offset + start) : entry?.policy.line;
      invalid.add(v.policyId);
      fileErrors.push({ path: file.path, line, message: `policy "${v.policyId}": ${describe(v.error)}` });
    }
    errors.push(...fileErrors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
    policies.push(...inFile.filter(p => !invalid.has(p.policy.id)).map(p => p.policy));
  }
  return { policies, errors };
}
