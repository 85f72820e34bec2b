import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { expectAccessible, openMenuIfPhone, ready, signIn, SLT, TEACHER } from "../helpers";

const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

test("SLT opens School Usage, changes month and year without a reload, and exports", async ({ page }) => {
  await signIn(page, SLT);
  await page.getByRole("main").getByRole("link", { name: "School Usage" }).click();
  await expect(page.getByRole("heading", { name: "School Usage", level: 1 })).toBeVisible();
  await ready(page);

  // This calendar month by default.
  const now = new Date();
  const thisMonth = `${MONTHS[now.getMonth()]} ${now.getFullYear()}`;
  const table = page.getByRole("table");
  await expect(table.locator("caption")).toHaveText(`Usage in ${thisMonth}`);
  await expect(page.getByLabel("Month")).toHaveValue(String(now.getMonth() + 1));
  await expect(page.getByLabel("Year")).toHaveValue(String(now.getFullYear()));
  await expect(table.getByRole("rowheader", { name: "Helen Whitaker" })).toBeVisible();
  await expectAccessible(page);

  // A marker that a reload would wipe.
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const before = await table.locator("tfoot").innerText();

  // The month before: the table follows the drop-down at once.
  const earlier = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  await page.getByLabel("Month").selectOption(MONTHS[earlier.getMonth()]);
  if (earlier.getFullYear() !== now.getFullYear()) {
    await page.getByLabel("Year").selectOption(String(earlier.getFullYear()));
  }
  const earlierLabel = `${MONTHS[earlier.getMonth()]} ${earlier.getFullYear()}`;
  await expect(table.locator("caption")).toHaveText(`Usage in ${earlierLabel}`);
  await expect(page).toHaveURL(new RegExp(`month=${earlier.getMonth() + 1}`));

  // The same month a year before.
  const lastYear = String(earlier.getFullYear() - 1);
  await page.getByLabel("Year").selectOption(lastYear);
  const yearBefore = `${MONTHS[earlier.getMonth()]} ${lastYear}`;
  await expect(table.locator("caption")).toHaveText(`Usage in ${yearBefore}`);
  expect(await table.locator("tfoot").innerText()).not.toEqual(before);
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  await expectAccessible(page);

  // Sorting by a column: most sign-ins first, announced on the heading.
  await table.getByRole("button", { name: "Sign-ins" }).click();
  await expect(table.getByRole("columnheader", { name: "Sign-ins" })).toHaveAttribute("aria-sort", "descending");
  const signIns = (await table.locator("tbody tr td:nth-of-type(2)").allInnerTexts()).map(Number);
  expect(signIns.length).toBeGreaterThan(3);
  expect([...signIns].sort((a, b) => b - a)).toEqual(signIns);

  // Export to Excel: the selected month, as a real .xlsx (a zip: "PK").
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export to Excel" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(
    `Oakfield Primary School - School Usage - ${yearBefore} - Staff.xlsx`,
  );
  const file = readFileSync((await download.path())!);
  expect(file.subarray(0, 2).toString()).toBe("PK");
  expect(file.length).toBeGreaterThan(4000);
});

test("a teacher has no School Usage", async ({ page }) => {
  await signIn(page, TEACHER);
  await openMenuIfPhone(page);
  await expect(page.getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(page.getByRole("link", { name: "School Usage" })).toHaveCount(0);
  await page.goto("/school-usage");
  await ready(page);
  await expect(page.getByRole("heading", { name: "Not available to your account" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "School Usage" })).toHaveCount(0);
  await expect(page.getByRole("table")).toHaveCount(0);
  await expectAccessible(page);
});
