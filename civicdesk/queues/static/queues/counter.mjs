// Counter screen shortcuts: a letter presses the button marked data-shortcut="<letter>", or focuses
// the field marked data-shortcut-focus. Ignored while typing, and with Ctrl/Alt/Meta held.
const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);
// One action at a time: a key pressed twice (N N) or a double click sent the form twice, and
// the second answer ("still at this counter") replaced the first ("Called A001").
let sending = false;
document.addEventListener("submit", (event) => {
  if (sending) event.preventDefault();
  sending = true;
  setTimeout(() => { sending = false; }, 5000); // the answer never came: let the officer retry
});
window.addEventListener("pageshow", () => { sending = false; });
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
  const active = document.activeElement;
  if (active && (TYPING.has(active.tagName) || active.isContentEditable)) {
    if (event.key === "Escape") active.blur();
    // A list reached by its shortcut (transfer: T) is sent with Enter, as a text box would be.
    if (event.key === "Enter" && active.tagName === "SELECT" && active.dataset.shortcutFocus) {
      const submit = active.form?.querySelector("button[name=action]");
      if (submit) { event.preventDefault(); submit.click(); }
    }
    return;
  }
  const key = event.key.toLowerCase();
  const focusTarget = document.querySelector(`[data-shortcut-focus="${key}"]`);
  if (focusTarget) { event.preventDefault(); focusTarget.focus(); return; }
  const button = document.querySelector(`[data-shortcut="${key}"]`);
  if (button && !button.disabled) { event.preventDefault(); button.click(); }
});
// After an action the page reloads: put focus on the main action so Enter works too.
const main = document.querySelector("[data-shortcut='n'], [data-shortcut='s'], [data-shortcut='f']");
if (main && !document.querySelector(".govuk-error-summary")) main.focus({ preventScroll: true });
// Say the outcome of the last action (see counter.html): filled after load, so it is announced.
const outcome = [...document.querySelectorAll(".govuk-notification-banner__content")]
  .map((banner) => banner.textContent.trim()).join(" ");
const announce = document.querySelector("[data-counter-announce]");
if (announce && outcome) setTimeout(() => { announce.textContent = outcome; }, 100);
document.body.dataset.shortcutsReady = "true";
