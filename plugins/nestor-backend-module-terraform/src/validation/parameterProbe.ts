type JsonSchema = { type?: unknown; properties?: Record<string, JsonSchema> };

/**
 * Stand-in parameters for checking `${param}` references before any order
 * exists: one value per parameter of the item's schema, nested objects for
 * parameters with declared `properties` (so `${tags.team}` resolves when the
 * schema declares `tags.team`), an empty string for the others.
 * @public
 */
export function parameterProbe(schema: unknown): Record<string, unknown> {
  const properties = (schema as JsonSchema | undefined)?.properties ?? {};
  return Object.fromEntries(
    Object.entries(properties).map(([name, child]) => [
      name,
      child?.properties ? parameterProbe(child) : '',
    ]),
  );
}
