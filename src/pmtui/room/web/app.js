// The browser note-taker: one page that speaks the room's WebSocket protocol (see pmtui/room/protocol.py and
// SPEC14). User text only ever goes into the page through textContent; nothing is parsed as HTML.

const TOKEN_KEY = "pmtui.token";
const IDENTITY_KEY = "pmtui.identity";
const DRAFT_KEY = "pmtui.draft";
const OUTBOX_KEY = "pmtui.outbox";
const CONTRAST_KEY = "pmtui.contrast";
const PROTOCOL_VERSION = 2;
const BACKOFF_BASE = 0.5;
const BACKOFF_CAP = 15;
const TYPING_EVERY = 1000;
const ANNOUNCE_EVERY = 3000;
const MAX_RETRY_AFTER = 60; // the longest "slow down" this page waits, whatever the room says
const MAX_LOCKOUT = 600; // the longest wait after too many wrong tokens, whatever Retry-After says
const PENDING = "sending…";
const KIND_WORDS = { went_well: "went well", went_poorly: "went poorly", lucky: "lucky" };
const KIND_MARKS = { went_well: "+", went_poorly: "-", lucky: "!" };
const EVENT_HINT = "— an event: TIME what happened | actor | evidence";
const PHASE_HINTS = { five_whys: "— your answer to the current why", observations: "— what went well" };
const OWN_ID = /^[0-9a-f]{32}$/;

const $ = (id) => document.getElementById(id);

// --- what this browser keeps ------------------------------------------------------------------

function readJSON(storage, key, fallback) {
  try {
    const value = JSON.parse(storage.getItem(key));
    return value ?? fallback;
  } catch {
    return fallback;
  }
}

function writeJSON(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    showNotice("this browser does not keep data for this page: a reload would lose what is not sent yet");
  }
}

function keptIdentity() {
  const kept = readJSON(localStorage, IDENTITY_KEY, null);
  if (typeof kept?.name !== "string" || !kept.name) return null;
  return { name: kept.name, key: typeof kept.key === "string" ? kept.key : undefined };
}

