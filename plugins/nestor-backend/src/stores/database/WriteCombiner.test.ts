import { WriteCombiner } from './WriteCombiner';

/** A write that records its groups and waits until released. */
function recordingWrite() {
  const groups: number[][] = [];
  const releases: Array<() => void> = [];
  const write = async (items: number[]) => {
    groups.push(items);
    await new Promise<void>(resolve => releases.push(resolve));
    if (items.includes(-1)) throw new Error('bad item -1');
    return items.map(i => i * 10);
  };
  // lets queued callbacks run; returns how many writes wait to be released
  const settled = async () => {
    await new Promise(r => setImmediate(r));
    return releases.length;
  };
  // releases writes until none is left waiting
  const releaseAll = async () => {
    while ((await settled()) > 0) releases.splice(0).forEach(r => r());
  };
  return { groups, write, releaseAll, settled };
}

describe('WriteCombiner', () => {
  it('writes a batch that arrives while nothing is written at once, alone', async () => {
    const w = recordingWrite();
    const combiner = new WriteCombiner(w.write, { maxItems: 100 });
    const first = combiner.add([1, 2]);
    await w.settled();
    expect(w.groups).toEqual([[1, 2]]);
    await w.releaseAll();
    await expect(first).resolves.toEqual([10, 20]);
  });

  it('combines the batches that wait for a write into the next one, in arrival order, each caller getting its own results', async () => {
    const w = recordingWrite();
    const combiner = new WriteCombiner(w.write, { maxItems: 100 });
    const first = combiner.add([1]);
    const second = combiner.add([2, 3]);
    const third = combiner.add([4]);
    await w.settled();
    expect(w.groups).toEqual([[1]]);
    await w.releaseAll();
    expect(w.groups).toEqual([[1], [2, 3, 4]]);
    await expect(first).resolves.toEqual([10]);
    await expect(second).resolves.toEqual([20, 30]);
    await expect(third).resolves.toEqual([40]);
  });

  it('keeps whole batches within maxItems, and writes a larger batch alone', async () => {
    const w = recordingWrite();
    const combiner = new WriteCombiner(w.write, { maxItems: 3 });
    const results = [
      combiner.add([1]),
      combiner.add([2, 3]),
      combiner.add([4, 5]),
      combiner.add([6, 7, 8, 9]),
      combiner.add([10]),
    ];
    await w.releaseAll();
    expect(w.groups).toEqual([[1], [2, 3], [4, 5], [6, 7, 8, 9], [10]]);
    expect(await Promise.all(results)).toEqual([
      [10],
      [20, 30],
      [40, 50],
      [60, 70, 80, 90],
      [100],
    ]);
  });

  it('writes each batch of a failed combined write again alone, so only the bad batch fails', async () => {
    const w = recordingWrite();
    const combiner = new WriteCombiner(w.write, { maxItems: 100 });
    const first = combiner.add([1]);
    const good = combiner.add([2]);
    const bad = combiner.add([-1, 3]);
    const later = combiner.add([4]);
    const outcomes = Promise.allSettled([first, good, bad, later]);
    await w.releaseAll();
    const [a, b, c, d] = await outcomes;
    expect(a).toEqual({ status: 'fulfilled', value: [10] });
    expect(b).toEqual({ status: 'fulfilled', value: [20] });
    expect(c).toMatchObject({
      status: 'rejected',
      reason: new Error('bad item -1'),
    });
    expect(d).toEqual({ status: 'fulfilled', value: [40] });
    expect(w.groups).toEqual([[1], [2, -1, 3, 4], [2], [-1, 3], [4]]);
  });

  it('goes on writing after a failure', async () => {
    const w = recordingWrite();
    const combiner = new WriteCombiner(w.write, { maxItems: 100 });
    const bad = combiner.add([-1]).catch((error: Error) => error.message);
    await w.releaseAll();
    expect(await bad).toBe('bad item -1');
    const next = combiner.add([5]);
    await w.releaseAll();
    await expect(next).resolves.toEqual([50]);
  });
});
