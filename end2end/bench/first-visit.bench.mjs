// Each role's first visit and repeat visit on a phone, against a Markwell
// already serving the demo school (run by scripts/bench-browser.sh):
//
//   BENCH_URL=http://127.0.0.1:3102 node end2end/bench/first-visit.bench.mjs
//
// For the admin, SLT, a teacher and a parent in turn (and staff pages of
// each page family opened first), in a fresh browser profile with Lighthouse's mobile settings (a 412 × 823 phone, 150 ms round
// trips, 1.6 Mbps down, 750 Kbps up, a 4× slower CPU, applied through the
// DevTools protocol as Lighthouse's "devtools" throttling does): signs in, opens
// their home page and records the WebAssembly, JavaScript and CSS bytes
// transferred (compressed, as on the wire) and the time from navigation to
// an interactive page (hydrated: html[data-hydrated]); then opens it again
// with the cache that first visit left, and records the same. BENCH_RUNS
// fresh profiles per role; medians printed. It fails only on errors. (The
// page itself is left out: once the service worker is in charge it fetches
// the page, and the tab's own record counts none of those bytes.)

import { chromium } from "../node_modules/playwright-core/index.mjs";

const base = (process.env.BENCH_URL ?? "http://127.0.0.1:3102").replace(/\/$/, "");
const runs = Number(process.env.BENCH_RUNS ?? 3);
const password = process.env.BENCH_PASSWORD ?? "markwell-demo-1";
// Each role's home page; then, for staff, a first visit straight to a page
// of each staff page family (app::families), whose file comes beside the
// start of the app; and Settings, in the account pages' family.
const roles = [
  ["admin", "admin@oakfield.example", "/"],
  ["SLT", "head@oakfield.example", "/"],
  ["teacher", "teacher@oakfield.example", "/"],
  ["parent", "parent@oakfield.example", "/"],
  ["teacher, Markbook", "teacher@oakfield.example", "/markbook"],
  ["teacher, Progress", "teacher@oakfield.example", "/progress"],
  ["teacher, Homework", "teacher@oakfield.example", "/homework"],
  ["teacher, Reports", "teacher@oakfield.example", "/reports"],
  ["admin, Users", "admin@oakfield.example", "/users"],
  ["parent, Settings", "parent@oakfield.example", "/settings"],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/// What kind of file a request fetched, by its name.
function kind(url) {
  const path = new URL(url).pathname;
  if (path.endsWith(".wasm")) return "wasm";
  if (path.endsWith(".js")) return "js";
  if (path.endsWith(".css")) return "css";
  return "other";
}

/// Opens `path` and answers the bytes transferred by kind and the time to
/// an interactive page, in milliseconds from the navigation's start.
async function visit(page, cdp, path) {
  const urls = new Map();
  const bytes = { wasm: 0, js: 0, css: 0, other: 0 };
  const sent = (e) => urls.set(e.requestId, e.request.url);
  const done = (e) => {
    const url = urls.get(e.requestId);
    if (url) bytes[kind(url)] += e.encodedDataLength;
  };
  cdp.on("Network.requestWillBeSent", sent);
  cdp.on("Network.loadingFinished", done);
  await page.goto(base + path);
  await page.waitForSelector("html[data-hydrated]", { timeout: 120_000 });
  const interactive = await page.evaluate(() => performance.now());
  // Anything the page asked for as it hydrated has finished by now.
  await page.waitForLoadState("networkidle");
  cdp.off("Network.requestWillBeSent", sent);
  cdp.off("Network.loadingFinished", done);
  return { ...bytes, interactive };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
});
let failed = false;
try {
  console.log(
    `first and repeat visits to each role's home page (and staff pages), Lighthouse's mobile settings, medians of ${runs} fresh profiles:`,
  );
  for (const [role, email, path] of roles) {
    const first = [];
    const repeat = [];
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({
        viewport: { width: 412, height: 823 },
        isMobile: true,
        hasTouch: true,
      });
      const signedIn = await context.request.post(base + "/api/auth/sign_in", {
        form: { email, password },
        headers: { origin: base },
        maxRedirects: 0,
      });
      if (signedIn.status() >= 400) throw new Error(`signing in as ${email}: ${signedIn.status()}`);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 150,
        downloadThroughput: (1.6 * 1024 * 1024) / 8,
        uploadThroughput: (750 * 1024) / 8,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      first.push(await visit(page, cdp, path));
      repeat.push(await visit(page, cdp, path));
      await context.close();
    }
    const line = (what, visits) => {
      const of = (key) => median(visits.map((v) => v[key]));
      return (
        `  ${role}, ${what}: WebAssembly ${kb(of("wasm"))}, JavaScript ${kb(of("js"))}, CSS ${kb(of("css"))};` +
        ` interactive after ${Math.round(of("interactive"))} ms`
      );
    };
    console.log(line("first visit", first));
    console.log(line("repeat visit", repeat));
  }
} catch (error) {
  failed = true;
  console.error("first-visit benchmark:", error);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
