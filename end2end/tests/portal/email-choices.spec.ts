import { expect, Page, test } from "@playwright/test";
import { PARENT, expectAccessible, ready, signIn } from "../helpers";

// A parent chooses in Settings what also comes by email: a daily summary of
// the kinds ticked, and the email when a report is published.

async function emailChoices(page: Page) {
  await page.goto("/settings");
  await ready(page);
  const section = page.getByRole("region", { name: "What we email you" });
  const summary = section.getByRole("group", { name: "A daily summary of" });
  return {
    section,
    summary,
    behaviour: summary.getByRole("checkbox", { name: "Behaviour" }),
    homework: summary.getByRole("checkbox", { name: "Homework set" }),
    reports: section.getByRole("checkbox", { name: "An email when a report is published" }),
    save: section.getByRole("button", { name: "Save email choices" }),
  };
}

test("a parent asks for a daily summary of behaviour and homework with the keyboard", async ({ page }) => {
  await signIn(page, PARENT);
  let form = await emailChoices(page);
  await expect(form.summary).toHaveAccessibleDescription(/One email at most each day, after 4pm/);
  await expect(form.behaviour).not.toBeChecked();
  await expect(form.homework).not.toBeChecked();
  await expect(form.reports).toBeChecked();
  await expectAccessible(page);

  await form.behaviour.focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(form.homework).toBeFocused();
  await page.keyboard.press("Space");
  await form.save.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("Your email choices are saved.")).toBeVisible();

  // Kept: they are ticked when Settings opens again.
  form = await emailChoices(page);
  await expect(form.behaviour).toBeChecked();
  await expect(form.homework).toBeChecked();
  await expect(form.reports).toBeChecked();

  // Back as they were, for the other tests' demo parent.
  await form.behaviour.uncheck();
  await form.homework.uncheck();
  await form.save.click();
  await expect(page.getByText("Your email choices are saved.")).toBeVisible();
  form = await emailChoices(page);
  await expect(form.behaviour).not.toBeChecked();
});
