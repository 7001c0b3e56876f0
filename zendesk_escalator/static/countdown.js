// The dashboard's SLA countdowns, kept current between the page's refreshes (every minute).
// Each <span data-breach-at="EPOCH"> says the time left until that breach, or since it, as the server writes it.
"use strict";

function span(seconds) {
  let minutes = Math.max(0, Math.round(seconds / 60));
  const days = Math.floor(minutes / 1440);
  minutes -= days * 1440;
  const hours = Math.floor(minutes / 60);
  minutes -= hours * 60;
  const parts = [days ? days + " d" : "", hours ? hours + " h" : "", minutes ? minutes + " min" : ""];
  return parts.filter(Boolean).join(" ") || "0 min";
}

function tick() {
  const now = Date.now() / 1000;
  for (const shown of document.querySelectorAll("[data-breach-at]")) {
    const left = Number(shown.dataset.breachAt) - now;
    shown.textContent = left > 0 ? span(left) + " left" : "breached " + span(-left) + " ago";
    shown.className = left <= 0 ? "late" : left <= 3600 ? "soon" : "ok";
  }
}

tick();
setInterval(tick, 15000);
