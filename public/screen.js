// The office screen's live client. A TV runs no WebAssembly: the server
// renders the screen, and this script keeps it live. It resumes the screen's
// websocket from the version on the page, merges each frame the server pushes
// (HTML rendered by the same components as the page) into the rows already
// on screen, so re-ranked rows slide to their places, keeps the last frame
// with a "Reconnecting…" mark while the connection is down, turns between
// the leaderboard and the celebrations, and runs the ticker of the latest
// check-ins and closings along the bottom.
const main = document.querySelector('main.screen[data-token]');
if (main) start(main);

function start(main) {
  const shown = {
    cycle_id: main.dataset.cycle ? Number(main.dataset.cycle) : null,
    version: Number(main.dataset.version),
    kpis_version: Number(main.dataset.kpis) || 0,
    day: main.dataset.day,
  };
  const mark = main.querySelector('.live-mark');
  const link = (state, text) => {
    mark.dataset.link = state;
    mark.textContent = text;
  };
  document.body.dataset.hydrated = 'true';

  const period = Math.min(600, Math.max(5, Number(main.dataset.rotate) || 20)) * 1000;
  setInterval(() => {
    main.dataset.showing = main.dataset.showing === 'leaderboard' ? 'celebrations' : 'leaderboard';
  }, period);

  // Another cycle or day, or a later version of the same (a board change,
  // or a KPI reading moving the celebrations): frames may arrive out of order.
  const later = (frame) =>
    frame.version > shown.version || (frame.version === shown.version && frame.kpis_version > shown.kpis_version);
  const supersedes = (frame) =>
    frame.cycle_id !== shown.cycle_id || frame.day > shown.day || (frame.day === shown.day && later(frame));

  const apply = (frame) => {
    const next = document.createElement('template');
    next.innerHTML = frame.html;
    main.querySelector('[data-part="cycle"]').textContent = frame.cycle_name;
    main.querySelector('[data-part="headline"]').textContent = frame.headline;
    const rows = main.querySelector('.leaderboard-rows');
    const freshRows = next.content.querySelector('.leaderboard-rows');
    const empty = (list) => list.children.length === 0;
    const view = (root) => root.querySelector('.leaderboard').dataset.view;
    if (empty(rows) !== empty(freshRows) || view(main) !== view(next.content)) {
      // The table appears or goes, or the race turns into the
      // retrospective: nothing to animate.
      main.querySelector('.leaderboard').replaceWith(next.content.querySelector('.leaderboard'));
    } else {
      rows.setAttribute('style', freshRows.getAttribute('style'));
      const old = new Map([...rows.children].map((row) => [row.dataset.id, row]));
      for (const row of [...freshRows.children]) {
        const current = old.get(row.dataset.id);
        if (current) {
          // Same element, new place: the CSS transition slides it there.
          for (const name of ['style', 'aria-label', 'data-unit']) current.setAttribute(name, row.getAttribute(name) ?? '');
          current.innerHTML = row.innerHTML;
          old.delete(row.dataset.id);
        } else {
          rows.append(row);
        }
      }
      for (const gone of old.values()) gone.remove();
    }
    main.querySelector('.celebrations').replaceWith(next.content.querySelector('.celebrations'));
    ticker.update(next.content.querySelector('.ticker-items'));
    Object.assign(shown, { cycle_id: frame.cycle_id, version: frame.version, kpis_version: frame.kpis_version, day: frame.day });
  };

  const ticker = runTicker(main.querySelector('.ticker'));

  const disconnected = () => {
    main.innerHTML =
      '<div class="screen-message"><p class="screen-brand">✦ Northstar</p>' +
      '<p>This screen has been disconnected.</p>' +
      '<p class="screen-small">Ask your OKR ambassador for a new screen address.</p></div>';
  };

  let retry = 250;
  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/ws/screens/${main.dataset.token}`);
    let over = false;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'resume', ...shown }));
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      retry = 250;
      if (message.type === 'frame') {
        link('live', 'Live');
        if (supersedes(message)) apply(message);
      } else if (message.type === 'up_to_date') {
        link('live', 'Live');
      } else if (message.type === 'disconnected') {
        over = true;
        disconnected();
      }
    };
    socket.onclose = () => {
      if (over) return;
      link('reconnecting', 'Reconnecting…');
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 8000);
    };
  };
  connect();
}

// The ticker's line runs from right to left, slowly (a thirtieth of the
// screen's width a second), and only when it is longer than the screen is
// wide; then a copy follows it (hidden from assistive technology) so the
// run loops without a gap. With reduced motion asked for, it stands still,
// the newest first. New items fade in; the line starts again from its
// newest item.
function runTicker(ticker) {
  const rail = ticker.querySelector('.ticker-rail');
  const items = rail.querySelector('.ticker-items');
  const still = matchMedia('(prefers-reduced-motion: reduce)');
  let run;

  const start = () => {
    run?.cancel();
    run = undefined;
    delete ticker.dataset.running;
    rail.querySelector('.ticker-copy')?.remove();
    const width = items.getBoundingClientRect().width;
    if (still.matches || width <= rail.parentElement.clientWidth) return;
    const copy = items.cloneNode(true);
    copy.classList.add('ticker-copy');
    copy.setAttribute('aria-hidden', 'true');
    rail.append(copy);
    // One list and the gap after it: then the copy stands where the list began.
    const shift = copy.getBoundingClientRect().left - items.getBoundingClientRect().left;
    const speed = window.innerWidth / 30;
    run = rail.animate([{ transform: 'translateX(0)' }, { transform: `translateX(${-shift}px)` }], {
      duration: (shift / speed) * 1000,
      iterations: Infinity,
    });
    ticker.dataset.running = 'true';
  };

  const ids = (list) => [...list.children].map((item) => item.dataset.id ?? '').join(' ');
  const update = (fresh) => {
    if (!fresh || ids(fresh) === ids(items)) return;
    const shown = new Set([...items.children].map((item) => item.dataset.id));
    for (const item of fresh.children) {
      if (item.dataset.id && !shown.has(item.dataset.id)) item.classList.add('ticker-new');
    }
    items.replaceChildren(...fresh.children);
    start();
    // The line starts again from its newest item: fade rather than jump.
    if (!still.matches) rail.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 800, easing: 'ease-out' });
  };

  still.addEventListener('change', start);
  let resized;
  window.addEventListener('resize', () => {
    clearTimeout(resized);
    resized = setTimeout(start, 200);
  });
  start();
  return { update };
}

