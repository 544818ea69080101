import { parseSourceFile } from './parseSourceFile';

describe('parseSourceFile', () => {
  it('returns every document of a multi-document file with the line it starts on', () => {
    const text = ['a: 1', '---', '# comment', 'b: 2', '---', 'c:', '  d: 3', ''].join('\n');
    const { documents, errors } = parseSourceFile('x.yaml', text);

    expect(errors).toEqual([]);
    expect(documents.map(d => [d.index, d.line, d.value])).toEqual([
      [0, 1, { a: 1 }],
      [1, 4, { b: 2 }],
      [2, 6, { c: { d: 3 } }],
    ]);
  });

  it('keeps the good documents when one has a syntax error, and names its line', () => {
    const text = ['name: good', '---', 'name: [unclosed', 'other: 1', '---', 'name: also-good', ''].join('\n');
    const { documents, errors } = parseSourceFile('defs/x.yaml', text);

    expect(documents.map(d => d.value)).toEqual([{ name: 'good' }, { name: 'also-good' }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'defs/x.yaml', message: expect.stringMatching(/YAML syntax error in document 2/) });
    expect(errors[0].line).toBeGreaterThanOrEqual(3);
    expect(errors[0].line).toBeLessThanOrEqual(5);
  });

  it('reports duplicate keys with their line', () => {
    const { documents, errors } = parseSourceFile('x.yaml', 'a: 1\nb: 2\na: 3\n');
    expect(documents).toEqual([]);
    expect(errors).toEqual([{ path: 'x.yaml', line: 3, message: expect.stringMatching(/unique/) }]);
  });

  it('refuses alias bombs instead of expanding them', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      '',
    ].join('\n');
    const { documents, errors } = parseSourceFile('bomb.yaml', bomb);
    expect(documents).toEqual([]);
    expect(errors).toEqual([{ path: 'bomb.yaml', line: 1, message: expect.stringMatching(/cannot be read: .*alias/i) }]);
  });

  it('refuses files over the size limit and files with too many documents', () => {
    expect(parseSourceFile('big.yaml', `a: "${'x'.repeat(200)}"`, { maxFileBytes: 100 }).errors).toEqual([
      { path: 'big.yaml', message: 'file is 205 bytes, more than the limit of 100' },
    ]);
    expect(parseSourceFile('many.yaml', 'a: 1\n---\nb: 2\n---\nc: 3\n', { maxDocuments: 2 }).errors).toEqual([
      { path: 'many.yaml', line: 1, message: 'file has 3 documents, more than the limit of 2' },
    ]);
  });

  it('refuses binary content', () => {
    expect(parseSourceFile('x.yaml', Buffer.from([0x61, 0x00, 0x62])).errors[0].message).toMatch(/not a text file/);
  });

  it('refuses text that is not UTF-8, naming the line and column of the first bad byte', () => {
    const latin1 = Buffer.concat([Buffer.from('a: 1\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    expect(parseSourceFile('x.yaml', latin1).errors).toEqual([
      { path: 'x.yaml', line: 2, message: 'not UTF-8 text: byte 0xE9 at line 2, column 10 (files must be UTF-8)' },
    ]);
    // an overlong encoding of "/" and an encoded UTF-16 surrogate are not UTF-8 either
    expect(parseSourceFile('x.yaml', Buffer.from([0x61, 0x3a, 0x20, 0xc0, 0xaf])).errors[0].message).toMatch(/byte 0xC0 at line 1, column 4/);
    expect(parseSourceFile('x.yaml', Buffer.from([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80])).errors[0].message).toMatch(/byte 0xED/);
    // a byte order mark and multi-byte characters are fine (the mark used to hide the whole document)
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name: café ☕ 𝄞\n')]);
    expect(parseSourceFile('x.yaml', bom)).toMatchObject({ errors: [], documents: [{ value: { name: 'café ☕ 𝄞' } }] });
  });

  it('refuses a file with more document starts than the limit before parsing it, naming the first one over', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `---\na${i}: 1`).join('\n');
    expect(parseSourceFile('many.yaml', text, { maxDocuments: 1000 }).errors).toEqual([
      { path: 'many.yaml', line: 2001, message: 'file has more than 1000 documents (the limit); document 1001 starts here' },
    ]);
  });

  describe('nesting', () => {
    const flow = (depth: number) => `a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;

    it('keeps documents up to the depth limit and refuses deeper ones, with a line', () => {
      // the top-level mapping is level 1
      expect(parseSourceFile('x.yaml', flow(9), { maxDepth: 10 }).errors).toEqual([]);
      expect(parseSourceFile('x.yaml', flow(10), { maxDepth: 10 }).errors).toEqual([
        { path: 'x.yaml', line: 1, message: 'YAML error in document 1: collections nested deeper than the limit of 10 levels' },
      ]);
      const indented = ['a:', ...Array.from({ length: 12 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`), `${' '.repeat(13)}v`].join('\n');
      expect(parseSourceFile('x.yaml', indented, { maxDepth: 10 }).errors).toEqual([
        { path: 'x.yaml', line: 11, message: 'YAML error in document 1: collections nested deeper than the limit of 10 levels' },
      ]);
    });

    it('refuses half a million levels of flow or compact nesting without building them', () => {
      const limit = 1024 * 1024 + 16;
      const deepFlow = parseSourceFile('x.yaml', flow(500_000), { maxFileBytes: limit });
      expect(deepFlow.errors[0].message).toBe('YAML error: collections nested deeper than the limit of 64 levels');
      const compact = parseSourceFile('x.yaml', `a:\n${'- '.repeat(500_000)}x\n`, { maxFileBytes: limit });
      expect(compact.errors).toEqual([{ path: 'x.yaml', line: 2, message: 'YAML error: collections nested deeper than the limit of 64 levels' }]);
    });

    it('does not count brackets or dashes inside scalars and comments', () => {
      const text = `a: "${'['.repeat(100)}"\nb: |\n  ${'- '.repeat(100)}\n# ${'{'.repeat(100)}\nc: x${'['.repeat(100)}\n`;
      expect(parseSourceFile('x.yaml', `${text}d: &anchor 1\n`).errors).toEqual([]);
    });

    it('refuses aliases that nest what they point at beyond the limit', () => {
      const text = `a: &a ${'['.repeat(8)}${']'.repeat(8)}\nb: ${'['.repeat(8)}*a${']'.repeat(8)}\n`;
      expect(parseSourceFile('x.yaml', text, { maxDepth: 12 }).errors).toEqual([
        { path: 'x.yaml', line: 1, message: 'document 1 cannot be read: once its aliases are resolved, collections nested deeper than the limit of 12 levels' },
      ]);
    });
  });

  it('finds a duplicate key in a mapping of 40,000 keys read by the thorough parser', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: v`);
    const text = ['anchor: &a x', ...keys, 'k123: again', ''].join('\n');
    expect(parseSourceFile('x.yaml', text).errors).toEqual([
      { path: 'x.yaml', line: 40_002, message: 'YAML error in document 1: Map keys must be unique ("k123" is repeated)' },
    ]);
    // keys of different types do not clash, as in the yaml package
    expect(parseSourceFile('x.yaml', 'a: &a 1\n1: x\n"1": y\n').documents[0].value).toEqual({ a: 1, 1: 'y' });
  });

  it('skips documents that hold only comments', () => {
    const { documents, errors } = parseSourceFile('x.yaml', 'a: 1\n---\n# nothing here\n---\n');
    expect(errors).toEqual([]);
    expect(documents.map(d => d.value)).toEqual([{ a: 1 }]);
  });

  it('finds the line of a nested field, or of its nearest existing parent', () => {
    const text = ['kind: X', 'spec:', '  list:', '    - a: 1', '    - b:', '        deep: true', ''].join('\n');
    const [doc] = parseSourceFile('x.yaml', text).documents;
    expect(doc.lineOf(['spec'])).toBe(2);
    expect(doc.lineOf(['spec', 'list', 1, 'b', 'deep'])).toBe(6);
    expect(doc.lineOf(['spec', 'list', 1, 'missing'])).toBe(5);
    expect(doc.lineOf(['nothing'])).toBe(1);
  });

  describe('fast and thorough paths', () => {
    // a comment naming an anchor sends a file down the thorough path
    const thorough = (text: string) => parseSourceFile('x.yaml', `${text}\n# &force-thorough\n`);
    const samples = [
      'a: 1\nb: [x, y]\n',
      '# leading comment\n\n---\nname: first\nlist:\n  - when: 2024-01-01\n    on: yes\n---\n# only a comment\n---\nname: third\n',
      '--- {inline: true}\n...\nafter: end-marker\n',
      'text: |\n  line one\n  --- not a marker\nnum: 0o14\n',
    ];

    it.each(samples.map(s => [s]))('give the same documents and lines for %j', text => {
      const fast = parseSourceFile('x.yaml', text);
      const slow = thorough(text);
      expect(fast.errors).toEqual([]);
      expect(fast.documents.map(d => [d.line, d.value])).toEqual(slow.documents.map(d => [d.line, d.value]));
    });

    it('keep YAML 1.2 core types: dates and yes/no stay strings', () => {
      const [doc] = parseSourceFile('x.yaml', 'when: 2024-01-01\nok: yes\nn: 010\n').documents;
      expect(doc.value).toEqual({ when: '2024-01-01', ok: 'yes', n: 10 });
    });

    it('find field lines for documents read on the fast path', () => {
      const text = ['a: 1', '---', 'kind: X', 'spec:', '  deep:', '    field: 1', ''].join('\n');
      const [, second] = parseSourceFile('x.yaml', text).documents;
      expect(second.line).toBe(3);
      expect(second.lineOf(['spec', 'deep', 'field'])).toBe(6);
    });

    it('refuses anchored aliases beyond the limit even though anchors are rare', () => {
      const text = 'a: &a [1, 2]\nb: [*a, *a, *a]\n';
      expect(parseSourceFile('x.yaml', text, { maxAliasCount: 2 }).errors[0].message).toMatch(/alias/i);
      expect(parseSourceFile('x.yaml', text).documents[0].value).toEqual({ a: [1, 2], b: [[1, 2], [1, 2], [1, 2]] });
    });
  });
});
