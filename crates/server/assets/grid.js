// The 13x13 hand-class grid: classes aggregated from a node's hands exactly as `ponder show` does
// (weight-averaged strategy per class), each cell drawn as bars of action frequencies.
export const RANKS = "AKQJT98765432";

export function classAt(row, col) {
  const r = RANKS[row], c = RANKS[col];
  if (row === col) return r + c;
  return row < col ? `${r}${c}s` : `${c}${r}o`;
}

const PASSIVE = { fold: "#5b8fd9", check: "#5cb85c", call: "#5cb85c" };
const AGGRESSIVE = ["#f0ad4e", "#e8743b", "#d9534f", "#a8322d", "#7a1f1c", "#4f1412"];

export function actionColours(actions) {
  let k = 0;
  return actions.map((a) => PASSIVE[a.split(" ")[0]] || AGGRESSIVE[Math.min(k++, AGGRESSIVE.length - 1)]);
}

// class -> { weight, freqs: [per action], hands: [hand reports] }
export function aggregate(report) {
  const byClass = new Map();
  for (const hand of report.hands) {
    let entry = byClass.get(hand.class);
    if (!entry) {
      entry = { weight: 0, sums: new Array(report.actions.length).fill(0), hands: [] };
      byClass.set(hand.class, entry);
    }
    entry.weight += hand.weight;
    hand.strategy.forEach((s, k) => { entry.sums[k] += hand.weight * s; });
    entry.hands.push(hand);
  }
  for (const entry of byClass.values()) {
    entry.freqs = entry.sums.map((s) => (entry.weight > 0 ? s / entry.weight : 0));
  }
  return byClass;
}

export function pct(x) {
  return `${(x * 100).toFixed(1)}%`;
}

// Draws the grid into `element`; `onPick(class)` on click, `onHover(class)` on hover.
export function drawGrid(element, report, byClass, onPick, onHover) {
  const colours = actionColours(report.actions);
  const isPlayer = report.kind === "player";
  const cells = [];
  for (let row = 0; row < 13; row++) {
    for (let col = 0; col < 13; col++) {
      const cls = classAt(row, col);
      const entry = byClass.get(cls);
      const cell = document.createElement("div");
      cell.className = "cell";
      cell.dataset.class = cls;
      cell.id = `cell-${cls}`;
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = cls;
      if (!entry || entry.weight <= 0) {
        cell.classList.add("empty");
      } else {
        const bars = document.createElement("div");
        bars.className = "bars";
        if (isPlayer) {
          entry.freqs.forEach((f, k) => {
            if (f <= 0) return;
            const bar = document.createElement("div");
            bar.style.width = `${f * 100}%`;
            bar.style.background = colours[k];
            bars.appendChild(bar);
          });
        } else {
          bars.style.background = "#b8c7d9";
        }
        cell.appendChild(bars);
        cell.title = isPlayer ? `${cls}: ` + report.actions.map((a, k) => `${a} ${pct(entry.freqs[k])}`).join(", ") : cls;
        cell.addEventListener("click", () => onPick(cls));
        cell.addEventListener("mouseenter", () => onHover(cls));
      }
      cell.appendChild(label);
      cells.push(cell);
    }
  }
  element.replaceChildren(...cells);
  return colours;
}

// The 13x13 weights of a range (`POST /api/range` grid) as a small heat map.
export function drawMini(element, grid) {
  const cells = [];
  for (let row = 0; row < 13; row++) {
    for (let col = 0; col < 13; col++) {
      const d = document.createElement("div");
      const w = grid[row][col];
      if (w > 0) d.style.background = `rgba(42, 111, 151, ${0.25 + 0.75 * w})`;
      d.title = `${classAt(row, col)} ${w.toFixed(2)}`;
      cells.push(d);
    }
  }
  element.replaceChildren(...cells);
}
