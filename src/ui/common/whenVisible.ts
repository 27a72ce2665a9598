/**
 * One shared IntersectionObserver for "do this once the element scrolls near the viewport"
 * (gallery thumbnails load their image only then). One observer serves any number of elements.
 */
const callbacks = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const cb = callbacks.get(entry.target);
        callbacks.delete(entry.target);
        observer?.unobserve(entry.target);
        cb?.();
      }
    },
    { rootMargin: '300px' },
  );
  return observer;
}

/** Calls `cb` once, when `el` comes within 300 px of the viewport. Returns a cancel function. */
export function whenVisible(el: Element, cb: () => void): () => void {
  if (typeof IntersectionObserver !== 'function') {
    cb();
    return () => {};
  }
  callbacks.set(el, cb);
  shared().observe(el);
  return () => {
    callbacks.delete(el);
    observer?.unobserve(el);
  };
}
