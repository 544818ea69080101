import { GenerationMemo } from './GenerationMemo';

describe('GenerationMemo', () => {
  let now = 0;
  const memo = () => new GenerationMemo({ ttlMs: 1000, maxEntries: 3, now: () => now });

  beforeEach(() => {
    now = 0;
  });

  it('answers only under the generation a value was read in, and forgets the old one when the generation moves', () => {
    const m = memo();
    m.set('g1', 'list', ['a']);
    expect(m.get('g1', 'list')).toEqual(['a']);
    expect(m.get('g2', 'list')).toBeUndefined();

    m.set('g2', 'list', ['a', 'b']);
    expect(m.get('g2', 'list')).toEqual(['a', 'b']);
    // the old generation is gone, not just shadowed
    expect(m.get('g1', 'list')).toBeUndefined();
    expect(m.size).toBe(1);
  });

  it('keeps a null (a missing item) as a value, apart from a miss', () => {
    const m = memo();
    m.set('g1', 'item:gone', null);
    expect(m.get('g1', 'item:gone')).toBeNull();
    expect(m.get('g1', 'item:other')).toBeUndefined();
  });

  it('lets an entry live at most its TTL', () => {
    const m = memo();
    m.set('g1', 'list', 1);
    now = 999;
    expect(m.get('g1', 'list')).toBe(1);
    now = 1000;
    expect(m.get('g1', 'list')).toBeUndefined();
    expect(m.size).toBe(0);
  });

  it('holds at most maxEntries, dropping the oldest first', () => {
    const m = memo();
    m.set('g1', 'a', 1);
    m.set('g1', 'b', 2);
    m.set('g1', 'c', 3);
    m.set('g1', 'a', 10); // rewritten: now the newest
    m.set('g1', 'd', 4);
    expect(m.size).toBe(3);
    expect(m.get('g1', 'b')).toBeUndefined();
    expect([m.get('g1', 'a'), m.get('g1', 'c'), m.get('g1', 'd')]).toEqual([10, 3, 4]);
  });

  it('makes room by dropping expired entries before live ones', () => {
    const m = memo();
    m.set('g1', 'a', 1);
    now = 500;
    m.set('g1', 'b', 2);
    m.set('g1', 'c', 3);
    now = 1200; // a has expired, b and c have not
    m.set('g1', 'd', 4);
    expect(m.size).toBe(3);
    expect([m.get('g1', 'b'), m.get('g1', 'c'), m.get('g1', 'd')]).toEqual([2, 3, 4]);
  });

  it('forgets everything on clear, even a value of the same generation', () => {
    const m = memo();
    m.set('g1', 'list', 1);
    m.clear();
    expect(m.get('g1', 'list')).toBeUndefined();
    expect(m.size).toBe(0);
  });
});
