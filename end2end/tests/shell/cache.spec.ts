import { expect, test } from "@playwright/test";
import { PARENT, ready, signIn } from "../helpers";

/** In the folder named by a hash of the build: /pkg/3f9a0c1d2e4b5a6c/markwell.js */
const HASHED = /\/pkg\/[0-9a-f]{16}\/[\w.]+\.(js|wasm|css)$/;

test("the app's files come compressed once, in a hashed folder, and a repeat visit downloads none of them", async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  // Every /pkg/ file the browser fetched, and whether its cache answered.
  const fetched = new Map<
    string,
    { network: boolean; encoding?: string; cacheControl?: string; nosniff?: string; policy?: string }
  >();
  cdp.on("Network.responseReceived", (event) => {
    const url = new URL(event.response.url);
    if (!url.pathname.startsWith("/pkg/")) return;
    const headers = Object.fromEntries(Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const network = !event.response.fromDiskCache && !event.response.fromMemoryCache && !event.response.fromServiceWorker;
    fetched.set(url.pathname, {
      // Any one of its loads went to the network.
      network: network || (fetched.get(url.pathname)?.network ?? false),
      encoding: headers["content-encoding"],
      cacheControl: headers["cache-control"],
      nosniff: headers["x-content-type-options"],
      policy: headers["content-security-policy"],
    });
  });

  await page.goto("/sign-in");
  await ready(page);
  // The browser writes its disk cache after a response ends; on a busy
  // machine the next page can start before that, and fetch again.
  await page.waitForLoadState("networkidle");
  const first = [...fetched.entries()];
  expect(first.map(([path]) => path).sort()).toEqual(
    expect.arrayContaining([expect.stringMatching(/\.js$/), expect.stringMatching(/\.wasm$/), expect.stringMatching(/\.css$/)]),
  );
  for (const [path, got] of first) {
    expect(path).toMatch(HASHED);
    expect(got.network, path).toBe(true);
    expect(["br", "gzip"], path).toContain(got.encoding);
    expect(got.cacheControl, path).toBe("public, max-age=31536000, immutable");
    // Read only as what they say they are; the page's policy is the page's
    // own, not repeated on each of its files.
    expect(got.nosniff, path).toBe("nosniff");
    expect(got.policy, path).toBeUndefined();
  }

  // Signed in, on the next page: the same files, each from the browser's
  // cache. (The home page is in the start of the app, as sign-in is.)
  fetched.clear();
  await signIn(page, PARENT);
  await ready(page);
  await page.goto("/");
  await ready(page);
  const again = [...fetched.entries()];
  expect(again.map(([path]) => path).sort()).toEqual(first.map(([path]) => path).sort());
  for (const [path, got] of again) {
    expect(got.network, `${path} was downloaded again`).toBe(false);
  }
});
