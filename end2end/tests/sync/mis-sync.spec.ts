import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, Page, test } from "@playwright/test";
import { ADMIN, expectAccessible, latestEmailTo, linkIn, openMenuIfPhone, ready, signIn } from "../helpers";

const HEADER =
  "upn,pupil_forename,pupil_surname,date_of_birth,year,class,contact_id,contact_forename,contact_surname,contact_email,relationship,parental_responsibility,access_allowed\n";

/**
 * The roll as it stands, with the links earlier syncs made: the simple CSV
 * is the whole school, so the file must list everyone (and every MIS link)
 * for nothing else to change.
 */
function theRoll(): string {
  const database = readFileSync(`${__dirname}/../../../target/e2e-database`, "utf8").trim();
  return execFileSync("python3", [
    "-c",
    `import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for upn, first, surname, born, year, pupil in db.execute(
        "SELECT upn, first_name, surname, date_of_birth, year_group, id FROM pupils WHERE active = 1"):
    links = db.execute(
        "SELECT u.mis_id, u.first_name, u.surname, u.email, l.relationship FROM parent_links l"
        " JOIN users u ON u.id = l.parent_id WHERE l.pupil_id = ? AND l.from_mis = 1", (pupil,)).fetchall()
    for mis_id, cfirst, csurname, email, relationship in links or [("", "", "", "", "")]:
        access = "yes,yes" if mis_id else ","
        print(f"{upn},{first},{surname},{born},{year},,{mis_id},{cfirst},{csurname},{email},{relationship},{access}")`,
    database,
  ]).toString();
}

/** Chooses the file on the MIS sync page and checks it. */
async function checkFile(page: Page, csv: string) {
  await page.getByLabel("MIS file").setInputFiles({
    name: "roster.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(page.getByRole("heading", { name: "Check of roster.csv" })).toBeVisible();
  await ready(page);
}

async function openMisSync(page: Page) {
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "MIS sync" }).click();
  await expect(page.getByRole("heading", { name: "MIS sync", level: 1 })).toBeVisible();
  await ready(page);
}

test("an admin checks and applies an MIS file, and a parent who loses access loses the child at their next click", async ({
  page,
  browser,
}, info) => {
  const roll = theRoll();
  // Built for this run: two pupils, a contact with an address for both (who
  // becomes one parent), and one without (not imported).
  const tag = info.project.name === "phone" ? "P" : "D";
  const stamp = String(Date.now()).slice(-10);
  const surname = `Quillon${tag}`;
  const address = `rowan.${surname.toLowerCase()}@mail.example`;
  const rowan = `,C-${stamp},Rowan,${surname},${address},mother`;
  const tamsin = `X${tag}1${stamp},Tamsin,${surname},12/03/2017,4,`;
  const pip = `X${tag}2${stamp},Pip,${surname},01/10/2020,1,`;
  const file = (tamsinResponsible: string) =>
    `${HEADER}${roll}` +
    `${tamsin}${rowan},${tamsinResponsible},yes\n` +
    `${tamsin},C2-${stamp},Ash,${surname},,father,yes,yes\n` +
    `${pip}${rowan},yes,yes\n`;

  await signIn(page, ADMIN);
  await openMisSync(page);
  await expectAccessible(page);

  // A file that isn't a simple CSV: the reason beside the field.
  await page.getByLabel("MIS file").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(page.getByLabel("MIS file")).toHaveAccessibleDescription(/notes\.txt is a file Markwell doesn't recognise/);
  await ready(page);
  await expectAccessible(page);

  await checkFile(page, file("yes"));
  // Worked from the rule: two pupils, one parent and their two links.
  const shown = page.getByRole("region", { name: /roster\.csv/ });
  await expect(shown).toContainText("Added 5, updated 0, removed 0, revoked 0, not imported 1");
  await expect(page.getByRole("group").filter({ hasText: "Not imported (1)" })).toContainText(
    `Ash ${surname}, contact of Tamsin ${surname} (Year 4): no email address`,
  );
  await expectAccessible(page);
  await page.getByRole("button", { name: "Apply changes" }).click();
  await expect(page.getByRole("heading", { name: "Applied: roster.csv" })).toBeVisible();
  await ready(page);
  await expect(page.getByRole("row").filter({ hasText: "Applied" }).first()).toContainText("Added 5");

  // The new parent is in Parents; invited, they set a password.
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Parents" }).click();
  await ready(page);
  await page.getByLabel("Search by parent's or child's name, or email").fill(surname);
  await page.getByRole("button", { name: "Search" }).click();
  await ready(page);
  const row = page.getByRole("row").filter({ hasText: `Rowan ${surname}` });
  await expect(row).toContainText(`Tamsin ${surname}`);
  await expect(row).toContainText(`Pip ${surname}`);
  await page.getByLabel(`Tick Rowan ${surname}`).check();
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("status").filter({ hasText: "1 invitation sent." })).toBeVisible();
  const link = linkIn(await latestEmailTo(address), "/invitation/");

  // The parent, on a phone of their own.
  const context = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  await phone.goto(link);
  await ready(phone);
  await phone.getByLabel("New password", { exact: true }).fill("quill-harbour-52");
  await phone.getByLabel("Type the new password again").fill("quill-harbour-52");
  await phone.getByRole("button", { name: "Set password" }).click();
  await expect(phone).toHaveURL(/\/sign-in/);
  await ready(phone);
  await phone.getByLabel("Email address").fill(address);
  await phone.getByLabel("Password").fill("quill-harbour-52");
  await phone.getByRole("button", { name: "Sign in" }).click();
  await expect(phone.getByRole("link", { name: new RegExp(`Tamsin ${surname}`) })).toBeVisible();
  await ready(phone);

  // The MIS says Rowan no longer has parental responsibility for Tamsin.
  await openMisSync(page);
  await checkFile(page, file("no"));
  await expect(shown).toContainText("Added 0, updated 0, removed 0, revoked 1, not imported 1");
  await expect(page.getByRole("group").filter({ hasText: "Revoked (1)" })).toContainText(
    `Rowan ${surname} – Tamsin ${surname} (Year 4): No parental responsibility`,
  );
  await expectAccessible(page);
  await page.getByRole("button", { name: "Apply changes" }).click();
  await expect(page.getByRole("heading", { name: "Applied: roster.csv" })).toBeVisible();

  // Rowan's next click finds nothing of Tamsin; Pip is still there.
  await phone.getByRole("link", { name: new RegExp(`Tamsin ${surname}`) }).click();
  await expect(phone.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
  await phone.goto("/");
  await ready(phone);
  await expect(phone.getByRole("link", { name: new RegExp(`Pip ${surname}`) })).toBeVisible();
  await expect(phone.getByText(`Tamsin ${surname}`)).toHaveCount(0);
  await context.close();
});
