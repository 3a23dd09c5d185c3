// The solve page: spot form (board picker, ranges with live combo counts), progress over
// server-sent events, and the browser of a finished solve (line, grid, actions, hands).
import { get, post, api } from "./api.js";
import { aggregate, drawGrid, drawMini, actionColours, pct } from "./grid.js";

const $ = (id) => document.getElementById(id);
const SUITS = "cdhs";
const CARD_RANKS = "AKQJT98765432";
let baseSpot = null;
let current = null; // { id, steps: [], report }
let events = null;
export const timings = {};
window.ponderTimings = timings;

function parseCards(text) {
  const cards = [];
  const t = text.replace(/\s+/g, "");
  for (let i = 0; i + 1 < t.length; i += 2) cards.push(t[i].toUpperCase() + t[i + 1].toLowerCase());
  return cards;
}

function cardPicker(element, isOn, isOff, onClick) {
  const cells = [];
  for (const s of SUITS) {
    for (const r of CARD_RANKS) {
      const card = r + s;
      const d = document.createElement("div");
      d.className = `card s-${s}`;
      d.textContent = r + { c: "♣", d: "♦", h: "♥", s: "♠" }[s];
      d.dataset.card = card;
      if (isOn(card)) d.classList.add("on");
      if (isOff(card)) d.classList.add("off");
      else d.addEventListener("click", () => onClick(card));
      cells.push(d);
    }
  }
  element.replaceChildren(...cells);
}

function drawBoardPicker() {
  const board = parseCards($("board").value);
  cardPicker($("board-picker"), (c) => board.includes(c), () => false, (card) => {
    const now = parseCards($("board").value);
    const next = now.includes(card) ? now.filter((c) => c !== card) : now.length < 5 ? [...now, card] : now;
    $("board").value = next.join("");
    drawBoardPicker();
    refreshRanges();
  });
}

let rangeTimer = null;
function refreshRanges() {
  clearTimeout(rangeTimer);
  rangeTimer = setTimeout(async () => {
    for (const [input, combos, grid] of [["oop-range", "oop-combos", "oop-grid"], ["ip-range", "ip-combos", "ip-grid"]]) {
      try {
        const r = await post("/api/range", { range: $(input).value, board: $("board").value });
        $(combos).textContent = `${r.combos.toFixed(1)} combos on this board (${r.combos_without_board} before blockers)`;
        $(combos).classList.remove("error");
        drawMini($(grid), r.grid);
      } catch (e) {
        $(combos).textContent = e.message;
        $(combos).classList.add("error");
      }
    }
  }, 150);
}

function spotFromForm() {
  const spot = structuredClone(baseSpot);
  spot.board = $("board").value.trim();
  spot.oop_range = $("oop-range").value.trim();
  spot.ip_range = $("ip-range").value.trim();
  spot.starting_pot = Number($("pot").value);
  spot.effective_stack = Number($("stack").value);
  spot.bet_sizes = { bet: $("bets").value, raise: $("raises").value };
  delete spot.bet_sizes_by_street;
  return spot;
}

function showProgress(p) {
  const frac = p.max_iterations ? p.iteration / p.max_iterations : 0;
  $("progress-bar").style.width = `${Math.min(100, frac * 100)}%`;
  const expl = p.exploitability_pct == null ? "-" : `${p.exploitability_pct.toFixed(3)}% pot`;
  const queue = p.state === "queued" && p.queue_position ? ` (position ${p.queue_position})` : "";
  $("progress-text").textContent = `${p.state}${queue}: iteration ${p.iteration}/${p.max_iterations}, exploitability ${expl}`;
  if (p.error) $("form-error").textContent = p.error;
}

