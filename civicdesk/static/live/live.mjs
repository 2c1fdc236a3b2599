// Live pages: follow the page's Server-Sent Events stream and update it in place.
// The page is complete without this script (it refreshes itself every 30 s in <noscript>).
const KINDS = ["issued", "called", "recalled", "started", "finished", "held", "resumed",
  "transferred", "no_show", "cancelled", "requeued", "counters"];

const root = document.querySelector("[data-live]");

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
  return td;
}

// A browser reconnects by itself after a dropped stream, but gives up for good when an answer
// is not an event stream (a proxy's 502 while the server restarts): then open a new one, later
// and later, from the last event seen. A page restored from the back/forward cache also starts
// again (its stream was closed on leaving).
function connect(onEvent) {
  const status = root.querySelector("[data-connection]");
  // A status region present from the start: screen readers are told once when the page loses
  // its connection (an element merely unhidden is not announced).
  const spoken = root.querySelector("[data-connection-live]");
  function show(lost) {
    if (!status || status.hidden === !lost) return;
    status.hidden = !lost;
    if (spoken) spoken.textContent = lost ? status.textContent : "";
  }
  let source = null;
  let delay = 2000;
  // A connection that died without closing (a phone in a tunnel, or asleep) tells the browser
  // nothing, and the page would show old news for ever. The server sends an "alive" event every
  // few seconds (its data: how many); when nothing at all came for 2.5 times that, start again
  // from the last event seen, as the browser does after a dropped stream.
  let aliveSeconds = 15;
  let watchdog = null;
  function hear() {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      // Closed: the error path opens it again later, or the page was left (pagehide).
      if (source.readyState === EventSource.CLOSED) return;
      source.close();
      show(true);
      open();
    }, aliveSeconds * 2500);
  }
  function open() {
    const url = new URL(root.dataset.streamUrl, window.location.href);
    url.searchParams.set("last_event_id", root.dataset.lastEventId || "0");
    hear();
    source = new EventSource(url);
    source.addEventListener("open", () => {
      hear();
      delay = 2000;
      show(false);
    });
    source.addEventListener("alive", (event) => {
      if (Number(event.data) > 0) aliveSeconds = Number(event.data);
      hear();
    });
    source.addEventListener("error", () => {
      show(true);
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(() => { if (source.readyState === EventSource.CLOSED) open(); }, delay);
        delay = Math.min(delay * 2, 60000);
      }
    });
    for (const kind of KINDS) {
      source.addEventListener(kind, (event) => {
        hear();
        root.dataset.lastEventId = event.lastEventId;
        onEvent(kind, JSON.parse(event.data));
      });
    }
  }
  open();
  window.addEventListener("pagehide", () => source.close());
  window.addEventListener("pageshow", (event) => { if (event.persisted) open(); });
}

// --- display board ------------------------------------------------------------------------------
function board() {
  // Service names in the page's language: events carry one name for every page.
  const serviceNames = JSON.parse(document.getElementById("live-service-names")?.textContent || "{}");
  const now = root.querySelector("[data-now]");
  const recent = root.querySelector("[data-recent]");
  const next = root.querySelector("[data-next]");
  const toggle = root.querySelector("[data-chime-toggle]");
  const chime = new Audio(root.dataset.chimeUrl);
  let chimeOn = new URLSearchParams(window.location.search).get("chime") === "on";
  const label = () => { toggle.textContent = chimeOn ? root.dataset.labelChimeOn : root.dataset.labelChimeOff; };
  toggle.hidden = false;
  label();
  toggle.addEventListener("click", () => {
    chimeOn = !chimeOn;
    label();
    if (chimeOn) chime.play().catch(() => {}); // a click lets the browser play sound later
  });

  function renderNow(first) {
    now.replaceChildren();
    if (first) {
      const number = document.createElement("span");
      number.className = "live-board__number";
      number.dataset.testid = "now-number";
      number.textContent = first.number;
      const arrow = document.createElement("span");
      arrow.className = "live-board__arrow";
      arrow.setAttribute("aria-hidden", "true");
      arrow.textContent = " → ";
      const counter = document.createElement("span");
      counter.className = "live-board__counter";
      counter.append(`${root.dataset.labelCounter} `);
      const counterName = document.createElement("span");
      counterName.dataset.testid = "now-counter";
      counterName.textContent = first.counter;
      counter.append(counterName);
      now.append(number, arrow, counter);
    } else {
      const idle = document.createElement("span");
      idle.className = "live-board__idle";
      idle.textContent = root.dataset.labelNobody;
      now.append(idle);
    }
  }

  // The now-calling line is a live region: screen readers read it out at every change, so it
  // changes only when the call does (a new number, another counter, a recall), not at each join.
  let nowKey = root.dataset.nowKey || "";
  function render(site) {
    const [first, ...rest] = site.calling;
    const key = first ? `${first.number}|${first.counter}|${first.recalls}` : "";
    if (key !== nowKey) {
      nowKey = key;
      renderNow(first);
    }
    recent.replaceChildren(...rest.slice(0, 5).map((call) => {
      const row = document.createElement("tr");
      cell(row, call.number);
      cell(row, call.counter);
      return row;
    }));
    next.replaceChildren(...site.services.map((service) => {
      const row = document.createElement("tr");
      cell(row, serviceNames[service.id] || service.name);
      const numbers = service.order.slice(0, 4).map(([number]) => number).join(" ");
      cell(row, numbers || root.dataset.labelNone).dataset.testid = `next-${service.prefix}`;
      return row;
    }));
  }

  connect((kind, data) => {
    if (!data.site) return;
    render(data.site);
    if ((kind === "called" || kind === "recalled") && chimeOn) {
      chime.currentTime = 0;
      chime.play().catch((error) => {
        // ?chime=on without a click yet: the browser refused to play. Say so on the button,
        // so that whoever looks at the board presses it, instead of believing the chime is on.
        if (error.name === "NotAllowedError") {
          chimeOn = false;
          label();
        }
      });
    }
  });
}

