import { substituteParameters } from './substituteParameters';

describe('substituteParameters', () => {
  const parameters = { replicas: 3, name: 'orders', tls: { enabled: true, issuer: 'letsencrypt' }, tags: ['a', 'b'], empty: null };

  it('keeps the type of a value that is one reference', () => {
    const { value } = substituteParameters({ replicaCount: '${replicas}', tls: '${tls}', enabled: '${tls.enabled}' }, parameters);
    expect(value).toEqual({ replicaCount: 3, tls: { enabled: true, issuer: 'letsencrypt' }, enabled: true });
  });

  it('formats references inside longer strings, objects as JSON', () => {
    const { value } = substituteParameters(['${name}-db', '${replicas}Gi', 'tags=${tags}', 'x${empty}y'], parameters);
    expect(value).toEqual(['orders-db', '3Gi', 'tags=["a","b"]', 'xy']);
  });

  it('walks nested arrays and objects and reports the parameters used', () => {
    const result = substituteParameters({ a: [{ b: { c: '${name}' } }], d: 5, e: true, f: null }, parameters);
    expect(result.value).toEqual({ a: [{ b: { c: 'orders' } }], d: 5, e: true, f: null });
    expect([...result.used]).toEqual(['name']);
  });

  it('leaves references to things that are not parameters alone and lists them', () => {
    const result = substituteParameters({ ns: '${ns.metadata.name}', url: 'https://${bucket.domain}/${name}' }, parameters);
    expect(result.value).toEqual({ ns: '${ns.metadata.name}', url: 'https://${bucket.domain}/orders' });
    expect(result.unresolved).toEqual(['ns.metadata.name', 'bucket.domain']);
  });

  it('keeps $${ escapes for Pulumi and turns them into ${ when asked', () => {
    expect(substituteParameters('$${name} ${name}', parameters).value).toBe('$${name} orders');
    expect(substituteParameters('$${name} ${name}', parameters, { unescape: true }).value).toBe('${name} orders');
  });

  it('refuses a path into a parameter that does not have it', () => {
    expect(() => substituteParameters('${tls.missing}', parameters)).toThrow('${tls.missing}: parameter "tls" has no field "missing"');
    expect(() => substituteParameters('${name.length}', parameters)).toThrow('parameter "name" has no field "length"');
  });

  it('does not read inherited properties as parameters', () => {
    const result = substituteParameters('${toString}', parameters);
    expect(result.value).toBe('${toString}');
    expect(result.unresolved).toEqual(['toString']);
  });
});
