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
