/**
 * While a request is in flight, a run gets the batch's next entries going: it reads the bytes
 * of the next few photos (an IndexedDB read takes a few milliseconds before its upload can
 * start; Blobs read from IndexedDB are handles to files, not the bytes), starts the upload of
 * the next entry when it is a photo — so that two photos are on the way at once, the server's
 * write of one overlapping the other's transfer (not on a slow link: the engine's `judgeLink`) —
 * and reads the next entry's group if it starts a new one (progress). A submission is never sent
 * ahead: it goes only after every photo before it has been answered. Nothing here waits for the
 * confirmations written behind; a failure shows when what was read is used.
 */
import type { InFlight } from './in-flight';
import type { PhotoSyncEntry, PhotoUpload, SyncEntry, SyncStore } from './sync-store';

/** How many entries past the current one the run reads photos' bytes for: enough that a read never holds up an upload. */
export const PHOTOS_READ_AHEAD = 4;

export interface ReadAheadOptions {
  store: Pick<SyncStore, 'photoForUpload' | 'entriesOfGroup'>;
  /** Starts a photo's upload (with the run's cancellation and deadline). */
  send: (upload: PhotoUpload) => InFlight;
  /** False while photos go one at a time (a slow link). */
  twoAtOnce: () => boolean;
}

/** A photo to send: its bytes (undefined: no longer on this device) and, if it went ahead, its request. */
export interface PhotoToSend {
  upload: Promise<PhotoUpload | undefined>;
  /** Undefined when the photo is missing locally, or the run gave it up before it was read. */
  sending?: Promise<InFlight | undefined>;
}

/** The next photo, already on its way while the current request is in flight. */
interface PhotoAhead extends Required<PhotoToSend> {
  seq: number;
  /** The run will not get to it (it stopped): abort it, or never send it; its entry stays untouched. */
  giveUp(): void;
}

export type ReadAhead = ReturnType<typeof createReadAhead>;

/** One run's read-ahead. */
export function createReadAhead({ store, send, twoAtOnce }: ReadAheadOptions) {
  let coming: readonly SyncEntry[] = [];
  const reads = new Map<number, Promise<PhotoUpload | undefined>>();
  let ahead: PhotoAhead | undefined;
  let groupAhead: { groupId: string; entries: Promise<SyncEntry[]> } | undefined;

  const readPhoto = (entry: PhotoSyncEntry) => {
    const read = reads.get(entry.seq);
    reads.delete(entry.seq);
    return read ?? store.photoForUpload(entry.key);
  };

  const sendAhead = (next: PhotoSyncEntry): PhotoAhead => {
    const upload = readPhoto(next);
    let givenUp = false;
    const sending = upload.then((found) => (found && !givenUp ? send(found) : undefined));
    sending.catch(() => undefined);
    const giveUp = () => {
      givenUp = true; // not sent at all if its bytes are still being read
      sending.then(
        (inFlight) => inFlight?.cancel(),
        () => undefined,
      );
    };
    return { seq: next.seq, upload, sending, giveUp };
  };

  return {
    /** The entries the batch goes on with after the current one. */
    setComing(entries: readonly SyncEntry[]): void {
      coming = entries;
    },

    /** Gets the coming entries going (see the header); `attempted` and `counted` say what is done already. */
    look(attempted: ReadonlySet<number>, counted: (groupId: string) => boolean): void {
      for (const entry of coming) {
        if (entry.kind !== 'photo' || attempted.has(entry.seq) || reads.has(entry.seq)) continue;
        const upload = store.photoForUpload(entry.key);
        upload.catch(() => undefined);
        reads.set(entry.seq, upload);
      }
      const next = coming[0];
      if (!next || attempted.has(next.seq)) return;
      if (next.kind === 'photo' && twoAtOnce() && ahead?.seq !== next.seq) ahead = sendAhead(next);
      if (!counted(next.groupId) && groupAhead?.groupId !== next.groupId) {
        const entries = store.entriesOfGroup(next.groupId);
        entries.catch(() => undefined);
        groupAhead = { groupId: next.groupId, entries };
      }
    },

    /** A photo about to be sent: sent ahead already, read ahead, or read now. */
    take(entry: PhotoSyncEntry): PhotoToSend {
      if (ahead?.seq !== entry.seq) return { upload: readPhoto(entry) };
      const taken = ahead;
      ahead = undefined;
      return { upload: taken.upload, sending: taken.sending };
    },

    /** A group's entries: read ahead already, or now. */
    groupEntries(groupId: string): Promise<SyncEntry[]> {
      const read = groupAhead?.groupId === groupId ? groupAhead.entries : undefined;
      groupAhead = undefined;
      return read ?? store.entriesOfGroup(groupId);
    },

    /** The group's photos changed (requeued): what was read of it is stale. */
    forgetGroup(groupId: string): void {
      if (groupAhead?.groupId === groupId) groupAhead = undefined;
    },

    /** The run ended: the photo sent ahead is aborted (or never sent), nothing else is used. */
    stop(): void {
      ahead?.giveUp();
      ahead = undefined;
      reads.clear();
      groupAhead = undefined;
    },
  };
}
