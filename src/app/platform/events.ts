/** A window event fired when something was added to the outbox, so the sync scheduler runs soon. */
export const OUTBOX_CHANGED = 'civic-inspect:outbox-changed';

export function announceOutboxChanged(): void {
  window.dispatchEvent(new Event(OUTBOX_CHANGED));
}
