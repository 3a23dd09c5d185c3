// Entry point: tabs between the pages, then each page's setup. Plain ES modules, no build step.
import { initSolve } from "./solve.js";
import { initPlay } from "./play.js";

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t === tab);
    for (const page of document.querySelectorAll(".page")) page.hidden = page.id !== `page-${tab.dataset.page}`;
  });
}

Promise.all([initSolve(), initPlay()])
  .then(() => { document.body.dataset.ready = "1"; })
  .catch((e) => { document.getElementById("status").textContent = e.message; });
