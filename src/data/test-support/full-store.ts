import type { UseStore } from 'idb-keyval';

/**
 * A store layer that behaves like a full disk from the (okWrites + 1)-th write transaction on: the
 * transaction is aborted (so none of its writes lands) and the caller gets a QuotaExceededError,
 * as from a browser whose origin quota is used up.
 */
export function fullAfter(base: UseStore, okWrites: number): UseStore {
  let writes = 0;
  return <T>(mode: IDBTransactionMode, callback: (s: IDBObjectStore) => T | PromiseLike<T>): Promise<T> =>
    base(mode, (s) => {
      if (mode !== 'readwrite' || ++writes <= okWrites) return callback(s);
      Promise.resolve(callback(s)).catch(() => {}); // the writes are issued, then rolled back
      s.transaction.abort();
      return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    });
}
