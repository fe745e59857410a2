import { describe, expect, it } from 'vitest';
import { createConfirmationQueue, MAX_HELD } from './confirmation-queue';
import { tick } from './test-support/fixtures';
import type { Timers } from './timers';

/** A markDone whose writes finish only when the test says so. */
function controlledWrites() {
  const writes: { seqs: readonly number[]; now: number; finish: (error?: Error) => void }[] = [];
  const markDone = (seqs: readonly number[], now: number) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ seqs: [...seqs], now, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { writes, markDone, seqs: () => writes.map((write) => write.seqs) };
}

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      pending.set(++next, { callback, ms });
      return next;
    },
    clearTimeout: (handle) => pending.delete(handle as number),
  };
  const fire = () => {
    const due = [...pending.values()];
    pending.clear();
    due.forEach(({ callback }) => callback());
  };
  return { timers, pending, fire };
}

describe('createConfirmationQueue', () => {
  it('lets confirmations wait up to holdMs from the oldest, then writes them all in one write, in order', async () => {
    const { writes, markDone, seqs } = controlledWrites();
    const { timers, pending, fire } = manualTimers();
    const queue = createConfirmationQueue(markDone, { timers, holdMs: 1000 });
    queue.add(1, 100);
    queue.add(2, 101);
    queue.add(3, 102);
    await tick();
    expect(seqs()).toEqual([]);
    expect([...pending.values()].map((timer) => timer.ms)).toEqual([1000]); // one timer, from the oldest
    fire();
    await tick();
    expect(seqs()).toEqual([[1, 2, 3]]);
    expect(writes[0]!.now).toBe(102);
    writes[0]!.finish();
    await queue.flushed();
  });

  it('writes one at a time: what is answered during a write waits for the next one', async () => {
    const { writes, markDone, seqs } = controlledWrites();
    const { timers, fire } = manualTimers();
    const queue = createConfirmationQueue(markDone, { timers });
    queue.add(1, 100);
    fire();
    await tick();
    queue.add(2, 101);
    queue.add(3, 102);
    fire();
    await tick();
    expect(seqs()).toEqual([[1]]);
    writes[0]!.finish();
    await tick();
    expect(seqs()).toEqual([[1], [2, 3]]);
    const flushed = queue.flushed();
    writes[1]!.finish();
    await expect(flushed).resolves.toBeUndefined();
  });

  it('writes at once when MAX_HELD wait, on flush, and on writeNow (page hidden)', async () => {
    const { writes, markDone, seqs } = controlledWrites();
    const { timers, pending } = manualTimers();
    const queue = createConfirmationQueue(markDone, { timers });
    for (let seq = 1; seq <= MAX_HELD; seq++) queue.add(seq, 200);
    await tick();
    expect(seqs()[0]).toHaveLength(MAX_HELD);
    expect(pending.size).toBe(0);
    writes[0]!.finish();

    queue.add(98, 300);
    queue.writeNow();
    await tick();
    expect(seqs()[1]).toEqual([98]);
    expect(pending.size).toBe(0);
    writes[1]!.finish();

    queue.add(99, 400);
    const flushed = queue.flushed();
    await tick();
    expect(seqs()[2]).toEqual([99]);
    writes[2]!.finish();
    await expect(flushed).resolves.toBeUndefined();
  });

  it('reports a failed write once, to the next flush, and goes on writing later confirmations', async () => {
    const { writes, markDone, seqs } = controlledWrites();
    const { timers, fire } = manualTimers();
    const queue = createConfirmationQueue(markDone, { timers });
    queue.add(1, 100);
    queue.writeNow(); // does not take the failure away from the engine
    await tick();
    writes[0]!.finish(new Error('QuotaExceededError'));
    await tick();
    expect(queue.failed).toBe(true);
    await expect(queue.flushed()).rejects.toThrow('QuotaExceededError');
    expect(queue.failed).toBe(false);
    queue.add(2, 101);
    fire();
    await tick();
    writes[1]!.finish();
    await expect(queue.flushed()).resolves.toBeUndefined();
    expect(seqs()).toEqual([[1], [2]]);
  });

  it('flushes at once when nothing is queued', async () => {
    const queue = createConfirmationQueue(() => Promise.reject(new Error('never called')), manualTimers());
    await expect(queue.flushed()).resolves.toBeUndefined();
  });
});
