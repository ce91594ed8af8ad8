// The Walrus web page: appends with POST /topics/{topic}, lists topics with GET /topics,
// and watches up to MAX_WATCHED topics live with one EventSource each
// (GET /topics/{topic}/stream, SSE id = offset, so a reconnect resumes by Last-Event-ID,
// or by ?lastEventId= when a new EventSource replaces one that gave up).
'use strict';

const MAX_WATCHED = 4;      // browsers allow ~6 HTTP/1.1 connections per server
const SHOWN = 10;           // messages kept per card
const REFRESH_MS = 3000;    // topic table refresh (new topics, consumers, disk use)
const RETRY_MS = 3000;      // pause before replacing an EventSource that gave up

const watched = new Map();  // topic -> {source, card, count}
let stats = new Map();      // topic -> last summary from GET /topics

const $ = (sel, root = document) => root.querySelector(sel);
const path = topic => '/topics/' + encodeURIComponent(topic);

async function problemText(response) {
  try {
    const p = await response.json();
    return (p.title || response.status) + ': ' + (p.detail || '');
  } catch (e) {
    return 'HTTP ' + response.status;
  }
}

async function append(event) {
  event.preventDefault();
  const topic = $('#topic-input').value.trim();
  const message = $('#message-input').value;
  const status = $('#append-status');
  try {
    const response = await fetch(path(topic), {
      method: 'POST', headers: {'Content-Type': 'text/plain;charset=utf-8'}, body: message });
    if (!response.ok) {
      status.textContent = await problemText(response);
      status.className = 'status bad';
      return;
    }
    const result = await response.json();
    status.textContent = `Appended to “${result.topic}” at offset ${result.offset}.`;
    status.className = 'status ok';
    $('#message-input').value = '';
    $('#message-input').focus();
    if (!watched.has(topic)) {
      watch(topic, result.offset);
    }
    refreshTopics();
  } catch (e) {
    status.textContent = 'Network error: ' + e.message;
    status.className = 'status bad';
  }
}

function watch(topic, from) {
  if (watched.has(topic)) {
    return;
  }
  if (watched.size >= MAX_WATCHED) {
    unwatch(watched.keys().next().value);   // the oldest watch makes room
  }
  const card = document.createElement('article');
  card.className = 'card';
  card.dataset.topic = topic;
  card.innerHTML = '<header><h3></h3><span class="state">connecting…</span></header>'
      + '<div><span class="count">0</span> entries</div><ol class="messages"></ol>';
  $('h3', card).textContent = topic;
  $('#cards').appendChild(card);
  const w = {card, count: 0, source: null, lastId: null};   // lastId: last offset shown
  const known = stats.get(topic);
  if (known) {
    setCount(w, known.nextOffset);
  }
  watched.set(topic, w);
  connect(topic, w, from);
  renderTopics();
}

// Opens the topic's EventSource. While it is open the browser reconnects by itself after
// a dropped connection, sending Last-Event-ID. If it gives up (CLOSED: the server answered
// an error, e.g. 503 while restarting), a new one resumes after the last event this card
// saw (?lastEventId=, the same as the header), so no entry is skipped or shown twice; a
// card that saw no event yet starts again at the topic's last entries.
function connect(topic, w, from) {
  const url = w.lastId === null ? path(topic) + '/stream?from=' + from
      : path(topic) + '/stream?lastEventId=' + w.lastId;
  const source = new EventSource(url);
  w.source = source;
  const state = $('.state', w.card);
  source.onopen = () => { state.textContent = 'live'; state.className = 'state live'; };
  source.addEventListener('entry', e => {
    const entry = JSON.parse(e.data);
    if (w.lastId !== null && entry.offset <= w.lastId) {
      return;   // already shown (a resume never repeats one, but be safe)
    }
    w.lastId = entry.offset;
    setCount(w, entry.offset + 1);
    const li = document.createElement('li');
    li.className = 'fresh';
    li.innerHTML = '<span class="off"></span><span class="text"></span>';
    $('.off', li).textContent = '#' + entry.offset;
    if (entry.timestamp) {
      $('.off', li).title = 'appended ' + entry.timestamp;   // ISO-8601, UTC
    }
    $('.text', li).textContent = entry.encoding === 'utf-8' ? entry.data : '(binary) ' + entry.data;
    const list = $('ol', w.card);
    list.prepend(li);
    while (list.children.length > SHOWN) {
      list.lastChild.remove();
    }
  });
  source.onerror = () => {
    state.textContent = 'reconnecting…';
    state.className = 'state down';
    if (source.readyState === EventSource.CLOSED && watched.get(topic) === w) {
      // the browser gave up: open a new source after a pause, from where this card was
      setTimeout(() => {
        if (watched.get(topic) === w && w.source === source) connect(topic, w, startFor(topic));
      }, RETRY_MS);
    }
  };
}

function setCount(w, n) {
  if (n > w.count) {
    w.count = n;
    $('.count', w.card).textContent = n.toLocaleString();
    const row = document.querySelector(`#topics tr[data-topic="${CSS.escape(w.card.dataset.topic)}"] .entries`);
    if (row) row.textContent = n.toLocaleString();
  }
}

function unwatch(topic) {
  const w = watched.get(topic);
  if (!w) return;
  w.source.close();
  w.card.remove();
  watched.delete(topic);
  renderTopics();
}

function startFor(topic) {
  const s = stats.get(topic);
  return s ? Math.max(s.firstOffset, s.nextOffset - SHOWN) : 'earliest';
}

async function refreshTopics() {
  try {
    const response = await fetch('/topics');
    if (!response.ok) return;
    const list = await response.json();
    stats = new Map(list.map(t => [t.topic, t]));
    renderTopics();
    $('#topics-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    $('#topics-updated').textContent = 'server unreachable, retrying…';
  }
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}

function renderTopics() {
  const body = $('#topics tbody');
  body.textContent = '';
  $('#no-topics').hidden = stats.size > 0;
  for (const t of stats.values()) {
    const w = watched.get(t.topic);
    const tr = document.createElement('tr');
    tr.dataset.topic = t.topic;
    const consumers = Object.entries(t.consumers).map(([k, v]) => `${k} (${v})`);
    if (t.sharedUnread !== null) consumers.unshift(`shared (${t.sharedUnread})`);
    const cells = [t.topic, Math.max(t.nextOffset, w ? w.count : 0).toLocaleString(),
      t.retainedEntries.toLocaleString(), bytes(t.retainedBytes), consumers.join(', ') || '—'];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i === 1) td.className = 'num entries';
      if (i === 2 || i === 3) td.className = 'num';
      tr.appendChild(td);
    });
    const td = document.createElement('td');
    const button = document.createElement('button');
    button.className = 'link';
    button.textContent = w ? 'unwatch' : 'watch';
    button.onclick = () => w ? unwatch(t.topic) : watch(t.topic, startFor(t.topic));
    td.appendChild(button);
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

async function start() {
  $('#append-form').addEventListener('submit', append);
  await refreshTopics();
  for (const topic of [...stats.keys()].slice(0, MAX_WATCHED)) {
    watch(topic, startFor(topic));
  }
  setInterval(refreshTopics, REFRESH_MS);
}

start();
