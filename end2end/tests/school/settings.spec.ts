import { expect, test } from "@playwright/test";
import { ADMIN, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";

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
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "School settings saved." })).toBeVisible();
  await page.reload();
  await ready(page);
  await expect(page.getByLabel("Teachers may add to their own sets")).toHaveValue("anyone");
  // Back as it was, for the tests that follow.
  await page.getByLabel("Teachers may add to their own sets").selectOption("year-groups");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "School settings saved." })).toBeVisible();
});
