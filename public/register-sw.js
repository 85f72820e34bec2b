// Installs Markwell's service worker, which only shows an offline page when
// there is no connection. Markwell works without it, so a browser that has
// none, or refuses it (private browsing, a policy), is simply left alone.
// It waits for the page to load so it doesn't compete with the app's own
// download on a slow phone.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
  });
}
