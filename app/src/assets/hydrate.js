// Loads the WebAssembly and hydrates the page the server rendered: what
// Leptos's `HydrationScripts` does, but later. The server writes `site` in
// front of this file: the glue (`js`), the main module (`wasm`) and the id of
// the JSON that names the page's chunks (`chunks`, see `PageChunks`).
//
// A page starts once the browser has painted it, so it shows before a byte
// of WebAssembly is asked for.
//
// A page that carries `data-wake-socket` (the planning board and its map)
// is read first and loads its editor when a person reaches for it: a mouse
// moving over it, a touch, a key, a focus, a wheel. Until then a small
// socket listens to the board, and a change by someone else (or the socket
// closing) starts it too, so the board never shows a stale state for
// longer than it takes to load. A button pressed or a form sent before the
// page could answer is pressed or sent again once it can, and what was
// typed is handed to the page.

const hint = (rel, href, wasm) => {
  const link = document.createElement('link');
  link.rel = rel;
  link.href = href;
  // Same-origin requests in CORS mode, as the import and the glue's fetch
  // make them, so the preloaded responses are the ones used.
  link.crossOrigin = '';
  if (wasm) {
    link.as = 'fetch';
    link.type = 'application/wasm';
  }
  document.head.append(link);
};

let started = false;
const start = () => {
  if (started) return;
  started = true;
  const page = JSON.parse(document.getElementById(site.chunks)?.textContent || '{}');
  hint('preload', site.wasm, true);
  if (page.loader) hint('modulepreload', page.loader);
  for (const chunk of page.chunks || []) hint('preload', chunk, true);
  import(site.js).then((m) => m.default({ module_or_path: site.wasm }).then(() => m.hydrate()));
};

// After the first contentful paint; a timer where none comes (a window out
// of sight), and after the first frame in a browser without paint timing.
const afterFirstPaint = () => {
  if ('PerformanceObserver' in window && PerformanceObserver.supportedEntryTypes?.includes('paint')) {
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName('first-contentful-paint').length) {
        observer.disconnect();
        start();
      }
    }).observe({ type: 'paint', buffered: true });
  } else {
    requestAnimationFrame(() => setTimeout(start));
  }
  setTimeout(start, 3000);
};

const onIntent = (page) => {
  const body = document.body;
  const intents = ['pointerdown', 'touchstart', 'keydown', 'focusin', 'wheel'];
  const options = { capture: true, passive: true };
  let socket = null;

  const wake = () => {
    if (started) return;
    for (const type of intents) removeEventListener(type, wake, options);
    removeEventListener('pointermove', moved, options);
    if (socket) {
      socket.onclose = null;
      socket.close();
    }
    delete body.dataset.watching;
    body.dataset.waking = 'true';
    start();
  };
  // A mouse over the page: someone at a desk is about to use it.
  const moved = (event) => {
    if (event.pointerType === 'mouse') wake();
  };
  for (const type of intents) addEventListener(type, wake, options);
  addEventListener('pointermove', moved, options);

  // What a person did that the page could not answer yet: a button's press
  // (a form's own submit button sends the form), a form sent, or a
  // disclosure opened whose content the page builds when first opened (a
  // card's menu): it stays shut until it can show something. Links, fields
  // and disclosures with content work without the page.
  let held = null;
  const hold = (event) => {
    if (page.dataset.awake) return;
    // A screen reader's press comes without a pointer or a key first.
    wake();
    if (event.type === 'submit') {
      event.preventDefault();
      held = { form: event.target, submitter: event.submitter };
      return;
    }
    const summary = event.target.closest?.('summary');
    if (summary && summary.parentElement.children.length === 1) {
      event.preventDefault();
      held = { button: summary };
      return;
    }
    const button = event.target.closest?.('button');
    if (button && !(button.type === 'submit' && button.form)) held = { button };
  };
  addEventListener('click', hold, true);
  addEventListener('submit', hold, true);

  const edited = (field) => {
    if (field instanceof HTMLSelectElement) return [...field.options].some((o) => o.selected !== o.defaultSelected);
    if (field.type === 'checkbox' || field.type === 'radio') return field.checked !== field.defaultChecked;
    return field.value !== field.defaultValue;
  };
  // The page says it is awake once its view answers (`data-awake`).
  new MutationObserver((_, observer) => {
    if (!page.dataset.awake) return;
    observer.disconnect();
    delete body.dataset.waking;
    removeEventListener('click', hold, true);
    removeEventListener('submit', hold, true);
    for (const field of page.querySelectorAll('input, textarea, select')) {
      if (!edited(field)) continue;
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
    }
    if (held?.button?.isConnected) {
      held.button.click();
    } else if (held?.form?.isConnected) {
      held.form.requestSubmit(held.submitter?.isConnected ? held.submitter : undefined);
    }
  }).observe(page, { attributes: true, attributeFilter: ['data-awake'] });

  // Listen to the board while nobody uses it: anything but who is looking
  // (a change, a reload, the session ending) or a lost connection wakes it,
  // and the page's own live client resumes from the version it was
  // rendered at.
  try {
    const url = new URL(page.dataset.wakeSocket, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(url);
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'resume', version: Number(page.dataset.wakeVersion) }));
      body.dataset.watching = 'live';
    };
    socket.onmessage = (message) => {
      let type = null;
      try {
        type = JSON.parse(message.data).type;
      } catch {
        // not a message of ours: wake and let the page sort it out
      }
      if (type !== 'presence') wake();
    };
    socket.onclose = wake;
  } catch {
    wake();
  }
};

const sleeping = document.querySelector('[data-wake-socket]');
if (sleeping) onIntent(sleeping);
else afterFirstPaint();
