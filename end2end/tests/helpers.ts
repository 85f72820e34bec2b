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

export interface Email {
  to: string;
  fromName: string;
  subject: string;
  text: string;
  html: string;
}

/** The newest email the mail sink received for `address`, waiting for it. */
export async function latestEmailTo(address: string, after = 0): Promise<Email> {
  for (let tries = 0; tries < 100; tries++) {
    const response = await fetch("http://127.0.0.1:3199/messages");
    const all = ((await response.json()) as Email[]).filter(
      (m) => m.to.toLowerCase() === address.toLowerCase(),
    );
    if (all.length > after) return all[all.length - 1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no email reached ${address}`);
}

/** How many emails the sink holds for `address` so far. */
export async function emailCount(address: string): Promise<number> {
  const response = await fetch("http://127.0.0.1:3199/messages");
  return ((await response.json()) as Email[]).filter(
    (m) => m.to.toLowerCase() === address.toLowerCase(),
  ).length;
}

/**
 * The `path` link in an email to `address` that arrived after their first
 * `after` emails, waiting for it. Other emails to the address (a notice sent
 * a moment earlier) may arrive before or after it.
 */
export async function linkEmailedTo(address: string, path: string, after: number): Promise<string> {
  for (let tries = 0; tries < 100; tries++) {
    const response = await fetch("http://127.0.0.1:3199/messages");
    const found = ((await response.json()) as Email[])
      .filter((m) => m.to.toLowerCase() === address.toLowerCase())
      .slice(after)
      .find((m) => m.text.includes(path));
    if (found) return linkIn(found, path);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${path} link reached ${address}`);
}

/** The link in an email's text whose path contains `path`. */
export function linkIn(email: Email, path: string): string {
  const link = email.text.split(/\s+/).find((w) => w.startsWith("http") && w.includes(path));
  if (!link) throw new Error(`no ${path} link in: ${email.text}`);
  return link;
}
