import { expect, test } from "@playwright/test";
import { PARENT, TEACHER, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";
import { lesson } from "./lesson";

test("a teacher sets homework with the keyboard, records hand-ins, and the parent sees it due and then handed in", async ({
  page,
  browser,
}, info) => {
  const { group, child, classmate } = lesson();
  const title = `Spellings: -tion words (${info.project.name} ${Date.now()})`;
  const nextWeek = new Date(Date.now() + 7 * 24 * 3600 * 1000).toLocaleDateString("en-CA", { timeZone: "Europe/London" });

  await signIn(page, TEACHER);
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Homework" }).click();
  await expect(page.getByRole("heading", { name: "Homework", level: 1 })).toBeVisible();
  await ready(page);
  // Animation frames come late, as on a busy machine: focus sent to the
  // field in error must not arrive after the teacher has moved on.
  await page.addInitScript(() => {
    const frame = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => window.setTimeout(() => frame(callback), 60);
  });
  await page.goto(`/homework?group=${group}`);
  await ready(page);
  await expectAccessible(page);

  // A mistake first: what was typed stays, the reason beside the field.
  await page.getByLabel("Title").fill(title);
  await page.getByRole("button", { name: "Set homework" }).click();
  await expect(page.getByLabel("Due date")).toHaveAccessibleDescription("Enter the date it is due.");
  await expect(page.getByLabel("Title")).toHaveValue(title);

  // Then with the keyboard alone.
  await page.getByLabel("Description (optional)").focus();
  await page.keyboard.type("Learn the ten words on the sheet.");
  await expect(page.getByLabel("Description (optional)")).toHaveValue("Learn the ten words on the sheet.");
  await expect(page.getByLabel("Description (optional)")).toBeFocused();
  await page.getByLabel("Due date").fill(nextWeek);
  await page.getByRole("button", { name: "Set homework" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toHaveText("Homework set. The pupils' parents have been told.");
  await page.getByRole("link", { name: `Record hand-ins for ${title}` }).click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await ready(page);
  await expectAccessible(page);

  // The child handed it in; the classmate was late.
  await page.getByRole("group", { name: child }).getByRole("radio", { name: "Handed in", exact: true }).check();
  await page.getByRole("group", { name: classmate }).getByRole("radio", { name: "Late" }).check();
  await page.getByRole("button", { name: "Save hand-ins" }).click();
  await expect(page.getByRole("status")).toHaveText("Hand-ins saved: 2 pupils changed.");
  await expect(page.getByRole("group", { name: child }).getByRole("radio", { name: "Handed in", exact: true })).toBeChecked();

  // The parent's phone: told, and the homework handed in on the child's page.
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  await signIn(phone, PARENT);
  await phone.getByRole("link", { name: /Notifications/ }).click();
  await expect(phone.getByText(new RegExp(`${title.replace(/[()]/g, "\\$&")}, due`)).first()).toBeVisible();
  await phone.goto("/");
  await phone.getByRole("link", { name: child }).click();
  await ready(phone);
  const homework = phone.getByRole("region", { name: "Homework" });
  await expect(homework.getByRole("heading", { name: "Handed in" })).toBeVisible();
  await expect(homework.getByRole("listitem").filter({ hasText: title })).toContainText("handed in");
  await expectAccessible(phone);
  await context.close();
});
