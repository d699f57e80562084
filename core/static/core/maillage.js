// The header's drop-downs are <details> elements (they work without JavaScript): close an open one
// when the member clicks elsewhere or presses Escape, and keep only one open at a time.
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.nav-more[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.nav-more[open]").forEach(function (menu) {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  });
});
