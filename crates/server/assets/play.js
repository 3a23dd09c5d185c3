// The play page: a heads-up no-limit session against a bot, one hand at a time.
import { get, post } from "./api.js";

const $ = (id) => document.getElementById(id);
let session = null;

function show(view) {
  session = view;
  $("play-deal").disabled = false;
  $("play-phh").hidden = view.hands.length === 0;
  $("play-phh").href = `/api/play/${view.id}/phh`;
  $("play-phh").download = `${view.id}.phhs`;
  const r = view.result;
  const ci = r.ci95_bb_per_100 == null ? "" : ` ± ${r.ci95_bb_per_100.toFixed(1)}`;
  $("match").textContent = `vs ${view.bot}, seed ${view.seed}: ${r.hands} hands, ${r.total_bb.toFixed(1)} bb, ${r.bb_per_100.toFixed(1)}${ci} bb/100 (95%)`;
  const hand = view.hand;
  if (!hand) return;
  $("table").hidden = false;
  $("hand-info").textContent = `hand ${hand.number}, seed ${hand.seed}, ${hand.button === hand.human_seat ? "you are" : "the bot is"} on the button; ${hand.street}`;
  $("your-cards").textContent = hand.hole;
  $("bot-cards").textContent = hand.bot_hole || "?? ??";
  $("board-cards").textContent = hand.board || "(no board yet)";
  $("pot-text").textContent = `pot ${hand.pot}` + (hand.over ? `: you ${hand.human_chips >= 0 ? "won" : "lost"} ${Math.abs(hand.human_chips)}` : "");
  $("your-stack").textContent = `${hand.stacks[hand.human_seat]} behind, ${hand.street_bets[hand.human_seat]} in`;
  $("bot-stack").textContent = `${hand.stacks[1 - hand.human_seat]} behind, ${hand.street_bets[1 - hand.human_seat]} in`;
  $("log").replaceChildren(...hand.log.map((line) => { const li = document.createElement("li"); li.textContent = line; return li; }));
  const legal = hand.legal;
  $("moves").hidden = !legal;
  $("play-deal").disabled = !hand.over;
  if (legal) {
    $("act-fold").disabled = !legal.can_fold;
    $("act-call").textContent = legal.call === 0 ? "Check" : `Call ${legal.call}`;
    const canRaise = legal.min_raise != null;
    $("act-raise").disabled = !canRaise;
    $("raise-amount").disabled = !canRaise;
    if (canRaise) {
      $("raise-amount").min = legal.min_raise;
      $("raise-amount").max = legal.max_raise;
      $("raise-amount").value = legal.min_raise;
      $("act-raise").textContent = hand.street_bets.some((b) => b > 0) ? "Raise to" : "Bet";
    }
  }
}

async function act(action, amount) {
  $("play-error").textContent = "";
  try {
    const body = amount == null ? { action } : { action, amount };
    show(await post(`/api/play/${session.id}/act`, body));
  } catch (e) { $("play-error").textContent = e.message; }
}

export async function initPlay() {
  const bots = await get("/api/bots");
  $("bot").replaceChildren(...bots.map((b) => { const o = document.createElement("option"); o.value = o.textContent = b; return o; }));
  $("bot").value = bots.includes("equity") ? "equity" : bots[0];
  $("play-start").addEventListener("click", async () => {
    $("play-error").textContent = "";
    try {
      const seed = $("seed").value === "" ? undefined : Number($("seed").value);
      show(await post("/api/play", { bot: $("bot").value, seed }));
      show(await post(`/api/play/${session.id}/deal`));
    } catch (e) { $("play-error").textContent = e.message; }
  });
  $("play-deal").addEventListener("click", async () => {
    try { show(await post(`/api/play/${session.id}/deal`)); } catch (e) { $("play-error").textContent = e.message; }
  });
  $("act-fold").addEventListener("click", () => act("fold"));
  $("act-call").addEventListener("click", () => act(session.hand.legal.call === 0 ? "check" : "call"));
  $("act-raise").addEventListener("click", () => {
    const raising = session.hand.street_bets.some((b) => b > 0);
    act(raising ? "raise" : "bet", Number($("raise-amount").value));
  });
}
