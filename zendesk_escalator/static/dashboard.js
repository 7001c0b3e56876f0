// The dashboard's script (a static file: the page's Content-Security-Policy allows no inline script).
// It keeps the SLA countdowns current, and reloads the page every minute while the reader leaves the
// "Refresh every minute" box ticked (a page that refreshes itself with no way to stop it fails WCAG 2.2.1).
// Each <span data-breach-at="EPOCH"> says the time left until that breach, or since it, as the server writes it.
"use strict";

const REFRESH_MS = 60000;
const KEY = "escalator-dashboard-refresh";

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

let reload = null;

function plan(box) {
  clearTimeout(reload);
  localStorage.setItem(KEY, box.checked ? "on" : "off");
  if (box.checked) {
    reload = setTimeout(() => location.reload(), REFRESH_MS);
  }
}

const box = document.getElementById("auto-refresh");
if (box) {
  box.checked = localStorage.getItem(KEY) !== "off";
  box.addEventListener("change", () => plan(box));
  plan(box);
}
tick();
setInterval(tick, 15000);
