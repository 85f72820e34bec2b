// A parent's report page under Lighthouse (mobile emulation: a Moto G Power
// sized screen, simulated slow 4G and a 4× slower CPU, Lighthouse's default),
// in Debian's Chromium, against a Markwell already serving the demo school.
// Run by scripts/bench-browser.sh after the markbook benchmark:
//
//   BENCH_URL=http://127.0.0.1:3102 node end2end/bench/report.lighthouse.mjs
//
// It signs the demo parent in through the sign-in form's own server function,
// follows the home page to their first child and that child's first
// published report (BENCH_PAGE=home or child stops at that page; BENCH_PATH
// names another page), and runs Lighthouse
// BENCH_RUNS times with the session cookie sent as an extra header. Printed
// as medians: the performance and accessibility scores, the bytes
// transferred (in all, of the HTML document, and before the first paint with
// content), and the largest and first contentful paints. Targets:
// performance 95 or more, accessibility 95 or more, under 200 KB transferred.
// Every audit that fails is listed, with its items. It fails only on errors,
// never on a missed target.

import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const base = (process.env.BENCH_URL ?? "http://127.0.0.1:3102").replace(/\/$/, "");
const runs = Number(process.env.BENCH_RUNS ?? 3);
const email = process.env.BENCH_EMAIL ?? "parent@oakfield.example";
const password = process.env.BENCH_PASSWORD ?? "markwell-demo-1";
const chromePath = process.env.CHROME_PATH ?? "/usr/bin/chromium";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const met = (ok) => (ok ? "met" : "NOT MET");

/// The session cookie of the demo parent, signed in as the sign-in form does.
async function signIn() {
  const form = await fetch(base + "/sign-in");
  const html = await form.text();
  const action = html.match(/action="([^"]*sign_in[^"]*)"/)?.[1] ?? "/api/auth/sign_in";
  const res = await fetch(base + action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .find((c) => c.startsWith("markwell_session="));
  if (res.status >= 400 || !cookie) {
    throw new Error(`signing in as ${email}: ${res.status}, ${cookie ? "" : "no session cookie"}`);
  }
  return cookie;
}

/// The first link on `path` whose address matches `pattern`.
async function firstLink(cookie, path, pattern) {
  const res = await fetch(base + path, { headers: { cookie }, redirect: "manual" });
  if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  const html = await res.text();
  const link = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]).find((h) => pattern.test(h));
  if (!link) throw new Error(`${path}: no link to ${pattern}`);
  return link;
}

const cookie = await signIn();
// Which of the parent's pages: their home, their first child's, or that
// child's first report (the default).
const which = process.env.BENCH_PAGE ?? "report";
let path = process.env.BENCH_PATH;
if (!path) {
  const child = which === "home" ? "/" : await firstLink(cookie, "/", /^\/children\/\d+$/);
  path = which === "report" ? await firstLink(cookie, child, /^\/children\/\d+\/reports\/\d+$/) : child;
}
const page = await fetch(base + path, { headers: { cookie } });
const html = await page.text();
if (page.status !== 200) throw new Error(`${path}: ${page.status}`);
const title = html.match(/<h1[^>]*>(.*?)<\/h1>/s)?.[1]?.replace(/<[^>]+>/g, "").trim();
console.log(`${which} page ${path}${title ? ` ("${title}")` : ""}: ${html.length} bytes of HTML`);

