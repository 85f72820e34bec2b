// Keeps clicks and keys made on a part of the page marked data-early-input
// (the markbook grid) while the WebAssembly is still loading, and replays
// them, in order, once the page is interactive (html[data-hydrated]): a
// teacher who starts typing at once never loses a judgement.
(function () {
  var root = document.documentElement;
  var kept = [];
  function area(node) {
    return node && node.closest ? node.closest("[data-early-input]") : null;
  }
  function place(node) {
    var cell = node.closest("td, th");
    var row = cell && cell.parentElement;
    return cell && row ? [row.rowIndex, cell.cellIndex] : null;
  }
  function cellAt(at) {
    var table = document.querySelector("table[data-early-input]");
    var row = table && at ? table.rows[at[0]] : null;
    return row ? row.cells[at[1]] : null;
  }
  function ready() {
    return root.hasAttribute("data-hydrated");
  }
  document.addEventListener("click", function (ev) {
    if (ready() || !area(ev.target)) return;
    var at = place(ev.target);
    if (!at) return;
    kept.push({ click: at });
    // Focus shows where the next key goes, as it will once interactive.
    var cell = cellAt(at);
    if (cell) {
      if (!cell.hasAttribute("tabindex")) cell.setAttribute("tabindex", "-1");
      cell.focus();
    }
  }, true);
  document.addEventListener("keydown", function (ev) {
    if (ready() || !area(ev.target) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    ev.preventDefault();
    kept.push({ key: ev.key, shiftKey: ev.shiftKey });
  }, true);
  function replay() {
    var events = kept;
    kept = [];
    events.forEach(function (e) {
      if (e.click) {
        var cell = cellAt(e.click);
        if (cell) cell.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
      } else {
        var table = document.querySelector("table[data-early-input]");
        var target = area(document.activeElement) ? document.activeElement : table;
        if (target) {
          target.dispatchEvent(new KeyboardEvent("keydown", {
            key: e.key, shiftKey: e.shiftKey, bubbles: true, cancelable: true,
          }));
        }
      }
    });
  }
  new MutationObserver(function (changes, observer) {
    if (!ready()) return;
    observer.disconnect();
    // After the handlers that hydration attached have settled in.
    setTimeout(replay, 0);
  }).observe(root, { attributes: true, attributeFilter: ["data-hydrated"] });
})();
