/**
 * scrypt off libuv's threadpool: a few dedicated worker threads with a bounded queue.
 *
 * Node's async `crypto.scrypt` runs on libuv's threadpool (4 threads by default), the same
 * threads that do every file read and write. A flood of sign-ins then queues photo reads behind
 * 100-ms hashes (a photo GET went from 3 ms to 3 s). Here each worker runs `scryptSync` on its
 * own thread, so file I/O never waits for a hash, and at most `workers + maxWaiting` hashes are
 * admitted at once: sign-in reserves a slot before it touches the database and is answered 503
 * with Retry-After when none is left (API.md "Sign-in limits").
 *
 * The workers are started on first use; idle ones do not keep the process alive. `close()`
 * (the app's onClose) ends them and fails whatever still waits.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ScryptCost } from './passwords';

/** One hash, as the worker receives it. */
interface Job {
  id: number;
  password: string;
  salt: Uint8Array;
  keyLength: number;
  cost: ScryptCost;
  /** When a worker took it (performance.now()). */
  startedAt?: number;
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

/** CommonJS, evaluated in the worker: `scryptSync` blocks the worker's own thread, not libuv's pool. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, password, salt, keyLength, cost }) => {
  try {
    const key = scryptSync(password, salt, keyLength, { ...cost, maxmem: 256 * cost.N * cost.r });
    parentPort.postMessage({ id, key: new Uint8Array(key) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

export interface ScryptPoolOptions {
  /** Worker threads; default: the cores less one (for the event loop), 1 to 4. */
  workers?: number;
  /** Hashes that may wait for a worker beyond those running; default 8 per worker. */
  maxWaiting?: number;
}

/** A place in the queue, taken before the work that leads to a hash (see `reserve`). */
export interface Reservation {
  /** Runs the one hash the reservation was for. */
  derive: (password: string, salt: Uint8Array, keyLength: number, cost: ScryptCost) => Promise<Buffer>;
  /** Gives the place back unused (the attempt was refused before hashing). Harmless after `derive`. */
  release: () => void;
}

export class ScryptPool {
  readonly size: number;
  readonly maxWaiting: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  /** Hashes admitted and not finished (running, waiting, or reserved and not started yet). */
  #admitted = 0;
  #nextId = 1;
  #closed = false;
  /** Recent duration of one hash, for Retry-After. */
  #hashMs = 100;

  constructor(options: ScryptPoolOptions = {}) {
    this.size = Math.max(1, options.workers ?? Math.min(4, Math.max(1, availableParallelism() - 1)));
    this.maxWaiting = Math.max(0, options.maxWaiting ?? 8 * this.size);
  }

  /** Hashes admitted now (running, waiting or reserved). */
  get load(): number {
    return this.#admitted;
  }

  /** Seconds until a place is likely free: the queue ahead divided among the workers. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.#admitted * this.#hashMs) / this.size / 1000));
  }

  /**
   * A place for one hash, or undefined when `workers + maxWaiting` are already admitted (the
   * caller answers 503). Taken before any database work, so a refused attempt costs nothing.
   */
  reserve(): Reservation | undefined {
    if (this.#closed || this.#admitted >= this.size + this.maxWaiting) return undefined;
    this.#admitted += 1;
    let used = false;
    return {
      derive: (password, salt, keyLength, cost) => {
        if (used) return Promise.reject(new Error('reservation already used'));
        used = true;
        return this.#run(password, salt, keyLength, cost);
      },
      release: () => {
        if (used) return;
        used = true;
        this.#admitted -= 1;
      },
    };
  }

  /** One hash outside the bound (creating users, rehashing after a sign-in): queued, never refused. */
  derive(password: string, salt: Uint8Array, keyLength: number, cost: ScryptCost): Promise<Buffer> {
    this.#admitted += 1;
    return this.#run(password, salt, keyLength, cost);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('scrypt pool closed'));
    await Promise.all(this.#slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  /** Queues an admitted hash; `#admitted` goes down when it settles. */
  #run(password: string, salt: Uint8Array, keyLength: number, cost: ScryptCost): Promise<Buffer> {
    if (this.#closed) {
      this.#admitted -= 1;
      return Promise.reject(new Error('scrypt pool closed'));
    }
    return new Promise<Buffer>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, password, salt, keyLength, cost, resolve, reject });
      this.#dispatch();
    }).finally(() => {
      this.#admitted -= 1;
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((candidate) => candidate.job === undefined) ?? this.#spawn();
      if (!slot) return;
      const job = this.#queue.shift()!;
      slot.job = job;
      job.startedAt = performance.now();
      slot.worker.ref();
      slot.worker.postMessage({
        id: job.id,
        password: job.password,
        salt: job.salt,
        keyLength: job.keyLength,
        cost: { N: job.cost.N, r: job.cost.r, p: job.cost.p },
      });
    }
  }

  #spawn(): Slot | undefined {
    if (this.#slots.length >= this.size) return undefined;
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true }), job: undefined };
    slot.worker.unref();
    slot.worker.on('message', (message: { id: number; key?: Uint8Array; error?: string }) => {
      const job = slot.job;
      slot.job = undefined;
      slot.worker.unref();
      if (job && job.id === message.id) {
        if (job.startedAt !== undefined) this.#hashMs = Math.max(1, performance.now() - job.startedAt);
        if (message.key) job.resolve(Buffer.from(message.key));
        else job.reject(new Error(message.error ?? 'scrypt failed'));
      }
      this.#dispatch();
    });
    // A worker that dies (out of memory) fails its hash; a new one takes its place.
    const fail = (error: Error) => {
      const index = this.#slots.indexOf(slot);
      if (index >= 0) this.#slots.splice(index, 1);
      slot.job?.reject(error);
      slot.job = undefined;
      if (!this.#closed) this.#dispatch();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => fail(new Error(`scrypt worker exited (${code})`)));
    this.#slots.push(slot);
    return slot;
  }
}
