import { expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const PASSWORD = "markwell-demo-1";
export const ADMIN = "admin@oakfield.example";
export const SLT = "head@oakfield.example";
export const TEACHER = "teacher@oakfield.example";
export const PARENT = "parent@oakfield.example";

/** Waits until the page is interactive (the WebAssembly has hydrated it). */
export async function ready(page: Page) {
  await page.locator("html[data-hydrated]").waitFor();
}

export async function signIn(page: Page, email: string, remember = false) {
  await page.goto("/sign-in");
  await ready(page);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  if (remember) await page.getByLabel("Remember me").check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  await ready(page);
}

/** axe-core finds nothing on the page as it stands. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

export async function openMenuIfPhone(page: Page) {
  const menu = page.getByRole("button", { name: "Menu" });
  if (await menu.isVisible()) {
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
  }
}
