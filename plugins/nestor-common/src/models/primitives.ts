import { z } from 'zod';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/**
 * A DNS-1123 label: lower case alphanumerics and '-', at most 63 characters.
 * @public
 */
export const dnsLabelSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(DNS_LABEL, 'must be a DNS-1123 label (lower case letters, digits and "-", starting and ending with a letter or digit)');

/**
 * A team id: the name of a Backstage Group entity.
 * @public
 */
export const teamIdSchema = dnsLabelSchema.describe('team id (= Backstage Group name)');

/**
 * A resource type such as `database.postgresql`.
 * @public
 */
export const resourceTypeSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]+([.-][a-z0-9]+)*$/, 'must be dot-separated lower case words, e.g. "database.postgresql"');

/**
 * A concrete semantic version (`1.4.0`).
 * @public
 */
export const semverSchema = z.string().regex(SEMVER, 'must be a semantic version such as 1.4.0');

/**
 * A semver range (`^1.4.0`, `>=1.0.0 <2.0.0`). Checked syntactically here and
 * strictly (with the `semver` package) by the backend.
 * @public
 */
export const semverRangeSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[0-9xX*^~<>=|.\s\w+-]+$/, 'must be a semver range such as ">=1.0.0 <2.0.0"');

/**
 * An environment name such as `dev` or `prod`.
 * @public
 */
export const environmentSchema = dnsLabelSchema.describe('environment name');

/** Deployment ref `<team>/<environment>/<name>`. @public */
export const deploymentRefSchema = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a deployment ref "<team>/<environment>/<name>"',
  );

/** A JSON object with unknown content. @public */
export const jsonObjectSchema = z.record(z.string(), z.unknown());
