import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { PARENT, TEACHER } from "../helpers";

export interface Lesson {
  group: number;
  child: string;
  classmate: string;
}

/**
 * The demo parent's first child, their class and a classmate, with the demo
 * teacher made one of the class's teachers: built from relations in the
 * test's database, whatever the demo school's names.
 */
export function lesson(): Lesson {
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
