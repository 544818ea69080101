/**
 * Jest runs a test file in its own JavaScript realm, but Node's global
 * `fetch` belongs to the main one: the objects `response.json()` builds
 * have another `Object.prototype`. The scaffolder's template engine
 * refuses such values in step outputs ("Only plain records can be used as
 * template values"), which a backend running outside Jest never sees. For
 * the suite, `fetch` answers JSON parsed in the test's realm.
 */
export function useSameRealmFetch(): void {
  const original = globalThis.fetch;
  beforeAll(() => {
    globalThis.fetch = async (input, init) => {
      const response = await original(input, init);
      const json = async () => JSON.parse(await response.text());
      return new Proxy(response, {
        get: (target, key) =>
          key === 'json' ? json : Reflect.get(target, key, target),
      });
    };
  });
  afterAll(() => {
    globalThis.fetch = original;
  });
}
