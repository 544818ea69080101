import { EventStreamMessage, EventStreamParser } from './EventStreamParser';

function parse(chunks: string[]) {
  const messages: EventStreamMessage[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  const parser = new EventStreamParser(m => messages.push(m), {
    onRetry: ms => retries.push(ms),
    onComment: c => comments.push(c),
  });
  for (const chunk of chunks) parser.feed(chunk);
  return { messages, retries, comments, parser };
}

const STREAM =
  'retry: 2500\n\n' +
  ': heartbeat\n\n' +
  'id: 1\nevent: deployment.created\ndata: {"id":1}\n\n' +
  'id: 2\r\nevent: deployment.phase\r\ndata: {"a":\r\ndata: 2}\r\n\r\n' +
  'id: 3\revent: catalog.updated\rdata: {"id":3}\r\r' +
  'data: no id or event\n\n';

const EXPECTED: EventStreamMessage[] = [
  { id: '1', event: 'deployment.created', data: '{"id":1}' },
  { id: '2', event: 'deployment.phase', data: '{"a":\n2}' },
  { id: '3', event: 'catalog.updated', data: '{"id":3}' },
  // the last event id carries over to later messages
  { id: '3', event: 'message', data: 'no id or event' },
];

describe('EventStreamParser', () => {
  it('parses messages with LF, CRLF and CR line ends, comments and retry hints', () => {
    const { messages, retries, comments } = parse([STREAM]);
    expect(messages).toEqual(EXPECTED);
    expect(retries).toEqual([2500]);
    expect(comments).toEqual(['heartbeat']);
  });

  it('gives the same messages however the stream is split into chunks', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      const { messages, retries } = parse([STREAM.slice(0, cut), STREAM.slice(cut)]);
      expect({ cut, messages, retries }).toEqual({ cut, messages: EXPECTED, retries: [2500] });
    }
    const { messages } = parse(STREAM.split(''));
    expect(messages).toEqual(EXPECTED);
  });

  it('treats a CR at the end of a chunk as possibly half of a CRLF', () => {
    const { messages } = parse(['data: a\r', '\n\r', '\n']);
    expect(messages).toEqual([{ id: undefined, event: 'message', data: 'a' }]);
  });

  it('dispatches nothing for a block without data, and keeps a partial message until its blank line', () => {
    const { messages, parser } = parse(['event: lonely\n\nid: 7\n\ndata: half']);
    expect(messages).toEqual([]);
    parser.feed('\n\n');
    expect(messages).toEqual([{ id: '7', event: 'message', data: 'half' }]);
  });

  it('keeps an empty data line as an empty string and strips only one leading space', () => {
    const { messages } = parse(['data\n\ndata:  two spaces\ndata:\n\n']);
    expect(messages).toEqual([
      { id: undefined, event: 'message', data: '' },
      { id: undefined, event: 'message', data: ' two spaces\n' },
    ]);
  });

  it('ignores unknown fields, non-numeric retry values and ids containing NUL', () => {
    const { messages, retries } = parse(['id: 5\nfoo: bar\nretry: soon\nid: x\u0000y\ndata: d\n\n']);
    expect(messages).toEqual([{ id: '5', event: 'message', data: 'd' }]);
    expect(retries).toEqual([]);
  });

  it('drops a byte order mark at the start of the stream only', () => {
    const { messages } = parse(['\ufeffdata: a\n\n', '\ufeffdata: b\n\n']);
    expect(messages.map(m => m.data)).toEqual(['a']);
  });

  it('forgets a half-built message on reset', () => {
    const { messages, parser } = parse(['id: 9\nevent: x\ndata: partial\n', 'data: more']);
    parser.reset();
    parser.feed('data: fresh\n\n');
    expect(messages).toEqual([{ id: '9', event: 'message', data: 'fresh' }]);
    expect(parser.lastEventId).toBe('9');
  });

  it('parses one 20,000-message chunk without CRs', () => {
    const count = 20000;
    const big = Array.from({ length: count }, (_, i) => `id: ${i + 1}\nevent: e\ndata: {"i":${i}}\n\n`).join('');
    const { messages } = parse([big]);
    expect(messages).toHaveLength(count);
    expect(messages[count - 1]).toEqual({ id: String(count), event: 'e', data: `{"i":${count - 1}}` });
  });
});
