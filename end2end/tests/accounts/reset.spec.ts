import { expect, test } from "@playwright/test";
import { PASSWORD, emailCount, expectAccessible, latestEmailTo, linkIn, ready } from "../helpers";

// The deputy head's account: the reset journey changes its password and puts
// it back, so other tests are unaffected.
const DEPUTY = "deputy@oakfield.example";
const NEW_PASSWORD = "tulip-garden-42";

test("a forgotten password: the link in the email, a new password, and back in", async ({ page }) => {
  await page.goto("/sign-in");
  await ready(page);
  await page.getByRole("link", { name: "Having trouble logging in?" }).click();
  await expect(page.getByRole("heading", { name: "Having trouble logging in?" })).toBeVisible();
  await expectAccessible(page);

  const before = await emailCount(DEPUTY);
  await page.getByLabel("Email address").fill(DEPUTY);
  await page.getByRole("button", { name: "Send reset password link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expectAccessible(page);

  const email = await latestEmailTo(DEPUTY, before);
  expect(email.fromName).toBe("Oakfield Primary School");
  const link = linkIn(email, "/reset-password/");
  await page.goto(link);
  await ready(page);
  await expect(page.getByRole("heading", { name: "Create a new password" })).toBeVisible();
  await expectAccessible(page);

  // Each broken rule is its own message, and what was typed stays.
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByLabel("Type the new password again").fill("short");
  await page.getByRole("button", { name: "Save new password" }).click();
  // The messages are the lines of the alert beside the field (a line has no role of its own)...
  const problems = page.getByRole("alert").filter({ hasText: "at least 8 characters" }).locator(":scope > *");
  await expect(problems).toHaveCount(2);
  await expect(problems.nth(0)).toContainText("at least 8 characters");
  await expect(problems.nth(1)).toContainText("at least one number");
  // ...which is read out with the field, after the rules in its hint.
  await expect(page.getByLabel("New password", { exact: true })).toHaveAccessibleDescription(/at least one number/);
  await expect(page.getByLabel("New password", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);

  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Type the new password again").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Save new password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?done=password-reset/);
  await expect(page.getByRole("status")).toContainText("Your password has been changed");
  await ready(page);

  await page.getByLabel("Email address").fill(DEPUTY);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Welcome, Imran" })).toBeVisible();

  // The link works once.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link has already been used" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Send a new link" })).toBeVisible();
  await expectAccessible(page);

  // Settings: change the password back, which needs the current one.
  await page.goto("/settings");
  await ready(page);
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expectAccessible(page);
  const form = page.getByRole("region", { name: "Change password" });
  await form.getByLabel("Current password").fill("not-my-password-1");
  await form.getByLabel("New password", { exact: true }).fill(PASSWORD);
  await form.getByLabel("Type the new password again").fill(PASSWORD);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByRole("alert").filter({ hasText: "isn't your current password" })).toBeVisible();
  await expect(form.getByLabel("New password", { exact: true })).toHaveValue(PASSWORD);
  await form.getByLabel("Current password").fill(NEW_PASSWORD);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your password has been changed" })).toBeVisible();
  await expectAccessible(page);
});

test("a forged link gets a clear page that offers a new one", async ({ page }) => {
  await page.goto(`/reset-password/${"ab".repeat(32)}`);
  await ready(page);
  await expect(page.getByRole("heading", { name: "This link doesn't work" })).toBeVisible();
  await page.getByRole("link", { name: "Send a new link" }).click();
  await expect(page.getByRole("heading", { name: "Having trouble logging in?" })).toBeVisible();
  await expectAccessible(page);
});
