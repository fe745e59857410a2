import { useEffect, useRef } from 'react';

export interface UndoBarProps {
  /** What was just done, e.g. "Photo deleted". */
  message: string;
  undoLabel: string;
  onUndo: () => void;
  /** The chance to undo is over: the bar goes. */
  onDismiss: () => void;
  seconds?: number;
}

/**
 * A bar at the bottom of the screen after a destructive tap, offering to take it back for a few
 * seconds: quicker than asking first, and a slip of the thumb costs nothing. Give it a `key` per
 * action, so that a second action gets its own full time.
 */
export function UndoBar({ message, undoLabel, onUndo, onDismiss, seconds = 8 }: UndoBarProps) {
  // The latest callback, without restarting the time at every render of the parent.
  const dismiss = useRef(onDismiss);
  useEffect(() => {
    dismiss.current = onDismiss;
  });
  useEffect(() => {
    const timer = window.setTimeout(() => dismiss.current(), seconds * 1000);
    return () => window.clearTimeout(timer);
  }, [seconds]);
  return (
    <div className="undo-bar" role="status" data-testid="undo-bar">
      <span className="undo-bar__message">{message}</span>
      <button type="button" className="button undo-bar__action" onClick={onUndo}>
        {undoLabel}
      </button>
    </div>
  );
}
