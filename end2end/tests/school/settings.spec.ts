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

test("an admin sets the school's terms, and Progress compares each pupil with the end of the last one", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/school-settings");
  await ready(page);
  const terms = page.getByRole("region", { name: "Terms" });
  const springEnds = terms.getByLabel("Day term 2 ends, as day/month");
  await expect(terms.getByLabel("Name of term 1")).toHaveValue("Autumn");
  await expect(springEnds).toHaveValue("10/04");
  // A day that isn't one is named beside the terms, and what was typed stays.
  await springEnds.fill("31/02");
  await terms.getByRole("button", { name: "Save terms" }).click();
  const problem = page.locator("#terms-error");
  await expect(problem).toHaveText("Row 2: write the day Spring ends as day/month, for example 19/12.");
  await expect(springEnds).toHaveValue("31/02");
  await expect(springEnds).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page);
  // Put right (as the school had it), it saves.
  await springEnds.fill("10/04");
  await terms.getByRole("button", { name: "Save terms" }).click();
  await expect(page.getByRole("status").filter({ hasText: "School settings saved." })).toBeVisible();
  await expect(problem).toHaveText("");

  // Progress names the term the change is since, and each pupil's change:
  // the oldest year group, who were all in school last year.
  await page.goto("/progress");
  await ready(page);
  const group = page.getByLabel("Group");
  const oldest = group.locator("optgroup option").last();
  const year = (await oldest.textContent())!.trim();
  await group.selectOption((await oldest.getAttribute("value"))!);
  await expect(page.getByRole("table", { name: new RegExp(` in ${year}$`) })).toBeVisible();
  await page.getByLabel("Subject").selectOption({ label: "Maths" });
  await expect(page.getByText(/^Since last term: each pupil's judgement now against theirs when (Autumn|Spring|Summer) ended \(\d\d\/\d\d\/\d{4}\)/)).toBeVisible();
  const table = page.getByRole("table", { name: `Maths in ${year}` });
  await expect(table.getByRole("columnheader", { name: /Since last term/ })).toBeVisible();
  // Every pupil has a change in words (whether the demo school has history
  // before the term's end depends on today's date; the API tests work the
  // figures through by hand).
  const pupils = await table.getByRole("rowheader").count();
  const changes = table.getByRole("cell", { name: /^((Up|Down) \d+ \(was .+\)|Same \(.+\)|Not yet known)$/ });
  expect(await changes.count()).toBeGreaterThanOrEqual(pupils);
  await expectAccessible(page);
});
