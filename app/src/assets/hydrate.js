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
// moving over it, a touch, a key, a focus, a wheel, a press. Until then a
// small socket listens to the board, and a change by someone else (or the
// session ending) starts it too, so the board never shows a stale state
// for longer than it takes to load. What a person did before the page could
// answer — presses, forms sent, text typed — is done again, in order, once
// the page has caught up with the board (`data-awake`).

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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const up = () =>
  fetch('/healthz', { cache: 'no-store' })
    .then((answer) => answer.ok)
    .catch(() => false);

// The files the page names are gone (a new version was installed while it
// was open) or the server is away: once it answers again, load the page
// afresh, at most once a minute so a broken build cannot loop.
const reloadWhenBack = async () => {
  const key = 'northstar-reloaded-at';
  if (Date.now() - Number(sessionStorage.getItem(key) || 0) < 60_000) return;
  for (let wait = 1_000; ; wait = Math.min(wait * 2, 30_000)) {
    await sleep(wait);
    if (await up()) {
      sessionStorage.setItem(key, String(Date.now()));
      location.reload();
      return;
    }
  }
};

let started = false;
const start = () => {
  if (started) return;
  started = true;
  const page = JSON.parse(document.getElementById(site.chunks)?.textContent || '{}');
  hint('preload', site.wasm, true);
  if (page.loader) hint('modulepreload', page.loader);
  for (const chunk of page.chunks || []) hint('preload', chunk, true);
  import(site.js)
    .then((m) => m.default({ module_or_path: site.wasm }).then(() => m))
    .then((m) => m.hydrate(), reloadWhenBack);
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

  // What a person did that the page could not answer yet, in order, each
  // control once: a press of a button (a form's own submit button sends the
  // form), a form sent, a box ticked, a disclosure opened whose content the
  // page builds when first opened (a card's menu). The ones a page sets
  // itself when it starts (a box's tick, a menu's open state) are kept
  // as they were until then. Links, and disclosures with content, work
  // without the page.
  const held = [];
  const hold = (target, submitter) => {
    if (!held.some((h) => h.target === target)) held.push({ target, submitter });
  };
  const intercept = (event) => {
    if (page.dataset.awake) return;
    // A screen reader's press comes without a pointer or a key first.
    wake();
    if (event.type === 'submit') {
      event.preventDefault();
      hold(event.target, event.submitter);
      return;
    }
    const target = event.target;
    if (target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio')) {
      event.preventDefault();
      hold(target);
      return;
    }
    const summary = target.closest?.('summary');
    if (summary && summary.parentElement.children.length === 1) {
      event.preventDefault();
      hold(summary);
      return;
    }
    const button = target.closest?.('button');
    if (button && !(button.type === 'submit' && button.form)) hold(button);
  };
  addEventListener('click', intercept, true);
  addEventListener('submit', intercept, true);
  // Text typed meanwhile, as typed: starting may set a field's value.
  const typed = new Map();
  const note = (event) => {
    const field = event.target;
    if (!page.dataset.awake && 'value' in field && !(field.type === 'checkbox' || field.type === 'radio')) {
      typed.set(field, field.value);
    }
  };
  addEventListener('input', note, true);
  addEventListener('change', note, true);

  new MutationObserver((_, observer) => {
    if (!page.dataset.awake) return;
    observer.disconnect();
    delete body.dataset.waking;
    removeEventListener('click', intercept, true);
    removeEventListener('submit', intercept, true);
    removeEventListener('input', note, true);
    removeEventListener('change', note, true);
    for (const [field, value] of typed) {
      if (!field.isConnected) continue;
      field.value = value;
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
    }
    for (const { target, submitter } of held) {
      if (!target.isConnected) continue;
      if (target instanceof HTMLFormElement) target.requestSubmit(submitter?.isConnected ? submitter : undefined);
      else target.click();
    }
  }).observe(page, { attributes: true, attributeFilter: ['data-awake'] });

  // Listen to the board while nobody uses it. Anything but who is looking
  // (a change, a reload, the session ending) wakes it, and the page's own
  // live client resumes from the version it was rendered at. A connection
  // lost is tried again with backoff; one refused before a word, by a
  // server that answers, wakes the page, which says why.
  const url = new URL(page.dataset.wakeSocket, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const resume = JSON.stringify({ type: 'resume', version: Number(page.dataset.wakeVersion) });
  let retry = 1_000;
  const listen = () => {
    let heard = false;
    try {
      socket = new WebSocket(url);
    } catch {
      wake();
      return;
    }
    socket.onopen = () => socket.send(resume);
    socket.onmessage = (message) => {
      heard = true;
      retry = 1_000;
      let type = null;
      try {
        type = JSON.parse(message.data).type;
      } catch {
        // not a message of ours: wake and let the page sort it out
      }
      // Who is looking comes after the catch-up: the board is up to date.
      if (type === 'presence') body.dataset.watching = 'live';
      else wake();
    };
    socket.onclose = async () => {
      if (started) return;
      body.dataset.watching = 'down';
      await sleep(retry);
      retry = Math.min(retry * 2, 30_000);
      if (started) return;
      if (!heard && (await up())) wake();
      else listen();
    };
  };
  listen();
};

const sleeping = document.querySelector('[data-wake-socket]');
if (sleeping) onIntent(sleeping);
else afterFirstPaint();