function follow(id, started) {
  if (events) events.close();
  $("cancel").disabled = false;
  events = new EventSource(`/api/solves/${id}/events`);
  events.addEventListener("progress", async (e) => {
    const p = JSON.parse(e.data);
    showProgress(p);
    if (["done", "cancelled", "failed"].includes(p.state)) {
      events.close();
      events = null;
      $("cancel").disabled = true;
      $("solve").disabled = false;
      loadFiles();
      if (p.state !== "failed") {
        await browse(id);
        if (started) {
          timings.solveToGrid = performance.now() - started;
          $("status").textContent = `solved and drawn in ${(timings.solveToGrid / 1000).toFixed(2)} s`;
        }
      }
    }
  });
}

async function submit(event) {
  event.preventDefault();
  $("form-error").textContent = "";
  const started = performance.now();
  $("solve").disabled = true;
  try {
    const summary = await post("/api/solves", {
      spot: spotFromForm(),
      max_iterations: Number($("iterations").value),
      target_pct: Number($("target").value),
    });
    showProgress(summary);
    follow(summary.id, started);
  } catch (e) {
    $("form-error").textContent = e.message;
    $("solve").disabled = false;
  }
}

async function cancel() {
  if (!current && !events) return;
  const id = events ? events.url.split("/").slice(-2)[0] : current.id;
  try { await api("DELETE", `/api/solves/${id}`); } catch (e) { $("form-error").textContent = e.message; }
}

export async function loadFiles() {
  const files = await get("/api/files");
  const items = files.map((f) => {
    const li = document.createElement("li");
    const b = document.createElement("a");
    b.href = "#";
    b.textContent = f.id;
    b.addEventListener("click", async (e) => {
      e.preventDefault();
      try {
        await post(`/api/files/${encodeURIComponent(f.id)}/open`);
        await browse(f.id);
      } catch (err) { $("form-error").textContent = err.message; }
    });
    li.append(b, ` ${f.board || ""} ${f.iteration == null ? "" : f.iteration + " it"} ${f.error || ""}`);
    return li;
  });
  $("files").replaceChildren(...items);
}

async function browse(id) {
  current = { id, steps: [] };
  $("browser").hidden = false;
  await loadNode();
}

async function loadNode() {
  const line = current.steps.join(",");
  try {
    const report = await get(`/api/solves/${current.id}/node?line=${encodeURIComponent(line)}`);
    current.report = report;
    $("line-error").textContent = "";
    render(report);
  } catch (e) {
    $("line-error").textContent = e.message;
    current.steps.pop();
  }
}

function go(step) {
  current.steps.push(step);
  loadNode();
}

function render(report) {
  // Line: the root and each step, each a link back to that node.
  const items = [];
  const names = ["(root)", ...current.steps];
  names.forEach((name, i) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.textContent = name;
    a.addEventListener("click", () => { current.steps = current.steps.slice(0, i); loadNode(); });
    li.appendChild(a);
    items.push(li);
  });
  $("line").replaceChildren(...items);
  const next = $("next");
  if (report.kind === "player") {
    next.replaceChildren(...report.actions.map((a) => {
      const b = document.createElement("button");
      b.textContent = `${report.player} ${a}`;
      b.dataset.action = a;
      b.addEventListener("click", () => go(a));
      return b;
    }));
  } else if (report.kind === "chance") {
    const board = parseCards(report.board);
    const div = document.createElement("div");
    div.className = "cards";
    cardPicker(div, () => false, (c) => board.includes(c), (c) => go(c));
    const p = document.createElement("p");
    p.textContent = "deal a card:";
    next.replaceChildren(p, div);
  } else {
    const p = document.createElement("p");
    p.textContent = `hand over (${report.kind})`;
    next.replaceChildren(p);
  }
  const expl = report.exploitability_pct == null ? "-" : `${report.exploitability_pct.toFixed(3)}% pot`;
  $("node-head").textContent = `${report.kind === "player" ? report.player + " to act" : report.kind}, board ${report.board}, pot ${report.pot}; range EV ${report.range_ev.toFixed(2)}, equity ${pct(report.range_equity)}; ${report.iterations} iterations, exploitability ${expl}`;
  const t0 = performance.now();
  const byClass = aggregate(report);
  const colours = drawGrid($("grid"), report, byClass, (cls) => showClass(cls, true), (cls) => showClass(cls, false));
  timings.grid = performance.now() - t0;
  $("legend").replaceChildren(...(report.kind === "player" ? report.actions : []).map((a, k) => {
    const s = document.createElement("span");
    const i = document.createElement("i");
    i.style.background = colours[k];
    s.append(i, a);
    return s;
  }));
  $("actions").tBodies[0].replaceChildren(...report.by_action.map((a) => {
    const tr = document.createElement("tr");
    for (const text of [a.action, pct(a.frequency), a.combos.toFixed(1), a.ev.toFixed(2)]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    return tr;
  }));
  const q = `line=${encodeURIComponent(current.steps.join(","))}`;
  $("export-json").href = `/api/solves/${current.id}/export?format=json&${q}`;
  $("export-csv").href = `/api/solves/${current.id}/export?format=csv&${q}`;
  current.byClass = byClass;
  current.pinned = null;
  showCategories(report);
  $("detail-title").textContent = "Hands (click a cell)";
  $("cell-freqs").replaceChildren();
  $("hands").tBodies[0].replaceChildren();
}

