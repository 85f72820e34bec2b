import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { PARENT, TEACHER, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";

interface Lesson {
  group: number;
  child: string;
  classmate: string;
}

/**
 * The demo parent's first child, their class and a classmate, with the demo
 * teacher made one of the class's teachers: built from relations in the
 * test's database, whatever the demo school's names.
 */
function lesson(): Lesson {
  const database = readFileSync(`${__dirname}/../../../target/e2e-database`, "utf8").trim();
  const out = execFileSync("python3", [
    "-c",
    `import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
parent = db.execute("SELECT id FROM users WHERE email = ?", (sys.argv[2],)).fetchone()[0]
teacher = db.execute("SELECT id FROM users WHERE email = ?", (sys.argv[3],)).fetchone()[0]
child, group = db.execute(
    "SELECT p.id, g.id FROM parent_links l JOIN pupils p ON p.id = l.pupil_id"
    " JOIN group_pupils gp ON gp.pupil_id = p.id JOIN groups g ON g.id = gp.group_id AND g.kind = 'class'"
    " WHERE l.parent_id = ? AND p.active = 1 ORDER BY p.id LIMIT 1", (parent,)).fetchone()
mate = db.execute(
    "SELECT p.id FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id"
    " WHERE gp.group_id = ? AND p.active = 1 AND p.id <> ?"
    " AND p.id NOT IN (SELECT pupil_id FROM parent_links WHERE parent_id = ?) ORDER BY p.id LIMIT 1",
    (group, child, parent)).fetchone()[0]
db.execute("INSERT OR IGNORE INTO group_teachers (group_id, user_id) VALUES (?, ?)", (group, teacher))
db.commit()
name = lambda p: " ".join(db.execute("SELECT first_name, surname FROM pupils WHERE id = ?", (p,)).fetchone())
print(json.dumps({"group": group, "child": name(child), "classmate": name(mate)}))`,
    database,
    PARENT,
    TEACHER,
  ]);
  return JSON.parse(out.toString());
}

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
