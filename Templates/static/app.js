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