function row(cells, header) {
  const tr = document.createElement("tr");
  for (const text of cells) {
    const td = document.createElement(header ? "th" : "td");
    td.textContent = text;
    tr.appendChild(td);
  }
  return tr;
}

function showCategories(report) {
  const actions = report.kind === "player" ? report.actions : [];
  $("categories").tHead.replaceChildren(row(["category", "combos", "EV", "equity", ...actions], true));
  $("categories").tBodies[0].replaceChildren(...report.by_category.map((c) =>
    row([c.category, c.combos.toFixed(1), c.ev.toFixed(2), pct(c.equity), ...c.frequencies.map(pct)])));
}

function showClass(cls, pin) {
  if (!current || !current.byClass) return;
  if (!pin && current.pinned) return;
  if (pin) {
    current.pinned = cls;
    document.querySelectorAll(".cell.selected").forEach((c) => c.classList.remove("selected"));
    const cell = document.getElementById(`cell-${cls}`);
    if (cell) cell.classList.add("selected");
  }
  const report = current.report;
  const entry = current.byClass.get(cls);
  if (!entry) return;
  const actions = report.kind === "player" ? report.actions : [];
  $("detail-title").textContent = `${cls}: ${entry.hands.length} hands, weight ${entry.weight.toFixed(2)}`;
  $("cell-freqs").replaceChildren(...actions.map((a, k) => {
    const s = document.createElement("span");
    s.className = "freq";
    s.dataset.action = a;
    s.textContent = `${a} ${pct(entry.freqs[k])}`;
    s.style.marginRight = "1em";
    return s;
  }));
  $("hands").tHead.replaceChildren(row(["hand", "weight", "EV", "equity", ...actions], true));
  $("hands").tBodies[0].replaceChildren(...entry.hands.map((h) => {
    const tr = row([h.hand + (h.locked ? "*" : ""), h.weight.toFixed(3), h.ev.toFixed(2), pct(h.equity), ...h.strategy.map(pct)]);
    tr.dataset.hand = h.hand;
    return tr;
  }));
}

export async function initSolve() {
  baseSpot = await get("/api/spots/default");
  $("board").value = baseSpot.board;
  $("oop-range").value = baseSpot.oop_range;
  $("ip-range").value = baseSpot.ip_range;
  $("pot").value = baseSpot.starting_pot;
  $("stack").value = baseSpot.effective_stack;
  $("bets").value = (baseSpot.bet_sizes && baseSpot.bet_sizes.bet) || "";
  $("raises").value = (baseSpot.bet_sizes && baseSpot.bet_sizes.raise) || "";
  drawBoardPicker();
  refreshRanges();
  for (const id of ["board", "oop-range", "ip-range"]) $(id).addEventListener("input", () => { refreshRanges(); if (id === "board") drawBoardPicker(); });
  $("spot-form").addEventListener("submit", submit);
  $("cancel").addEventListener("click", cancel);
  await loadFiles();
}
