// Mandate dashboard: small enhancements only. Every page works without this file.
"use strict";

document.addEventListener("submit", (event) => {
  // Prevent a double submission (two sign-ins, two codes) while the first is on its way.
  // Disabled after the browser has collected the form data, so the submit button's value is kept.
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.dataset.submitting === "true") {
    event.preventDefault();
    return;
  }
  form.dataset.submitting = "true";
  setTimeout(() => {
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
  }, 0);
});

window.addEventListener("pageshow", (event) => {
  // Coming back with the back button: forms must be usable again.
  if (!event.persisted) return;
  for (const form of document.querySelectorAll("form[data-submitting]")) {
    delete form.dataset.submitting;
    for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = false;
  }
});

// "You can ask for a new code in 30 seconds": count down to the resend (the server enforces it).
for (const hint of document.querySelectorAll("[data-countdown]")) {
  const counter = hint.querySelector(".countdown");
  let remaining = Number.parseInt(hint.dataset.countdown, 10);
  if (!counter || !Number.isFinite(remaining)) continue;
  const timer = setInterval(() => {
    remaining -= 1;
    if (remaining > 0) {
      counter.textContent = String(remaining);
    } else {
      clearInterval(timer);
      hint.textContent = "You can ask for a new code now.";
    }
  }, 1000);
}

// People list: a "select all on this page" checkbox (without this script, the page offers a link
// that reloads the list with every box checked, and each checkbox works on its own).
for (const toggle of document.querySelectorAll("input.select-all")) {
  const form = toggle.form;
  if (!form || toggle.disabled) continue;
  const boxes = () => [...form.querySelectorAll("input[name=userIds]:not(:disabled)")];
  const sync = () => {
    const all = boxes();
    const checked = all.filter((box) => box.checked).length;
    toggle.checked = all.length > 0 && checked === all.length;
    toggle.indeterminate = checked > 0 && checked < all.length;
  };
  toggle.hidden = false;
  for (const label of document.querySelectorAll(`label[for="${toggle.id}"]`)) label.hidden = false;
  for (const links of form.querySelectorAll(".selection-links")) links.hidden = true;
  toggle.addEventListener("change", () => {
    for (const box of boxes()) box.checked = toggle.checked;
  });
  form.addEventListener("change", (event) => {
    if (event.target !== toggle) sync();
  });
  sync();
}
