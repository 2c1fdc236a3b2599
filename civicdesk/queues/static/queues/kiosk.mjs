// Kiosk: print the ticket, and go back to the start after a while so the next visitor can begin.
const print = document.querySelector("[data-print]");
if (print) print.addEventListener("click", () => window.print());
const home = document.querySelector("[data-kiosk-home]");
if (home) setTimeout(() => { window.location.href = home.href; }, 60000);