const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const results = [];
let failed = false;
try {
  for (let run = 0; run < runs; run++) {
    const result = await lighthouse(
      base + path,
      {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
        extraHeaders: { Cookie: cookie },
      },
      // Lighthouse's default configuration: mobile.
      undefined,
    );
    const lhr = result?.lhr;
    if (!lhr || lhr.runtimeError) {
      throw new Error(`Lighthouse: ${lhr?.runtimeError?.message ?? "no result"}`);
    }
    if (lhr.finalDisplayedUrl !== base + path) {
      throw new Error(`Lighthouse ended on ${lhr.finalDisplayedUrl}, not ${base + path}`);
    }
    const audits = lhr.audits;
    const requests = audits["network-requests"].details.items;
    const startMs = audits["network-requests"].details.debugData.networkStartTimeTs / 1000;
    const observed = audits.metrics.details.items[0];
    const fcpMs = observed.observedFirstContentfulPaintTs / 1000;
    const document = requests.find((r) => r.resourceType === "Document");
    const r = {
      lhr,
      performance: Math.round(lhr.categories.performance.score * 100),
      accessibility: Math.round(lhr.categories.accessibility.score * 100),
      bytes: audits["total-byte-weight"].numericValue,
      requests: requests.length,
      documentBytes: document?.transferSize ?? 0,
      documentHtml: document?.resourceSize ?? 0,
      beforeFcp: requests
        .filter((q) => q.networkEndTime !== undefined && startMs + q.networkEndTime <= fcpMs)
        .reduce((sum, q) => sum + (q.transferSize ?? 0), 0),
      fcp: audits["first-contentful-paint"].numericValue,
      lcp: audits["largest-contentful-paint"].numericValue,
      tbt: audits["total-blocking-time"].numericValue,
      cls: audits["cumulative-layout-shift"].numericValue,
      si: audits["speed-index"].numericValue,
      observedFcp: observed.observedFirstContentfulPaint,
      observedLcp: observed.observedLargestContentfulPaint,
    };
    results.push(r);
    console.log(
      `run ${run + 1}: performance ${r.performance}, accessibility ${r.accessibility}, ` +
        `${kb(r.bytes)} in ${r.requests} requests, FCP ${Math.round(r.fcp)} ms, LCP ${Math.round(r.lcp)} ms`,
    );
  }

  const of = (key) => median(results.map((r) => r[key]));
  const performance = of("performance");
  const accessibility = of("accessibility");
  const bytes = of("bytes");
  console.log(
    `Lighthouse ${results[0].lhr.lighthouseVersion}, ${results[0].lhr.configSettings.formFactor}` +
      ` (${results[0].lhr.configSettings.throttlingMethod} throttling), medians over ${runs} runs:`,
  );
  console.log(`  performance score ${performance} (target 95 or more: ${met(performance >= 95)})`);
  console.log(`  accessibility score ${accessibility} (target 95 or more: ${met(accessibility >= 95)})`);
  console.log(
    `  transferred ${kb(bytes)} (${Math.round(bytes)} bytes; target under 200 KB: ${met(bytes < 200 * 1024)})`,
  );
  console.log(
    `  HTML document ${kb(of("documentBytes"))} transferred (${kb(of("documentHtml"))} uncompressed); ` +
      `${kb(of("beforeFcp"))} transferred before the first contentful paint`,
  );
  console.log(
    `  FCP ${Math.round(of("fcp"))} ms, LCP ${Math.round(of("lcp"))} ms, ` +
      `Speed Index ${Math.round(of("si"))} ms, TBT ${Math.round(of("tbt"))} ms, CLS ${of("cls").toFixed(3)} ` +
      `(unthrottled, as observed: FCP ${Math.round(of("observedFcp"))} ms, LCP ${Math.round(of("observedLcp"))} ms)`,
  );

  // What keeps a score below 100, from the run with the median performance.
  const lhr = [...results].sort((a, b) => a.performance - b.performance)[Math.floor(runs / 2)].lhr;
  for (const id of ["performance", "accessibility"]) {
    const failing = lhr.categories[id].auditRefs
      .map((ref) => ({ ref, audit: lhr.audits[ref.id] }))
      .filter(
        ({ audit }) =>
          audit.score !== null &&
          audit.score < 1 &&
          ["binary", "numeric", "metricSavings"].includes(audit.scoreDisplayMode),
      );
    if (!failing.length) {
      console.log(`  ${id}: no audit fails`);
      continue;
    }
    console.log(`  ${id}: ${failing.length} audit(s) below full marks:`);
    for (const { ref, audit } of failing) {
      const value = audit.displayValue ? ` (${audit.displayValue})` : "";
      console.log(`    - ${audit.id}, score ${audit.score}, weight ${ref.weight}: ${audit.title}${value}`);
      for (const item of (audit.details?.items ?? []).slice(0, 10)) {
        const what =
          item.node?.snippet ?? item.url ?? item.source?.url ?? JSON.stringify(item).slice(0, 200);
        const why = item.node?.explanation?.replace(/\s+/g, " ") ?? "";
        console.log(`        ${what}${why ? ` — ${why}` : ""}`);
      }
    }
  }
  if (process.env.BENCH_LIGHTHOUSE_JSON) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(process.env.BENCH_LIGHTHOUSE_JSON, JSON.stringify(lhr, null, 1));
    console.log(`  full report: ${process.env.BENCH_LIGHTHOUSE_JSON}`);
  }
} catch (error) {
  failed = true;
  console.error(`${which} page Lighthouse benchmark:`, error);
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
