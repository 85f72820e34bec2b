import { expect, Page, test } from "@playwright/test";
import { expectAccessible, openMenuIfPhone, PARENT, ready, signIn, TEACHER } from "../helpers";

/** A staff page family's file, or a chunk some families share. */
const FAMILY_FILE = /\/pkg\/[0-9a-f]{16}\/(split|chunk)_\w+\.wasm$/;

/** The names of the WebAssembly files the page fetches from now on. */
function wasmFetched(page: Page): string[] {
  const names: string[] = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.endsWith(".wasm")) names.push(path);
  });
  return names;
}

async function follow(page: Page, link: string) {
  await openMenuIfPhone(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link, exact: true }).click();
}

test("a parent's phone downloads none of the staff pages' code", async ({ page }) => {
  const fetched = wasmFetched(page);
  await signIn(page, PARENT);
  // The home page and a child's page: the start of the app alone.
  expect(fetched.length).toBeGreaterThan(0);
  expect(fetched.every((path) => path.endsWith("/markwell_bg.wasm"))).toBe(true);
  await page.getByRole("list", { name: "Your children" }).getByRole("link").first().click();
  await expect(page.getByRole("link", { name: "← Your children" })).toBeVisible();
  expect(fetched.every((path) => path.endsWith("/markwell_bg.wasm"))).toBe(true);
  // Settings comes with the account pages' family, and no staff family.
  await page.goto("/settings");
  await ready(page);
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  expect(fetched.some((path) => path.endsWith("/split_account.wasm"))).toBe(true);
  const staff = /\/split_(markbook|assessment|classroom|report_writing|admin)\.wasm$/;
  expect(fetched.filter((path) => staff.test(path))).toEqual([]);
});

test("a staff page opened directly comes with its family's file, and moving between families fetches each once", async ({ page }) => {
  await signIn(page, TEACHER);
  const fetched = wasmFetched(page);
  const response = await page.goto("/homework");
  // The server names the family's files at once, so they download beside
  // the start of the app.
  const link = (await response!.allHeaders())["link"] ?? "";
  expect(link).toMatch(/split_classroom\.wasm>; rel=preload/);
  await ready(page);
  await expect(page.getByRole("heading", { level: 1, name: "Homework" })).toBeVisible();
  expect(fetched.some((path) => path.endsWith("/split_classroom.wasm"))).toBe(true);
  expect(fetched.some((path) => path.endsWith("/split_report_writing.wasm"))).toBe(false);

  await follow(page, "Reports");
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  expect(fetched.some((path) => path.endsWith("/split_report_writing.wasm"))).toBe(true);

  const before = fetched.length;
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1, name: "Homework" })).toBeVisible();
  await follow(page, "Behaviour");
  await expect(page.getByRole("heading", { level: 1, name: "Behaviour" })).toBeVisible();
  expect(fetched.length).toBe(before);
});

test("a family's file that can't be downloaded is said so, and the app carries on", async ({ page }) => {
  await signIn(page, TEACHER);
  await page.route(FAMILY_FILE, (route) => route.abort("internetdisconnected"));
  await follow(page, "Markbook");
  await expect(page.getByRole("heading", { level: 1, name: "This page didn't load" })).toBeVisible();
  await expect(page).toHaveURL(/\/markbook$/);
  await expectAccessible(page);

  // Still running: the home page opens in the app, as before.
  await follow(page, "Home");
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome/ })).toBeVisible();

  // Back online, Try again loads the page afresh.
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1, name: "This page didn't load" })).toBeVisible();
  await page.unroute(FAMILY_FILE);
  await page.getByRole("link", { name: "Try again" }).click();
  await ready(page);
  await expect(page.getByRole("heading", { level: 1, name: "Markbook" })).toBeVisible();
});

test("signing up can't be downloaded: said so on a page of its own, and Try again loads it", async ({ page }) => {
  await page.goto("/sign-in");
  await ready(page);
  await page.route(FAMILY_FILE, (route) => route.abort("internetdisconnected"));
  await page.getByRole("link", { name: "Sign up with your access code" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "This page didn't load" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up$/);
  // Outside the signed-in frame, the message is the page's main content.
  await expect(page.getByRole("main")).toContainText("Markwell couldn't download this page.");
  await expectAccessible(page);

  await page.unroute(FAMILY_FILE);
  await page.getByRole("link", { name: "Try again" }).click();
  await ready(page);
  await expect(page.getByRole("heading", { level: 1, name: "Sign up as a parent" })).toBeVisible();
});