// --- the citizen's live ticket ------------------------------------------------------------------
function ticket() {
  const d = root.dataset;
  const el = (name) => root.querySelector(`[data-${name}]`);
  // Each status in the page's language: events carry only the code (one event, many languages).
  const labels = JSON.parse(document.getElementById("live-status-labels")?.textContent || "{}");
  const serviceNames = JSON.parse(document.getElementById("live-service-names")?.textContent || "{}");
  const FINAL = new Set(["done", "no_show", "cancelled"]);
  const state = {
    status: d.status,
    ahead: Number(d.ahead),
    wait: Number(d.wait),
    // Counters open for our service ("" when not known): none, and the wait says so.
    counters: d.counters === "" || d.counters === undefined ? null : Number(d.counters),
    service: Number(d.service),
    recalls: Number(d.recalls || 0),
  };

  function aheadText(n) {
    if (n === 0) return d.textAheadNone;
    return n === 1 ? d.textAheadOne : format(d.textAheadMany, { n });
  }
  function waitText(n) {
    if (state.counters === 0) return d.textWaitClosed;
    if (n === 0) return d.textWaitNone;
    return n === 1 ? d.textWaitOne : format(d.textWaitMany, { n });
  }
  // Sentences one after another as the page's language writes them (ticket.html: Chinese ends
  // each with 。 and puts no space after it), each ended unless it ends itself. A page that does
  // not say goes by its <html lang>.
  const chinese = document.documentElement.lang.toLowerCase().startsWith("zh");
  const stop = d.sentenceEnd ?? (chinese ? "。" : ".");
  const joiner = d.sentenceJoiner ?? (chinese ? "" : " ");
  function sentences(...parts) {
    return parts.map((part) => (part || "").trim()).filter(Boolean)
      .map((part) => (/[.!?。！？]$/.test(part) ? part : part + stop)).join(joiner);
  }
  // The place last said (what the status region holds, or null once it says something else),
  // and the minutes in it: the region never keeps a figure the page no longer shows.
  let saidPlace = null;
  let saidWait = state.status === "waiting" ? state.wait : null; // read with the page
  function announce(text, place = false) {
    el("announce").textContent = text;
    saidPlace = place ? text : null;
  }
  // What a screen reader hears when the ticket changes: a call and each recall; being served
  // or put on hold (the status itself, not "closed"); closed; moved to another service.
  function show(mine, previousService) {
    const waiting = mine.status === "waiting";
    root.querySelectorAll("[data-waiting-only]").forEach((row) => { row.hidden = !waiting; });
    const label = labels[mine.status] || el("status").textContent;
    el("status").textContent = label;
    el("called-panel").hidden = mine.status !== "called";
    el("hold-only").hidden = mine.status !== "on_hold";
    el("counter").textContent = mine.counter || "";
    const closed = FINAL.has(mine.status); // nothing more will change: say so (see ticket.html)
    root.querySelectorAll("[data-open-only]").forEach((node) => { node.hidden = closed; });
    root.querySelectorAll("[data-closed-only]").forEach((node) => { node.hidden = !closed; });
    const changed = mine.status !== state.status;
    const recalls = Number(mine.recalls || 0);
    const recalled = recalls > state.recalls;
    const moved = state.service !== previousService;
    if (moved && serviceNames[state.service]) el("service-name").textContent = serviceNames[state.service];
    state.status = mine.status;
    state.recalls = recalls;
    if (mine.counters !== undefined && mine.counters !== null) state.counters = mine.counters;
    // The place is shown first, and a move says exactly what is shown.
    if (waiting) place(mine.ahead, mine.wait_minutes, { quiet: moved });
    if (mine.status === "called" && (changed || recalled)) {
      announce(format(d.textCalled, { counter: mine.counter }));
    } else if (waiting && moved) {
      const service = serviceNames[state.service] || "";
      announce(sentences(format(d.textMoved, { service }), placeText()), true);
      saidWait = state.wait;
    } else if (changed && FINAL.has(mine.status)) {
      announce(format(d.textDone, { status: label }));
    } else if (changed && mine.status === "on_hold") {
      announce(sentences(label, el("hold-only").textContent)); // what to do next, too
    } else if (changed && !waiting) {
      announce(label);
    }
  }
  function placeText() {
    return sentences(el("ahead").textContent, el("wait").textContent);
  }
  // Said when the place moves, or when the wait changed a good deal since it was last said
  // (a start or a finish at the counter; a counter closing or opening); otherwise shown only.
  function place(ahead, wait, { quiet = false } = {}) {
    const before = el("wait").textContent;
    el("ahead").textContent = aheadText(ahead);
    el("wait").textContent = waitText(wait);
    const closedChanged = (before === d.textWaitClosed) !== (el("wait").textContent === d.textWaitClosed);
    const waitMoved = saidWait !== null && Math.abs(wait - saidWait) >= Math.max(5, saidWait / 5);
    const placeMoved = state.ahead !== null && ahead !== state.ahead;
    const text = placeText();
    if (!quiet && text !== saidPlace && (placeMoved || waitMoved || closedChanged)) {
      announce(text, true);
      saidWait = wait;
    } else if (saidPlace !== null && saidPlace !== text) {
      // Emptied, not re-read: a status region is read out when text is added, not removed.
      announce("");
    }
    state.ahead = ahead;
    state.wait = wait;
    placed += 1;
  }
  let placed = 0; // places shown so far: an answer to an older question does not undo a newer one
  connect((kind, data) => {
    // Our own channel sends the full state (with the place); a site event only a summary.
    if (data.ticket && data.ticket.number === d.number && data.ticket.ahead !== undefined) {
      const previousService = state.service;
      if (data.ticket.service) state.service = data.ticket.service;
      show(data.ticket, previousService); // our own channel: the full state
      return;
    }
    if (!data.site || state.status !== "waiting") return;
    const service = data.site.services.find((s) => s.id === state.service);
    if (!service) return;
    if (service.counters !== undefined) state.counters = service.counters;
    const index = service.order.findIndex(([number]) => number === d.number);
    if (index >= 0) place(index, service.order[index][1]);
    else if (service.order.length > 0) recount(service.order.length);
  });

  // Further back than the site event lists (it lists the first few hundred of a service): ask
  // the ticket API for our own place. Not more often than every `recountSeconds`, and the
  // further back, the less often (a place 3,000 back moves slowly; thousands of such pages
  // must not all ask at every call), with a random spread so that pages do not ask together.
  // The page was rendered with its place just counted, so the first ask waits too.
  const recountSeconds = Math.max(Number(d.recountSeconds || 15), 1);
  let lastAsked = Date.now();
  let timer = null;
  function recount(listed) {
    if (timer !== null) return;
    const spacing = recountSeconds * 1000 * Math.max(1, state.ahead / listed) * (1 + Math.random() / 2);
    const due = Math.max(0, lastAsked + spacing - Date.now());
    timer = setTimeout(() => {
      lastAsked = Date.now();
      const asked = placed;
      fetch(d.placeUrl, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(10000) })
        .then((response) => (response.ok ? response.json() : null))
        .then((mine) => {
          if (!mine || mine.status !== "waiting" || state.status !== "waiting") return;
          if (placed !== asked) return; // a site event placed us meanwhile: it is newer
          if (mine.open_counters !== null && mine.open_counters !== undefined) state.counters = mine.open_counters;
          // Quiet unless the place moved a good deal: screen readers need not hear every step.
          const moved = Math.abs(mine.people_ahead - state.ahead);
          place(mine.people_ahead, mine.estimated_wait_minutes, {
            quiet: moved < Math.max(5, state.ahead / 10),
          });
        })
        .catch(() => {})
        .finally(() => { timer = null; });
    }, due);
  }
}

