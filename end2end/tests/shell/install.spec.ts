import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, Page, test } from "@playwright/test";
import { PARENT, expectAccessible, ready, signIn } from "../helpers";

const MESSAGE = "You're offline. Your child's reports will be here when you're back online.";

/** The only files the service worker may keep: the offline page's own. */
const OFFLINE_FILES = [
  "/offline.html",
  "/offline.css",
  "/favicon.svg",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-192.png",
  "/icons/icon-maskable-512.png",
  "/icons/apple-touch-icon.png",
];

/** Waits until the service worker is installed and answers for this page. */
async function workerInCharge(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Every URL (path and query) held in any of the page's caches. */
async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) {
        const url = new URL(request.url);
        urls.push(url.pathname + url.search);
      }
    }
    return urls;
  });
}

test("Chromium finds Markwell installable", async ({ playwright }, testInfo) => {
  // Chromium never offers to install from a private window, and Playwright's
  // usual contexts are private, so this one has a profile of its own.
  const { launchOptions, viewport, userAgent, deviceScaleFactor, isMobile, hasTouch, baseURL } =
    testInfo.project.use;
  const profile = await mkdtemp(join(tmpdir(), "markwell-install-"));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    ...launchOptions,
    viewport,
    userAgent,
    deviceScaleFactor,
    isMobile,
    hasTouch,
    baseURL,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto("/sign-in");
    await ready(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    expect(installabilityErrors).toEqual([]);
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
});

test("the manifest names PNG icons of the sizes phones ask for", async ({ page }) => {
  const manifest = await (await page.request.get("/manifest.webmanifest")).json();
  expect(manifest.theme_color).toBe("#14213d");
  type Icon = { src: string; sizes: string; type: string; purpose?: string };
  for (const purpose of ["any", "maskable"]) {
    for (const size of ["192x192", "512x512"]) {
      const icon = (manifest.icons as Icon[]).find(
        (i) => i.sizes === size && i.type === "image/png" && (i.purpose ?? "any").split(" ").includes(purpose),
      );
      expect(icon, `a ${size} ${purpose} PNG icon`).toBeDefined();
      const response = await page.request.get(icon!.src);
      expect(response.status()).toBe(200);
      expect(response.headers()["content-type"]).toBe("image/png");
    }
  }
});

test("with no connection, a page shows the offline page", async ({ page, context }) => {
  await page.goto("/sign-in");
  await ready(page);
  await workerInCharge(page);
  await context.setOffline(true);
  await page.goto("/");
  await expect(page).toHaveTitle("You're offline · Markwell");
  await expect(page.getByRole("heading", { level: 1, name: "You're offline." })).toBeVisible();
  await expect(page.getByRole("main")).toContainText(MESSAGE);
  const again = page.getByRole("link", { name: "Try again" });
  await expect(again).toHaveAttribute("href", "/");
  // Its stylesheet came from the cache too, so it looks like Markwell.
  expect(await page.evaluate(() => document.styleSheets[0]?.cssRules.length ?? 0)).toBeGreaterThan(0);
  await expectAccessible(page);

  // Back online, Try again leads on (here to sign in, as no one has).
  await context.setOffline(false);
  await again.click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await ready(page);
});

test("nothing personal is kept in the cache", async ({ page }) => {
  await page.goto("/sign-in");
  await ready(page);
  await workerInCharge(page);
  await signIn(page, PARENT);
  await expect(page.getByRole("heading", { name: "Your children" })).toBeVisible();
  await page.reload();
  await ready(page);
  // A child's page, opened within the app and then loaded afresh.
  await page.getByRole("list", { name: "Your children" }).getByRole("link").first().click();
  await expect(page.getByRole("term").filter({ hasText: "Class teacher" })).toBeVisible();
  await page.reload();
  await ready(page);
  await expect(page.getByRole("term").filter({ hasText: "Class teacher" })).toBeVisible();
  // A report, the most personal page of all.
  await page.getByRole("link", { name: /report$/ }).first().click();
  await expect(page).toHaveURL(/\/reports\/\d+$/);
  await page.reload();
  await expect(page.getByRole("heading", { name: /How .* is doing/ })).toBeVisible();
  // The worker saw all of it...
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // ...and kept only the offline page's files.
  const cached = await cachedUrls(page);
  expect(cached).toContain("/offline.html");
  for (const url of cached) expect(OFFLINE_FILES, `${url} is cached`).toContain(url);
});
