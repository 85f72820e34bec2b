import { expect, test } from "@playwright/test";
import { ADMIN, PARENT, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";

test("an admin chooses who teachers may add to their own sets, in School settings", async ({ page }) => {
  await signIn(page, ADMIN);
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await ready(page);
  await page.getByRole("link", { name: "School settings" }).click();
  await expect(page.getByRole("heading", { name: "School settings", level: 1 })).toBeVisible();
  await ready(page);
  const rule = page.getByLabel("Teachers may add to their own sets");
  await expect(rule).toHaveValue("year-groups");
  await expectAccessible(page);
  await rule.selectOption({ label: "Any pupil in the school" });
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "School settings saved." })).toBeVisible();
  await page.reload();
  await ready(page);
  await expect(page.getByLabel("Teachers may add to their own sets")).toHaveValue("anyone");
  // Back as it was, for the tests that follow.
  await page.getByLabel("Teachers may add to their own sets").selectOption("year-groups");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "School settings saved." })).toBeVisible();
});

test("an admin switches attendance off for parents, and the parent's child page no longer has it", async ({ page, browser }) => {
  await signIn(page, ADMIN);
  await page.goto("/school-settings");
  await ready(page);
  const parentsSee = page.getByRole("group", { name: "Parents see" });
  await expect(parentsSee.getByRole("checkbox", { name: "Attendance" })).toBeChecked();
  await parentsSee.getByRole("checkbox", { name: "Attendance" }).uncheck();
  await page.getByRole("button", { name: "Save what parents see" }).click();
  await expect(page.getByRole("status").filter({ hasText: "School settings saved." })).toBeVisible();
  await expect(page.getByRole("group", { name: "Parents see" }).getByRole("checkbox", { name: "Attendance" })).not.toBeChecked();

  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  await signIn(phone, PARENT);
  await phone.getByRole("list", { name: "Your children" }).getByRole("link").first().click();
  await ready(phone);
  await expect(phone.getByRole("heading", { name: "Behaviour", level: 2 })).toBeVisible();
  await expect(phone.getByRole("heading", { name: "Attendance" })).toHaveCount(0);

  // Back on, for the tests that follow: the parent's next visit has it again.
  await page.getByRole("group", { name: "Parents see" }).getByRole("checkbox", { name: "Attendance" }).check();
  await page.getByRole("button", { name: "Save what parents see" }).click();
  await expect(page.getByRole("status").filter({ hasText: "School settings saved." })).toBeVisible();
  await phone.reload();
  await ready(phone);
  await expect(phone.getByRole("heading", { name: "Attendance", level: 2 })).toBeVisible();
  await context.close();
});
