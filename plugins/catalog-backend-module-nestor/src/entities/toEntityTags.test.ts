import { toEntityTags } from './toEntityTags';

describe('toEntityTags', () => {
  it('folds dash runs, trims dashes and drops duplicates', () => {
    expect(
      toEntityTags([
        'sql',
        '--edge--case-',
        'a---b',
        'sql',
        'c++',
        'k8s:cluster',
      ]),
    ).toEqual(['sql', 'edge-case', 'a-b', 'c++', 'k8s:cluster']);
  });

  it('drops what stays invalid: empty and over-long tags', () => {
    expect(toEntityTags(['---', 'x'.repeat(64), 'ok'])).toEqual(['ok']);
  });
});
