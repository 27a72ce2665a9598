import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

export type MessageTone = 'info' | 'success' | 'error';

export interface Message {
  readonly id: number;
  readonly tone: MessageTone;
  readonly text: string;
}

export interface Messages {
  /**
   * Shows a message. Info and success messages fade after a few seconds; errors stay until the
   * user dismisses them. A message equal to one already shown is not repeated.
   */
  notify(tone: MessageTone, text: string): void;
  dismiss(id: number): void;
}

const MessagesContext = createContext<Messages | null>(null);

const AUTO_DISMISS_MS = 5000;
const MAX_SHOWN = 4;

/** App-wide status messages ("toasts"), announced to screen readers. */
export function MessagesProvider({ children }: { children: ReactNode }) {
  const [list, setList] = useState<readonly Message[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    const t = timers.current.get(id);
    if (t !== undefined) clearTimeout(t);
    timers.current.delete(id);
    setList((l) => l.filter((m) => m.id !== id));
  }, []);

  const notify = useCallback(
    (tone: MessageTone, text: string) => {
      const id = nextId.current++;
      setList((l) => (l.some((m) => m.tone === tone && m.text === text) ? l : [...l, { id, tone, text }].slice(-MAX_SHOWN)));
      if (tone !== 'error')
        timers.current.set(
          id,
          setTimeout(() => dismiss(id), AUTO_DISMISS_MS),
        );
    },
    [dismiss],
  );

  useEffect(() => {
    const all = timers.current;
    return () => {
      for (const t of all.values()) clearTimeout(t);
      all.clear();
    };
  }, []);

  const api = useMemo<Messages>(() => ({ notify, dismiss }), [notify, dismiss]);
  return (
    <MessagesContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite">
        {list.map((m) => (
          <div
            key={m.id}
            className={`toast toast-${m.tone}`}
            role={m.tone === 'error' ? 'alert' : 'status'}
            data-testid={`message-${m.tone}`}
          >
            <span>{m.text}</span>
            <button type="button" className="btn btn-icon" aria-label="Dismiss message" onClick={() => dismiss(m.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </MessagesContext.Provider>
  );
}

export function useMessages(): Messages {
  const m = useContext(MessagesContext);
  if (!m) throw new Error('useMessages must be used inside <MessagesProvider>');
  return m;
}
