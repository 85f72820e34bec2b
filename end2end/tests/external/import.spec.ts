import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, Page, test } from "@playwright/test";
import { ADMIN, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";

/**
 * Pupils made for this run, straight into the test server's database (as
 * an MIS sync would add them): their ids, in the order given.
 */
function addPupils(pupils: { upn: string; first: string; surname: string }[]): number[] {
  const database = readFileSync(`${__dirname}/../../../target/e2e-database`, "utf8").trim();
  const out = execFileSync("python3", [
    "-c",
    `import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ids = []
for p in json.loads(sys.argv[2]):
    ids.append(db.execute(
        "INSERT INTO pupils (upn, first_name, surname, date_of_birth, year_group, created_at)"
        " VALUES (?, ?, ?, '2019-03-12', 1, '2026-09-01T00:00:00Z') RETURNING id",
        (p["upn"], p["first"], p["surname"])).fetchone()[0])
db.commit()
print(json.dumps(ids))`,
    database,
    JSON.stringify(pupils),
  ]).toString();
  return JSON.parse(out);
}

async function openExtData(page: Page) {
  await openMenuIfPhone(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Ext. data" }).click();
  await expect(page.getByRole("heading", { name: "Ext. data", level: 1 })).toBeVisible();
  await ready(page);
}

test("an admin imports a Phonics Screening Check file, sees both bad rows' reasons, finds a result on the pupil's page and undoes the import", async ({
  page,
}, info) => {
  const tag = info.project.name === "phone" ? "P" : "D";
  const stamp = String(Date.now()).slice(-9);
  const surname = `Quaver${tag}`;
  const [amyId] = addPupils([
    { upn: `E${tag}1${stamp}`, first: "Amy", surname },
    { upn: `E${tag}2${stamp}`, first: "Ben", surname },
    { upn: `E${tag}3${stamp}`, first: "Cal", surname },
  ]);
  // The checker's export: a title with a comma above the headings, a blank
  // row, and two bad rows: a UPN no pupil has and a score out of range.
  const csv =
    `Phonics Screening Check, June 2026\n\nUPN,Forename,Surname,Mark\n` +
    `E${tag}1${stamp},Amy,${surname},35\n\n` +
    `E${tag}2${stamp},Ben,${surname},28\n` +
    `E${tag}9${stamp},Nobody,${surname},30\n` +
    `E${tag}3${stamp},Cal,${surname},41\n`;
  const name = `Phonics check ${tag}${stamp}`;

  await signIn(page, ADMIN);
  await openExtData(page);
  await expectAccessible(page);

  await page.getByLabel("Spreadsheet of results").setInputFiles({
    name: "phonics.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await page.getByRole("button", { name: "Upload file" }).click();
  await expect(page.getByText("4 rows below the headings on row 3")).toBeVisible();
  await ready(page);

  await page.getByLabel("These results are for").selectOption({ label: "A new assessment" });
  await expect(page.getByLabel("Kind")).toHaveValue("phonics");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Date taken").fill("09/06/2026");
  // The columns, guessed from the headings.
  await expect(page.getByLabel("Pupil's UPN")).toHaveValue("0");
  await expect(page.getByLabel("Score or grade")).toHaveValue("3");
  await page.getByRole("button", { name: "Preview" }).click();

  await expect(page.getByRole("heading", { name: `Preview: ${name}, taken 09/06/2026` })).toBeVisible();
  const bad = page.getByRole("table", { name: "Rows that won't be imported" });
  await expect(bad.getByRole("row")).toHaveCount(3);
  await expect(bad.getByRole("row", { name: /^7 .*Unknown pupil: no pupil has the UPN/ })).toBeVisible();
  await expect(bad.getByRole("row", { name: /^8 .*Score out of range: 41 \(scores are 0 to 40\)\./ })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("button", { name: "Import 2 results" }).click();
  await expect(page.getByText("Results imported.")).toBeVisible();
  await ready(page);
  const imports = page.getByRole("region", { name: "Imports" });
  await expect(imports.getByRole("row", { name: new RegExp(`^${name}, taken 09/06/2026 phonics\\.csv`) })).toBeVisible();

  // Amy's page shows her result and what it means.
  await page.goto(`/pupils/${amyId}`);
  await ready(page);
  const results = page.getByRole("table", { name: `Amy ${surname}'s external results` });
  await expect(results.getByRole("row", { name: new RegExp(`^${name} 09/06/2026 35 \\(Working at the expected standard\\)`) })).toBeVisible();
  await expectAccessible(page);

  // Undo: the import's results go.
  await page.goBack();
  await ready(page);
  await page.getByRole("button", { name: `Undo import of phonics.csv (${name}, taken 09/06/2026)` }).click();
  await expect(page.getByText("Import undone")).toBeVisible();
  await expect(imports.getByRole("row", { name: new RegExp(`^${name}.*Undone by`) })).toBeVisible();
  await page.goto(`/pupils/${amyId}`);
  await ready(page);
  await expect(page.getByRole("heading", { name: "External results" })).toBeVisible();
  await expect(page.getByRole("table", { name: `Amy ${surname}'s external results` })).toHaveCount(0);
});

test("an admin imports Maths targets from a spreadsheet, sees a level not on the scale refused, finds the target on the pupil's page and undoes the import", async ({
  page,
}, info) => {
  const tag = info.project.name === "phone" ? "P" : "D";
  const stamp = String(Date.now()).slice(-9);
  const surname = `Target${tag}`;
  const [amyId] = addPupils([
    { upn: `T${tag}1${stamp}`, first: "Amy", surname },
    { upn: `T${tag}2${stamp}`, first: "Ben", surname },
  ]);
  const csv = `UPN,Name,Maths target\nT${tag}1${stamp},Amy,Greater depth\nT${tag}2${stamp},Ben,Gold\n`;

  await signIn(page, ADMIN);
  await openExtData(page);
  await page.getByLabel("Spreadsheet of results").setInputFiles({
    name: "targets.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv),
  });
  await page.getByRole("button", { name: "Upload file" }).click();
  await expect(page.getByText("2 rows below the headings on row 1")).toBeVisible();
  await ready(page);

  await page.getByLabel("These results are for").selectOption({ label: "Targets in Maths" });
  // The new assessment's fields stay hidden; the column is the target's.
  await expect(page.getByLabel("Kind")).toBeHidden();
  await expect(page.getByLabel("Target", { exact: true })).toHaveValue("2");
  await page.getByRole("button", { name: "Preview" }).click();

  await expect(page.getByRole("heading", { name: "Preview: Targets in Maths" })).toBeVisible();
  const bad = page.getByRole("table", { name: "Rows that won't be imported" });
  await expect(bad.getByRole("row", { name: /^3 .*“Gold” isn't on the school's scale/ })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("button", { name: "Import 1 target" }).click();
  await expect(page.getByText("Targets imported")).toBeVisible();
  await ready(page);
  const imports = page.getByRole("region", { name: "Imports" });
  await expect(imports.getByRole("row", { name: /^Targets in Maths targets\.csv/ }).first()).toBeVisible();

  // Amy's page shows the target beside her Maths judgement.
  await page.goto(`/pupils/${amyId}`);
  await ready(page);
  const subjects = page.getByRole("table", { name: `Amy ${surname}'s subjects` });
  await expect(subjects.getByRole("row", { name: /^Maths .*Greater depth/ })).toBeVisible();

  // Undo: the target goes.
  await page.goBack();
  await ready(page);
  await page.getByRole("button", { name: "Undo import of targets.csv (Targets in Maths)" }).first().click();
  await expect(page.getByText("Import undone: its targets are removed")).toBeVisible();
  await page.goto(`/pupils/${amyId}`);
  await ready(page);
  await expect(subjects.getByRole("row", { name: /^Maths .*No target/ })).toBeVisible();
});
