// Keeps clicks and keys made on a part of the page marked data-early-input
// (the markbook grid) while the WebAssembly is still loading, and replays
// them, in order, as soon as the page is interactive (html[data-hydrated]):
// a teacher who starts typing at once never loses a judgement.
(function () {
  var root = document.documentElement;
  var kept = [];
  // Until the kept events have been replayed, new ones queue behind them.
  var replayed = false;
  // The keys the grid acts on: single characters (scale keys, H) and these.
  var gridKeys = /^(Arrow(Up|Down|Left|Right)|Tab|Delete|Backspace|Home|End|Page(Up|Down)|Escape)$/;
  function area(node) {
    return node && node.closest ? node.closest("[data-early-input]") : null;
  }
  function place(node) {
    var cell = node.closest("td, th");
    var row = cell && cell.parentElement;
    return cell && row ? [row.rowIndex, cell.cellIndex] : null;
  }
  function table() {
    return document.querySelector("table[data-early-input]");
  }
  function cellAt(at) {
    var grid = table();
    var row = grid && at ? grid.rows[at[0]] : null;
    return row ? row.cells[at[1]] : null;
  }
  document.addEventListener("click", function (ev) {
    if (replayed || !ev.isTrusted || !area(ev.target)) return;
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
    if (replayed || !ev.isTrusted || !area(ev.target)) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key.length !== 1 && !gridKeys.test(ev.key)) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    kept.push({ key: ev.key, shiftKey: ev.shiftKey });
  }, true);
  function replay() {
    replayed = true;
    kept.forEach(function (e) {
      if (e.click) {
        var cell = cellAt(e.click);
        if (cell) cell.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
        return;
      }
      var target = area(document.activeElement) ? document.activeElement : table();
      if (target) {
        target.dispatchEvent(new KeyboardEvent("keydown", {
          key: e.key, shiftKey: e.shiftKey, bubbles: true, cancelable: true,
        }));
      }
    });
    kept = [];
  }
  // Replayed as soon as hydration has attached the grid's handlers, before
  // any key typed after that is handled.
  new MutationObserver(function (changes, observer) {
    if (!root.hasAttribute("data-hydrated")) return;
    observer.disconnect();
    replay();
  }).observe(root, { attributes: true, attributeFilter: ["data-hydrated"] });
})();
