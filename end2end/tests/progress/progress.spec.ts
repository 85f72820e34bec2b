import { expect, test } from "@playwright/test";
import { TEACHER, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";
import { lesson } from "../classroom/lesson";

// A teacher opens Progress from the strip, chooses a subject and sorts the
// table with the keyboard.

test("a teacher opens Progress for their class, chooses a subject and sorts by share secured", async ({ page }) => {
  const { group, child } = lesson();
  await signIn(page, TEACHER);
  await openMenuIfPhone(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Progress" }).click();
  await expect(page.getByRole("heading", { name: "Progress", level: 1 })).toBeVisible();
  await ready(page);
  await page.goto(`/progress?group=${group}`);
  await ready(page);

  await page.getByLabel("Subject").selectOption({ label: "Maths" });
  const table = page.getByRole("table", { name: /^Maths in / });
  await expect(table).toBeVisible();
  await expect(table.getByRole("rowheader", { name: child })).toBeVisible();
  const rows = table.getByRole("row");
  // One heading row and a row per pupil, each with a share such as "50% (2 of 4)".
  expect(await rows.count()).toBeGreaterThan(2);
  await expect(table.getByRole("cell", { name: /^\d+% \(\d+ of \d+\)$/ }).first()).toBeVisible();
  await expectAccessible(page);

  // Sorting by share: highest first at the first press, lowest first at the next.
  const share = table.getByRole("button", { name: "Share secured" });
  await share.focus();
  await page.keyboard.press("Enter");
  const heading = table.getByRole("columnheader", { name: /Share secured/ });
  await expect(heading).toHaveAttribute("aria-sort", "descending");
  const shares = async () =>
    (await table.getByRole("cell", { name: /^\d+% / }).allTextContents()).map((t) => parseInt(t, 10));
  const high = await shares();
  expect(high).toEqual([...high].sort((a, b) => b - a));
  await page.keyboard.press("Enter");
  await expect(heading).toHaveAttribute("aria-sort", "ascending");
  const low = await shares();
  expect(low).toEqual([...low].sort((a, b) => a - b));

  // A pupil's name opens their page.
  await table.getByRole("link", { name: child }).click();
  await expect(page.getByRole("heading", { name: child, level: 1 })).toBeVisible();
});
