import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface DialogProps {
  readonly open: boolean;
  readonly title: string;
  /** Escape, the close button or a click on the backdrop. */
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** Buttons at the bottom. */
  readonly actions?: ReactNode;
  /** 'alertdialog' for confirmations. */
  readonly role?: 'dialog' | 'alertdialog';
  readonly className?: string;
  readonly testId?: string;
  /** When false, Escape and the backdrop do nothing (e.g. while an import runs). */
  readonly dismissible?: boolean;
}

/**
 * A modal dialog on the native <dialog> element: the browser gives it the top layer, a backdrop,
 * focus containment and Escape. Rendered only while open, so closed dialogs cost nothing.
 */
export function Dialog({ open, title, onClose, children, actions, role = 'dialog', className, testId, dismissible = true }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const el = ref.current;
    if (!open || !el) return;
    if (!el.open) el.showModal();
    return () => {
      if (el.open) el.close();
    };
  }, [open]);

  if (!open) return null;
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      role={role}
      aria-modal="true"
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        if (dismissible) onClose();
      }}
      onClick={(e) => {
        // A click on the dialog element itself (not its content) is a click on the backdrop.
        if (dismissible && e.target === e.currentTarget) onClose();
      }}
    >
      <div className="dialog-body">
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          {dismissible && (
            <button type="button" className="btn btn-icon" aria-label="Close" onClick={onClose}>
              ×
            </button>
          )}
        </header>
        <div className="dialog-content">{children}</div>
        {actions && <footer className="dialog-actions">{actions}</footer>}
      </div>
    </dialog>
  );
}

export interface ConfirmDialogProps {
  readonly open: boolean;
  readonly title: string;
  readonly message: ReactNode;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  /** Destructive actions get a red confirm button. */
  readonly danger?: boolean;
}

/** A yes/no question in a real dialog (tests click its buttons; window.confirm cannot be clicked). */
export function ConfirmDialog({ open, title, message, confirmLabel, onConfirm, onCancel, danger = false }: ConfirmDialogProps) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onCancel}
      role="alertdialog"
      testId="confirm-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={onCancel} data-testid="confirm-cancel">
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}
            onClick={onConfirm}
            data-testid="confirm-ok"
            autoFocus
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <p>{message}</p>
    </Dialog>
  );
}
