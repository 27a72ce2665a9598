import { useCallback, useEffect, useRef, useState } from 'react';
import { getSettingsStore } from '../../data';

/**
 * Whether the Train panel's "Advanced" disclosure is open, remembered in the settings store like
 * the other settings: closed for a new user, as the user left it afterwards.
 */
export function useAdvancedOpen(): readonly [boolean, (open: boolean) => void] {
  const [open, setOpenState] = useState(false);
  const current = useRef(false);
  const touched = useRef(false);

  useEffect(() => {
    let cancelled = false;
    getSettingsStore()
      .get('trainingAdvancedOpen')
      .then(
        (stored) => {
          // A toggle before the store answered wins over the stored state.
          if (cancelled || touched.current) return;
          current.current = stored;
          setOpenState(stored);
        },
        () => undefined, // stays closed
      );
    return () => {
      cancelled = true;
    };
  }, []);

  const setOpen = useCallback((next: boolean) => {
    touched.current = true;
    // The disclosure's toggle event also fires when the stored state opens it: nothing to store then.
    if (current.current === next) return;
    current.current = next;
    setOpenState(next);
    void getSettingsStore()
      .set('trainingAdvancedOpen', next)
      .catch(() => undefined); // remembering is best effort; the disclosure toggles either way
  }, []);

  return [open, setOpen] as const;
}
