import { expect, test } from "@playwright/test";
import { PARENT, TEACHER, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";
import { lesson } from "./lesson";

function startsWith(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`);
}

test("a teacher awards a behaviour to two pupils with the keyboard alone, and the parent sees it on the child's page", async ({
  page,
  browser,
}, info) => {
  const { group, child, classmate } = lesson();
  const note = `Helped a new classmate (${info.project.name})`;

  // The parent, on a phone in another browser, has the child's page open.
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  await signIn(phone, PARENT);
  await phone.getByRole("link", { name: child }).click();
  await expect(phone.getByRole("heading", { name: child, level: 1 })).toBeVisible();
  await ready(phone);

  await signIn(page, TEACHER);
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Behaviour" }).click();
  await expect(page.getByRole("heading", { name: "Behaviour", level: 1 })).toBeVisible();
  await ready(page);
  await page.goto(`/behaviour?group=${group}`);
  await ready(page);
  await expectAccessible(page);

  // Space ticks each pupil and chooses the behaviour; Enter in the note sends it.
  for (const pupil of [child, classmate]) {
    await page.getByRole("checkbox", { name: startsWith(pupil) }).focus();
    await page.keyboard.press("Space");
  }
  await expect(page.getByText("2 ticked")).toBeVisible();
  await page.getByRole("radio", { name: "Kindness +1" }).focus();
  await page.keyboard.press("Space");
  await page.getByLabel("Note (optional)").focus();
  await page.keyboard.type(note);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText("Behaviour recorded for 2 pupils.");

  // The recorder may undo their own entry for a few minutes.
  const recent = page.getByRole("region", { name: "Recent entries" });
  await expect(recent.getByRole("button", { name: `Undo Kindness +1 for ${child}` }).first()).toBeVisible();
  const undo = recent.getByRole("button", { name: `Undo Kindness +1 for ${classmate}` });
  await expect(undo.first()).toBeVisible();
  const undoable = await undo.count();
  await undo.first().click();
  await expect(page.getByRole("status")).toHaveText("The entry has been removed.");
  await expect(undo).toHaveCount(undoable - 1);

  // An achievement, for the child alone; the form keeps nothing ticked after a save.
  await page.getByRole("button", { name: "Achievement", exact: true }).click();
  await page.getByRole("checkbox", { name: startsWith(child) }).check();
  await page.getByLabel("Achievement").fill("Star of the week");
  await page.getByRole("button", { name: "Record achievement" }).click();
  await expect(page.getByRole("status")).toHaveText("Achievement recorded for 1 pupil.");
  await expect(page.getByText("0 ticked")).toBeVisible();
  await expectAccessible(page);

  // Nothing ticked: told beside the pupils, and the typed name stays.
  await page.getByLabel("Achievement").fill("Reading milestone");
  await page.getByRole("button", { name: "Record achievement" }).click();
  await expect(page.getByText("Choose at least one pupil.")).toBeVisible();
  await expect(page.getByLabel("Achievement")).toHaveValue("Reading milestone");

  // A pupil's name in the list opens their page: what their parents see.
  await recent.getByRole("link", { name: child }).first().click();
  await expect(page.getByRole("heading", { name: child, level: 1 })).toBeVisible();
  await expect(page.getByRole("region", { name: "Achievements" }).getByText("Star of the week").first()).toBeVisible();

  // The parent's phone, untouched since the award: it arrived by itself.
  const behaviour = phone.getByRole("region", { name: "Behaviour" });
  await expect(behaviour.getByText(note).first()).toBeVisible();
  await expect(behaviour.getByText("Kindness").first()).toBeVisible();
  const achievements = phone.getByRole("region", { name: "Achievements" });
  await expect(achievements.getByText("Star of the week").first()).toBeVisible();
  await expect(phone.getByRole("link", { name: /^Notifications \d+ unread$/ })).toBeVisible();
  await expectAccessible(phone);
  await phone.getByRole("link", { name: /Notifications/ }).click();
  await expect(phone.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  await expect(phone.getByText("Star of the week").first()).toBeVisible();
  await expect(phone.getByRole("link", { name: "Notifications", exact: true })).toBeVisible();
  await expectAccessible(phone);
  await context.close();
});
