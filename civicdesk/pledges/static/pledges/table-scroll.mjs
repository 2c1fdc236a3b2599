// A table box is a tab stop only while its table is wider than it (so the keyboard can scroll
// it); without JavaScript every box stays a tab stop, which is never worse than unreachable.
const boxes = document.querySelectorAll(".civicdesk-table-scroll");
function update() {
  for (const box of boxes) {
    if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
    else if (box !== document.activeElement) box.removeAttribute("tabindex");
  }
}
update();
window.addEventListener("resize", update);
