// The one script of a report opened on its own, which comes without the
// WebAssembly: the Print button prints the page.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
document.documentElement.setAttribute("data-printable", "");
