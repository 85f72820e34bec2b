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
    if not links:
        print(f"{upn},{first},{surname},{born},{year},,,,,,,,")
    # A contact from a Common Transfer File has no MIS id: the address is its key.
    for mis_id, cfirst, csurname, email, relationship in links:
        print(f"{upn},{first},{surname},{born},{year},,{mis_id or ''},{cfirst},{csurname},{email},{relationship},yes,yes")`,
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
  // The list reads again: the row says they were invited, and the tick
  // stays for printing a letter to the same parent.
  await expect(row).toContainText("Not yet, invited");
  await expect(page.getByLabel(`Tick Rowan ${surname}`)).toBeChecked();
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

/** A full CTF with one contact per pupil: name, address and phone. */
function transferFile(pupils: { upn: string; first: string; surname: string; contact: [string, string, string] }[]): string {
  const pupil = ({ upn, first, surname, contact: [name, email, phone] }: (typeof pupils)[number]) => `
<Pupil><UPN>${upn}</UPN><Surname>${surname}</Surname><Forename>${first}</Forename><DOB>2017-05-04</DOB>
<BasicDetails><NCyearActual>4</NCyearActual></BasicDetails>
<Contacts><Contact><Surname>${surname}</Surname><Forename>${name}</Forename><Relationship>PAM</Relationship>
<Responsibility>true</Responsibility><Email>${email}</Email>
<Phones><Phone><TelephoneType>M</TelephoneType><PhoneNo>${phone}</PhoneNo></Phone></Phones></Contact></Contacts></Pupil>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<CTfile><Header><DocumentQualifier>full</DocumentQualifier></Header>
<CTFpupilData>${pupils.map(pupil).join("")}
</CTFpupilData></CTfile>`;
}

test("an admin merges a parent the MIS lists twice, and keeps two different people apart", async ({ page }, info) => {
  const tag = info.project.name === "phone" ? "P" : "D";
  const stamp = String(Date.now()).slice(-10);
  const surname = `Katsura${tag}${stamp}`;
  const hana = (email: string, phone: string): [string, string, string] => ["Hana", email, phone];
  const sam = (email: string): [string, string, string] => ["Sam", email, "07700 900456"];
  const file = transferFile([
    { upn: `K${tag}${stamp}1`, first: "Aiko", surname, contact: hana(`hana.${stamp}${tag}@home.example`, "07700 900123") },
    { upn: `K${tag}${stamp}2`, first: "Ren", surname, contact: hana(`hana.${stamp}${tag}@work.example`, "+44 7700 900123") },
    { upn: `K${tag}${stamp}3`, first: "Mio", surname, contact: sam(`sam.${stamp}${tag}@one.example`) },
    { upn: `K${tag}${stamp}4`, first: "Yui", surname, contact: sam(`sam.${stamp}${tag}@two.example`) },
  ]);

  await signIn(page, ADMIN);
  await openMisSync(page);
  await page.getByLabel("MIS file").setInputFiles({ name: "transfer.xml", mimeType: "text/xml", buffer: Buffer.from(file) });
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(page.getByRole("heading", { name: "Check of transfer.xml" })).toBeVisible();
  await ready(page);
  const check = page.getByRole("region", { name: "Check of transfer.xml" });
  await expect(
    check.getByText(new RegExp(`^Hana ${surname} \\(.*\\) and Hana ${surname} \\(.*\\): same name and phone number, different email addresses$`)),
  ).toBeVisible();
  await page.getByRole("button", { name: "Apply changes" }).click();
  await expect(page.getByRole("heading", { name: "Applied: transfer.xml" })).toBeVisible();
  await ready(page);

  // Both pairs wait, each with whom to keep and the two buttons.
  const hanas = page.getByRole("article", { name: `Hana ${surname} and Hana ${surname}` });
  const sams = page.getByRole("article", { name: `Sam ${surname} and Sam ${surname}` });
  await expect(hanas.getByRole("group", { name: "Keep" })).toBeVisible();
  await expect(sams).toBeVisible();
  await expectAccessible(page);

  // Keep the address she uses at home; the work one goes.
  await hanas.getByRole("radio", { name: new RegExp(`hana\\.${stamp}${tag}@home\\.example`) }).check();
  await hanas.getByRole("button", { name: /^Merge / }).click();
  await expect(page.getByRole("status").filter({ hasText: "merged into" })).toHaveText(
    `Hana ${surname} (hana.${stamp}${tag}@work.example) merged into Hana ${surname} (hana.${stamp}${tag}@home.example): 1 child's link moved, with their codes and history.`,
  );
  await expect(hanas).toHaveCount(0);

  await sams.getByRole("button", { name: /^Not the same person/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "Kept apart" })).toBeVisible();
  await expect(sams).toHaveCount(0);
  await expectAccessible(page);

  // Parents shows one Hana, with both children.
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Parents" }).click();
  await ready(page);
  await page.getByLabel("Search by parent's or child's name, or email").fill(`hana.${stamp}${tag}`);
  await page.getByLabel("Search by parent's or child's name, or email").press("Enter");
  await expect(page.getByRole("row").filter({ hasText: `Hana ${surname}` })).toHaveCount(1);
});

test("a large MIS file shows how much of it has been sent", async ({ page }) => {
  await signIn(page, ADMIN);
  await openMisSync(page);
  // A slow school connection: about 256 KB a second up.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: 256 * 1024,
  });
  const big = Buffer.from("not an MIS file\n".repeat(96 * 1024));
  await page.getByLabel("MIS file").setInputFiles({ name: "export.txt", mimeType: "text/plain", buffer: big });
  await page.getByRole("button", { name: "Check file" }).click();
  const sending = page.getByRole("progressbar", { name: "Sending the file" });
  await expect(sending).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /Sending the file: \d+%/ })).toBeVisible();
  await expect.poll(async () => Number(await sending.getAttribute("value"))).toBeGreaterThan(0);
  // Sent and read: the reason it can't be used, beside the field.
  await expect(page.getByLabel("MIS file")).toHaveAccessibleDescription(/export\.txt is a file Markwell doesn't recognise/, {
    timeout: 30_000,
  });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
});