// --- manager overview ---------------------------------------------------------------------------
function overview() {
  // Service names in the page's language: events carry one name for every page.
  const serviceNames = JSON.parse(document.getElementById("live-service-names")?.textContent || "{}");
  connect((kind, data) => {
    if (!data.site) return;
    const section = root.querySelector(`[data-site="${data.site.site}"]`);
    if (!section) return;
    section.querySelector("[data-open-counters]").textContent = data.site.open_counters;
    section.querySelector("[data-services]").replaceChildren(...data.site.services.map((service) => {
      const row = document.createElement("tr");
      row.className = "govuk-table__row";
      const cells = [
        serviceNames[service.id] || service.name,
        String(service.waiting),
        String(service.counters),
        String(service.order.length ? service.order[service.order.length - 1][1] : 0),
        service.order.slice(0, 3).map(([number]) => number).join(" ") || root.dataset.labelNone,
      ];
      cells.forEach((text, index) => {
        const td = cell(row, text);
        td.className = "govuk-table__cell" + (index > 0 && index < 4 ? " govuk-table__cell--numeric" : "");
        if (index === 1) td.dataset.testid = `waiting-${service.id}`;
      });
      return row;
    }));
  });
}

if (root && "EventSource" in window) {
  ({ board, ticket, overview })[root.dataset.live]?.();
}
