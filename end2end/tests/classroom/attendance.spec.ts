import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { ADMIN, PARENT, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";

/** A child of the demo parent, by relation: their id and UPN. */
function parentsChild(): { pupil: string; upn: string } {
  const database = readFileSync(`${__dirname}/../../../target/e2e-database`, "utf8").trim();
  const [pupil, upn] = execFileSync("python3", [
    "-c",
    `import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(*db.execute(
    "SELECT p.id, p.upn FROM pupils p JOIN parent_links l ON l.pupil_id = p.id"
    " JOIN users u ON u.id = l.parent_id WHERE u.email = ? ORDER BY p.id LIMIT 1", (sys.argv[2],)).fetchone())`,
    database,
    PARENT,
  ])
    .toString()
    .trim()
    .split(" ");
  return { pupil, upn };
}

test("an admin imports the day's attendance marks and the parent reads them in words", async ({ page, browser }, info) => {
  const { pupil, upn } = parentsChild();
  // Each viewport's run changes the morning's mark, so each has something to apply.
  const minutes = info.project.name === "phone" ? 17 : 18;
  const today = new Date().toLocaleDateString("en-CA", { timeZone: "Europe/London" });
  const marks = `upn,date,session,code,minutes_late\n${upn},${today},AM,L,${minutes}\n${upn},${today},PM,M,\n`;

  await signIn(page, ADMIN);
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "MIS sync" }).click();
  await ready(page);
  await page.getByLabel("MIS file").setInputFiles({ name: "marks.csv", mimeType: "text/csv", buffer: Buffer.from(marks) });
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(page.getByRole("heading", { name: "Check of marks.csv" })).toBeVisible();
  await ready(page);
  // Changed on a school day (the demo school has its marks), added on any other.
  await expect(page.getByText(/Attendance of .+: \d marks? (changed|added)/)).toBeVisible();
  await page.getByRole("button", { name: "Apply changes" }).click();
  await expect(page.getByRole("heading", { name: "Applied: marks.csv" })).toBeVisible();

  // The parent, on a phone in another browser, reads the marks in words.
  const parentContext = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
  const phone = await parentContext.newPage();
  await signIn(phone, PARENT);
  await phone.goto(`/children/${pupil}`);
  await ready(phone);
  const attendance = phone.getByRole("region", { name: "Attendance" });
  await expect(attendance.getByText(/^\d{1,3}\.\d% this school year \(\d{4}\/\d{2}\)$/)).toBeVisible();
  await expect(attendance.getByText(`Late before the register closed, ${minutes} minutes`)).toBeVisible();
  await expect(attendance.getByText("Absent — medical or dental appointment")).toBeVisible();
  await expect(attendance).not.toContainText(/\bM\b|\bL\b/);
  await expectAccessible(phone);
  await parentContext.close();
});
