import { describe, expect, it } from 'vitest';
import { createConfirmationQueue, MAX_HELD } from './confirmation-queue';
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

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createConfirmationQueue', () => {
  it('writes the first confirmation at once and those that arrive meanwhile together, in order', async () => {
    const { writes, markDone, seqs } = controlledWrites();
    const queue = createConfirmationQueue(markDone, manualTimers());
    queue.add(1, 100);
    await tick();
    queue.add(2, 101);
    queue.add(3, 102);
    await tick();
    expect(seqs()).toEqual([[1]]); // one write at a time
    writes[0]!.finish();
    await tick();
    expect(seqs()).toEqual([[1], [2, 3]]);
    expect(writes[1]!.now).toBe(102);
    const flushed = queue.flushed();
    writes[1]!.finish();
    await expect(flushed).resolves.toBeUndefined();
  });

  it("holds a photo's confirmation for its submission's: one write for the group", async () => {
    const { writes, markDone, seqs } = controlledWrites();
    const { timers, pending } = manualTimers();
    const queue = createConfirmationQueue(markDone, { timers, holdMs: 500 });
    queue.add(1, 100, { hold: true });
    queue.add(2, 101, { hold: true });
    await tick();
    expect(seqs()).toEqual([]);
    expect([...pending.values()].map((timer) => timer.ms)).toEqual([500]); // one timer for the held ones
    queue.add(3, 102); // the submission
    await tick();
    expect(seqs()).toEqual([[1, 2, 3]]);
    expect(pending.size).toBe(0);
    writes[0]!.finish();
    await queue.flushed();
  });

  it('writes held confirmations when the hold runs out (a slow next upload), when many wait, and on flush', async () => {
    const { writes, markDone, seqs } = controlledWrites();
    const { timers, fire } = manualTimers();
    const queue = createConfirmationQueue(markDone, { timers });
    queue.add(1, 100, { hold: true });
    fire();
    await tick();
    expect(seqs()).toEqual([[1]]);
    writes[0]!.finish();

    for (let seq = 10; seq < 10 + MAX_HELD; seq++) queue.add(seq, 200, { hold: true });
    await tick();
    expect(seqs()[1]).toHaveLength(MAX_HELD);
    writes[1]!.finish();

    queue.add(99, 300, { hold: true });
    const flushed = queue.flushed();
    await tick();
    expect(seqs()[2]).toEqual([99]);
    writes[2]!.finish();
    await expect(flushed).resolves.toBeUndefined();
  });

  it('reports a failed write once, to the next flush, and goes on writing later confirmations', async () => {
    const { writes, markDone, seqs } = controlledWrites();
    const queue = createConfirmationQueue(markDone, manualTimers());
    queue.add(1, 100);
    await tick();
    writes[0]!.finish(new Error('QuotaExceededError'));
    await tick();
    expect(queue.failed).toBe(true);
    await expect(queue.flushed()).rejects.toThrow('QuotaExceededError');
    expect(queue.failed).toBe(false);
    queue.add(2, 101);
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
