/**
 * Stores a list of names (teams, tags) as `,a,b,` so that one name can be
 * matched with `LIKE '%,a,%'` without matching `a-longer-name`.
 */
export function toDelimitedList(values: readonly string[]): string {
  return `,${values.join(',')},`;
}

/** Reads back what {@link toDelimitedList} wrote. */
export function fromDelimitedList(text: string): string[] {
  return text.split(',').filter(v => v.length > 0);
}