function takeTokenFromLink() {
  // The token travels in the fragment (never to a server); kept for this tab, then hidden from the address bar.
  const match = /(?:^#|&)t=([^&]*)/.exec(location.hash);
  if (match) {
    let token = match[1];
    try {
      token = decodeURIComponent(token);
    } catch { /* keep it as typed */ }
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

function newId() {
  return crypto.randomUUID().replaceAll("-", "");
}

function base64url(text) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

// --- the room as this page knows it ---------------------------------------------------------------

const room = {
  incident: null,
  clock: null,
  clockAt: 0, // performance.now() when the clock arrived
  events: new Map(),
  observations: new Map(),
  chain: null,
  welcomed: false,
};

const me = {
  token: "",
  identity: keptIdentity(), // {name, key}
  author: null, // the room's author id for this note-taker, from "joined"
  outbox: [readJSON(localStorage, OUTBOX_KEY, [])].flat().filter((m) => typeof m?.id === "string"),
};

const link = {
  ws: null,
  joined: false,
  attempt: 0,
  timer: null,
  sent: new Set(), // outbox ids sent on this connection
  held: false, // told to slow down
  finished: false, // refused for good, or the meeting ended
  lastTyping: 0,
  retry: null, // {why, at}: while a retry waits
};

let editing = null; // the item being edited
let confirming = null; // the item whose removal asks "really?"

// --- connection --------------------------------------------------------------------------------

function setStatus(state, text) {
  const status = $("status");
  status.dataset.state = state;
  status.textContent = text;
}

function retryIn(seconds, why) {
  clearTimeout(link.timer);
  const delay = seconds ?? Math.random() * Math.min(BACKOFF_CAP, BACKOFF_BASE * 2 ** link.attempt);
  link.attempt += 1;
  link.retry = { why, at: performance.now() + delay * 1000 };
  showRetry();
  link.timer = setTimeout(connect, delay * 1000);
}

function showRetry() {
  // The wait counts down in the status line (from tick), so a long backoff does not look frozen.
  const left = Math.max(1, Math.ceil((link.retry.at - performance.now()) / 1000));
  const text = `${link.retry.why}: retrying in ${left} s`;
  if ($("status").textContent !== text) setStatus("reconnecting", text);
}

async function connect() {
  clearTimeout(link.timer);
  link.timer = null; // set again only while a retry waits
  link.retry = null;
  if (link.finished) return;
  if (!me.token) {
    askToken("");
    return;
  }
  setStatus("connecting", "connecting…");
  let response;
  try {
    response = await fetch("/check", { headers: { Authorization: `Bearer ${me.token}` }, cache: "no-store" });
  } catch {
    retryIn(null, "the room is not reachable");
    return;
  }
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    me.token = "";
    askToken("That room token is wrong: check it, or ask the facilitator for the join link again.");
    return;
  }
  if (response.status === 403) {
    finish("refused", "the room does not accept this page's address: open the facilitator's join link itself");
    return;
  }
  if (response.status === 429) {
    const wait = Number(response.headers.get("Retry-After")) || 60;
    retryIn(Math.min(wait, MAX_LOCKOUT), "too many wrong tokens from this address");
    return;
  }
  if (!response.ok) {
    retryIn(null, response.status === 503 ? "the room is closing" : `the room answered HTTP ${response.status}`);
    return;
  }
  openSocket();
}

function openSocket() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/ws`, ["pmtui", `pmtui.token.${base64url(me.token)}`]);
  link.ws = ws;
  link.joined = false;
  link.sent.clear();
  link.held = false;
  ws.addEventListener("open", () => {
    if (link.ws !== ws) return;
    setStatus("connecting", "connected: joining…");
    if (me.identity?.name) sendHello();
    else askName("");
  });
  ws.addEventListener("message", (event) => {
    if (link.ws !== ws) return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message && typeof message === "object") receive(message);
  });
  ws.addEventListener("close", () => {
    if (link.ws !== ws) return;
    link.ws = null;
    link.joined = false;
    render();
    if (!link.finished) retryIn(null, "lost the connection to the room");
  });
}

function send(message) {
  if (link.ws?.readyState === WebSocket.OPEN) link.ws.send(JSON.stringify(message));
}

function sendHello() {
  const hello = { type: "hello", name: me.identity.name, version: PROTOCOL_VERSION };
  if (me.identity.key) hello.key = me.identity.key;
  send(hello);
}

function finish(state, message) {
  link.finished = true;
  link.joined = false;
  clearTimeout(link.timer);
  setStatus(state, message);
  const ws = link.ws;
  link.ws = null;
  if (ws) ws.close();
}

// --- the outbox: every change stays here until the room has it ------------------------------------

function saveOutbox() {
  writeJSON(localStorage, OUTBOX_KEY, me.outbox);
}

function queue(message) {
  me.outbox.push(message);
  saveOutbox();
  pump();
  render();
}

function pump() {
  if (!link.joined || link.held) return;
  for (const message of me.outbox) {
    if (link.sent.has(message.id)) continue;
    link.sent.add(message.id);
    send(message);
  }
}

function settle(ref) {
  const index = me.outbox.findIndex((m) => m.id === ref);
  if (index < 0) return null;
  const [message] = me.outbox.splice(index, 1);
  saveOutbox();
  return message;
}

function holdFrom(ref, seconds) {
  const ids = me.outbox.map((m) => m.id);
  const from = ids.indexOf(ref);
  if (from >= 0) ids.slice(from).forEach((id) => link.sent.delete(id));
  link.held = true;
  const ws = link.ws;
  setTimeout(() => {
    if (link.ws !== ws) return;
    link.held = false;
    pump();
  }, Math.min(MAX_RETRY_AFTER, Math.max(0, seconds)) * 1000);
}

// --- what the room says --------------------------------------------------------------------------

function receive(message) {
  switch (message.type) {
    case "welcome":
      room.incident = message.incident ?? null;
      setClock(message.clock);
      room.events = new Map((message.events ?? []).map((e) => [e.id, e]));
      room.observations = new Map((message.observations ?? []).map((o) => [o.id, o]));
      room.chain = message.chain ?? null;
      room.welcomed = true;
      break;
    case "event":
      putEvents([message.event]);
      break;
    case "events":
      putEvents(message.events ?? []);
      break;
    case "event_removed":
      room.events.delete(message.id);
      break;
    case "observation":
      if (message.observation) putObservation(message.observation);
      break;
    case "observation_removed":
      room.observations.delete(message.id);
      break;
    case "chain":
      room.chain = message.chain ?? null;
      break;
    case "clock":
      setClock(message.clock);
      break;
    case "incident":
      room.incident = message.incident ?? room.incident;
      break;
    case "joined":
      joined(message);
      break;
    case "refused":
      refused(message);
      break;
    case "slow_down":
      holdFrom(message.ref, Number(message.retry_after) || 1);
      break;
    case "ack":
      settle(message.ref);
      break;
    case "error":
      rejected(message);
      break;
    case "bye":
      showNotice("The facilitator stopped sharing; entries stay queued here until they are back.");
      break;
    case "ended":
      ended(message);
      break;
    default:
      return;
  }
  render();
}

function putEvents(events) {
  for (const event of events) {
    if (!event) continue;
    announceNew(room.events, event, "an event");
    room.events.set(event.id, event);
  }
}

function putObservation(observation) {
  announceNew(room.observations, observation, `an observation (${KIND_WORDS[observation.kind] ?? observation.kind})`);
  room.observations.set(observation.id, observation);
}

function setClock(clock) {
  room.clock = clock ?? null;
  room.clockAt = performance.now();
  tick();
}

function joined(message) {
  me.author = message.author;
  me.identity = { name: message.name || me.identity.name, key: message.key || me.identity.key };
  writeJSON(localStorage, IDENTITY_KEY, me.identity);
  link.joined = true;
  link.attempt = 0;
  $("name-panel").hidden = true;
  if (document.activeElement === $("name-input") || document.activeElement === document.body) $("entry").focus();
  hideNotice();
  setStatus("connected", `connected as ${me.identity.name}`);
  pump();
}

function refused(message) {
  if (message.reason === "name") {
    askName(message.message || "the room does not take that name: choose another");
    setStatus("connecting", "connected: choose a name");
    return;
  }
  const text = message.message || "the room sent this page away";
  showNotice(text);
  finish("refused", text);
}

function rejected(message) {
  const entry = message.ref ? settle(message.ref) : null;
  const text = message.message || "the room refused that";
  if (!entry) {
    showNotice(text);
    return;
  }
  const field = $("entry");
  let back = false; // the line is in a field again, to fix and send
  if (entry.type === "edit" && editing === null) {
    startEdit(entry.item, entry.line);
    back = editing !== null;
  } else if (entry.type === "entry" && !field.value) {
    field.value = entry.line;
    saveDraft();
    back = true;
  }
  $("entry-error").textContent = `Not stored: ${text}${entry.line && !back ? ` (“${entry.line}”)` : ""}`;
}

function ended(message) {
  const counts = [[message.events, "event"], [message.observations, "observation"], [message.whys, "why"]]
    .map(([n, word]) => `${Number(n) || 0} ${Number(n) === 1 ? word : `${word}s`}`).join(", ");
  const said = message.message || "the meeting ended";
  showNotice(`${said.charAt(0).toUpperCase()}${said.slice(1)}. You added ${counts}.`);
  room.clock = null; // no phase runs any more: the countdown goes
  document.body.classList.add("ended");
  finish("ended", "the meeting ended");
}

// --- asking the person -----------------------------------------------------------------------------

function askToken(problem) {
  setStatus("waiting", problem ? "wrong room token" : "the room token is needed");
  $("token-panel").hidden = false;
  $("token-error").textContent = problem;
  $("token-input").focus();
}

function askName(problem) {
  $("name-panel").hidden = false;
  $("name-error").textContent = problem;
  const input = $("name-input");
  if (!input.value && me.identity?.name) input.value = me.identity.name;
  input.focus();
  input.select();
}

function showNotice(text) {
  const notice = $("notice");
  notice.textContent = text;
  notice.hidden = false;
}

function hideNotice() {
  if (!document.body.classList.contains("ended")) $("notice").hidden = true;
}

// --- announcing others' entries (throttled, for screen readers) -----------------------------------

const announcements = [];
let announceTimer = null;

function announceNew(known, item, what) {
  if (!room.welcomed || known.has(item.id) || (me.author && item.author_id === me.author)) return;
  announcements.push(`${item.author || "the facilitator"} added ${what}: ${item.description ?? item.text ?? ""}`);
  if (announceTimer === null) announceTimer = setTimeout(flushAnnouncements, ANNOUNCE_EVERY);
}

function flushAnnouncements() {
  announceTimer = null;
  const shown = announcements.splice(0);
  const more = shown.length > 3 ? ` and ${shown.length - 3} more` : "";
  $("announce").textContent = shown.slice(0, 3).join(". ") + more;
}

// --- time in the meeting's zone ------------------------------------------------------------------

const zoneFormats = new Map();

function zoneParts(iso) {
  const tz = room.incident?.tz || "UTC";
  let format = zoneFormats.get(tz);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-CA", {
        timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
        second: "2-digit", hourCycle: "h23",
      });
    } catch {
      format = zoneFormats.get("UTC") ?? new Intl.DateTimeFormat("en-CA", {
        timeZone: "UTC", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
        second: "2-digit", hourCycle: "h23",
      });
    }
    zoneFormats.set(tz, format);
  }
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return null;
  const parts = Object.fromEntries(format.formatToParts(moment).map((p) => [p.type, p.value]));
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    clock: `${parts.hour}:${parts.minute}:${parts.second}`,
    short: `${parts.hour}:${parts.minute}`,
  };
}

function sameDay(parts) {
  return parts !== null && parts.day === room.incident?.date;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function shownTime(iso, multiDay) {
  // As the facilitator's timeline shows it: the clock alone when every event is on one day, else every row
  // with its date ("Feb 01 00:36:00"), so a run across midnight reads in order.
  const parts = zoneParts(iso);
  if (parts === null) return iso;
  if (!multiDay) return parts.clock;
  const [, month, day] = parts.day.split("-");
  return `${MONTHS[Number(month) - 1]} ${day} ${parts.clock}`;
}

function spansDays(events) {
  const days = new Set(events.map((event) => zoneParts(event.time)?.day).filter(Boolean));
  return days.size > 1 || (days.size === 1 && !sameDay({ day: [...days][0] }));
}

function eventLine(event) {
  // The line that rewrites a stored event as it stands (as room/view.py's event_line).
  const parts = zoneParts(event.time);
  const time = parts === null ? event.time : sameDay(parts) ? parts.clock : `${parts.day} ${parts.clock}`;
  const line = `${time} ${event.description}`;
  if (event.evidence) return `${line} | ${event.actor} | ${event.evidence}`;
  return event.actor ? `${line} | ${event.actor}` : line;
}

function remaining() {
  const clock = room.clock;
  if (!clock) return null;
  const elapsed = clock.running ? (performance.now() - room.clockAt) / 1000 : 0;
  return Number(clock.remaining) - elapsed;
}

function formatClock(seconds) {
  const total = Math.trunc(Math.abs(seconds));
  const text = `${String(Math.trunc(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
  return seconds < 0 ? `+${text}` : text;
}

function tick() {
  if (link.retry && !link.finished) showRetry();
  const countdown = $("countdown");
  const left = remaining();
  if (left === null) {
    countdown.textContent = "";
    return;
  }
  let text = formatClock(left);
  if (!room.clock.started) text += " not started";
  else if (!room.clock.running) text += " paused";
  if (countdown.textContent !== text) countdown.textContent = text;
  countdown.classList.toggle("warning", left > 0 && left <= 120);
  countdown.classList.toggle("overrun", left <= 0);
}

// --- drawing -------------------------------------------------------------------------------------

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function button(text, action, item, label) {
  const node = element("button", text, "quiet small");
  node.type = "button";
  node.dataset.action = action;
  node.dataset.item = item;
  if (label) node.setAttribute("aria-label", label);
  return node;
}

function isOwn(item) {
  return Boolean(me.author) && item.author_id === me.author && OWN_ID.test(item.id);
}

function pendingChange(item) {
  // The newest edit or removal of ``item`` still on its way.
  let change = null;
  for (const message of me.outbox) if (message.item === item) change = message;
  return change;
}

function actions(item, what) {
  const cell = document.createDocumentFragment();
  const change = pendingChange(item.id);
  if (change?.type === "remove") {
    cell.append(element("span", "removing…", "pending-mark"));
  } else if (change?.type === "edit") {
    cell.append(element("span", PENDING, "pending-mark"));
  } else if (isOwn(item) && !link.finished) {
    if (confirming === item.id) {
      cell.append(element("span", "Remove it? ", "confirm"), button("Yes, remove", "remove-yes", item.id),
        button("No", "remove-no", item.id));
    } else {
      cell.append(button("Edit", "edit", item.id, `Edit your ${what}`),
        button("Remove", "remove", item.id, `Remove your ${what}`));
    }
  }
  return cell;
}

function sync(container, rows) {
  // Keyed redraw: a row is rebuilt only when what it shows changed, so focus and reading place stay.
  const existing = new Map([...container.children].map((node) => [node.dataset.key, node]));
  rows.forEach(({ key, signature, build }, index) => {
    let node = existing.get(key);
    if (!node || node.dataset.signature !== signature) {
      const fresh = build();
      fresh.dataset.key = key;
      fresh.dataset.signature = signature;
      if (node) {
        const focusedAction = node.contains(document.activeElement) ? document.activeElement.dataset.action : null;
        node.replaceWith(fresh);
        if (focusedAction) {
          (fresh.querySelector(`[data-action="${focusedAction}"]`) ?? fresh.querySelector("button"))?.focus();
        }
      }
      node = fresh;
    }
    existing.delete(key);
    if (container.children[index] !== node) container.insertBefore(node, container.children[index] ?? null);
  });
  for (const node of existing.values()) node.remove();
}

function changeState(item) {
  const change = pendingChange(item.id);
  return `${change?.type ?? ""}|${isOwn(item)}|${confirming === item.id}|${link.finished}`;
}

function renderTimeline() {
  const events = [...room.events.values()].sort((a, b) => (Date.parse(a.time) || 0) - (Date.parse(b.time) || 0));
  const change = (event) => pendingChange(event.id);
  const multiDay = spansDays(events);
  sync($("timeline-body"), events.map((event) => {
    const edit = change(event)?.type === "edit" ? change(event).line : null;
    const time = shownTime(event.time, multiDay);
    return {
      key: event.id,
      signature: JSON.stringify([time, event.description, event.actor, event.author, edit, changeState(event)]),
      build: () => {
        const row = element("tr");
        if (change(event)?.type === "remove") row.className = "removing";
        const cells = edit === null ? [time, event.description, event.actor, event.author]
          : ["", edit, "", event.author];
        ["Time", "Event", "Actor", "Author"].forEach((label, i) => {
          const cell = element("td", cells[i]);
          cell.dataset.label = label;
          row.append(cell);
        });
        const last = element("td", null, "actions");
        last.append(actions(event, "event"));
        row.append(last);
        return row;
      },
    };
  }));
  $("timeline-empty").hidden = events.length > 0;
}

function renderObservations() {
  for (const kind of Object.keys(KIND_WORDS)) {
    const items = [...room.observations.values()].filter((o) => o.kind === kind);
    sync($(`obs-${kind}`), items.map((observation) => {
      const change = pendingChange(observation.id);
      const text = change?.type === "edit" ? change.line : observation.text;
      return {
        key: observation.id,
        signature: JSON.stringify([text, observation.author, changeState(observation)]),
        build: () => {
          const item = element("li", null, change?.type === "remove" ? "removing" : "");
          item.append(element("span", text, "text"));
          if (observation.author) item.append(element("span", ` — ${observation.author}`, "author"));
          const tools = element("span", null, "actions");
          tools.append(actions(observation, "observation"));
          item.append(tools);
          return item;
        },
      };
    }));
  }
}

function renderChain() {
  const box = $("chain");
  const chain = room.chain;
  const content = [];
  if (!chain) {
    content.push(element("p", "No chain yet: the facilitator starts one in the Five Whys phase.", "empty"));
  } else {
    const problem = element("p", null, "problem");
    problem.append(element("strong", "Problem: "), document.createTextNode(chain.problem ?? ""));
    content.push(problem);
    const whys = element("ol", null, "whys");
    for (const why of chain.whys ?? []) {
      whys.append(element("li", `${why.text}${why.author ? ` — ${why.author}` : ""}`));
    }
    if (whys.children.length) content.push(whys);
    const waiting = [...(chain.proposals ?? []).map((w) => ["proposed", w]),
      ...(chain.set_aside ?? []).filter(isOwn).map((w) => ["set aside", w])];
    if (waiting.length) {
      const list = element("ul", null, "proposals");
      for (const [label, why] of waiting) list.append(element("li", `${label}: ${why.text} — ${why.author || "?"}`));
      content.push(element("h3", "Proposed answers"), list);
    }
    if (chain.root_cause) {
      const root = element("p", null, "root-cause");
      root.append(element("strong", `Root cause (${chain.root_cause.category || "?"}): `),
        document.createTextNode(chain.root_cause.text ?? ""));
      content.push(root);
    }
  }
  box.replaceChildren(...content);
}

function renderPending() {
  const adds = me.outbox.filter((m) => m.type === "entry");
  sync($("pending"), adds.map((message) => ({
    key: message.id,
    signature: message.line,
    build: () => {
      const item = element("li");
      item.append(element("span", PENDING, "pending-mark"), document.createTextNode(` ${message.line}`));
      return item;
    },
  })));
}

function renderHeader() {
  const incident = room.incident;
  const title = incident?.title || "Post-mortem notes";
  $("meeting-title").textContent = title;
  document.title = `${title} — pmtui note-taker`;
  const clock = room.clock;
  if (clock) $("phase").textContent = `Phase ${clock.index + 1}/${clock.count}: ${clock.title}`;
  $("entry-hint").textContent = PHASE_HINTS[clock?.kind] ?? EVENT_HINT;
  if (link.joined) {
    const waiting = me.outbox.length;
    const stored = waiting ? ` · ${waiting} ${PENDING}` : " · all stored";
    setStatus("connected", `connected as ${me.identity.name}${stored}`);
  }
}

function render() {
  renderHeader();
  renderTimeline();
  renderObservations();
  renderChain();
  renderPending();
}

// --- typing --------------------------------------------------------------------------------------

function saveDraft() {
  try {
    localStorage.setItem(DRAFT_KEY, $("entry").value);
  } catch { /* the draft is a convenience */ }
}

function submitEntry(event) {
  event.preventDefault();
  const field = $("entry");
  const line = field.value.trim();
  if (!line) return;
  if (document.body.classList.contains("ended")) {
    $("entry-error").textContent = "The meeting has ended: nothing more is taken; keep this note elsewhere.";
    return;
  }
  $("entry-error").textContent = "";
  field.value = "";
  saveDraft();
  queue({ type: "entry", id: newId(), line });
}

function typed() {
  saveDraft();
  const now = Date.now();
  if (link.joined && now - link.lastTyping >= TYPING_EVERY) {
    link.lastTyping = now;
    send({ type: "typing" });
  }
}

function startEdit(item, line) {
  const event = room.events.get(item);
  const observation = room.observations.get(item);
  if (!event && !observation) return;
  editing = item;
  const form = $("edit-form");
  const input = $("edit-input");
  input.value = line ?? (event ? eventLine(event) : `${KIND_MARKS[observation.kind] ?? "+"} ${observation.text}`);
  form.hidden = false;
  input.focus();
}

function stopEdit() {
  const item = editing;
  editing = null;
  $("edit-form").hidden = true;
  const back = document.querySelector(`[data-action="edit"][data-item="${CSS.escape(item ?? "")}"]`);
  (back ?? $("entry")).focus();
}

function saveEdit(event) {
  event.preventDefault();
  const line = $("edit-input").value.trim();
  if (!editing || !line) return;
  const item = editing;
  stopEdit();
  queue({ type: "edit", id: newId(), item, line });
}

function act(event) {
  const target = event.target.closest("button[data-action]");
  if (!target) return;
  const item = target.dataset.item;
  switch (target.dataset.action) {
    case "edit":
      startEdit(item);
      return;
    case "remove":
      confirming = item;
      break;
    case "remove-no":
      confirming = null;
      break;
    case "remove-yes":
      confirming = null;
      queue({ type: "remove", id: newId(), item });
      $("entry").focus();
      return;
    default:
      return;
  }
  render();
}

function setContrast(high) {
  document.documentElement.dataset.contrast = high ? "high" : "";
  $("contrast-toggle").setAttribute("aria-pressed", String(high));
  try {
    localStorage.setItem(CONTRAST_KEY, high ? "high" : "");
  } catch { /* a preference only */ }
}

function start() {
  setContrast(localStorage.getItem(CONTRAST_KEY) === "high");
  const field = $("entry");
  if (!field.value) field.value = localStorage.getItem(DRAFT_KEY) ?? ""; // keys typed before this ran stay
  field.focus();
  field.setSelectionRange(field.value.length, field.value.length);
  $("entry-form").addEventListener("submit", submitEntry);
  field.addEventListener("input", typed);
  $("edit-form").addEventListener("submit", saveEdit);
  $("edit-cancel").addEventListener("click", stopEdit);
  $("edit-form").addEventListener("keydown", (event) => {
    if (event.key === "Escape") stopEdit();
  });
  $("main").addEventListener("click", act);
  $("main").addEventListener("keydown", (event) => {
    // Esc on an entry's buttons: back to typing (a removal being asked about is not made).
    if (event.key !== "Escape" || !event.target.closest(".actions")) return;
    confirming = null;
    render();
    $("entry").focus();
  });
  $("contrast-toggle").addEventListener("click", () => {
    setContrast(document.documentElement.dataset.contrast !== "high");
  });
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token-input").value.trim();
    if (!token) return;
    me.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    $("token-input").value = "";
    $("token-panel").hidden = true;
    $("token-error").textContent = "";
    $("entry").focus();
    link.attempt = 0;
    connect();
  });
  $("name-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("name-input").value.trim();
    if (!name) return;
    me.identity = { name, key: me.identity?.key }; // the key is who this is; the name only how it shows
    $("name-error").textContent = "";
    sendHello();
  });
  me.token = takeTokenFromLink();
  render();
  setInterval(tick, 250);
  addEventListener("online", () => {
    // The network is back (a closed lid, a new Wi-Fi): try now rather than at the end of a long backoff.
    if (link.timer !== null) {
      link.attempt = 0;
      connect();
    }
  });
  connect();
}

start();
