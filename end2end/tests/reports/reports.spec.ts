import { Browser, expect, Locator, Page, test } from "@playwright/test";
import {
  ADMIN,
  emailCount,
  expectAccessible,
  linkEmailedTo,
  openMenuIfPhone,
  PARENT,
  PASSWORD,
  ready,
  signIn,
  SLT,
  TEACHER,
} from "../helpers";

const PHONE = { width: 360, height: 780 };

/** A signed-in page in its own browser context, so several people work at once. */
async function personIn(browser: Browser, email: string, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** The demo parent's children as their home page lists them: name and class. */
async function childrenOf(page: Page): Promise<{ name: string; className: string }[]> {
  const cards = page.getByRole("list", { name: "Your children" }).getByRole("listitem");
  await expect(cards).toHaveCount(2);
  const children = [];
  for (const card of await cards.all()) {
    const name = (await card.getByRole("heading").innerText()).trim();
    const about = await card.getByRole("paragraph").innerText();
    children.push({ name, className: about.split("Class ")[1].trim() });
  }
  return children;
}

/**
 * Where a pupil's report has got to, as their card shows it: the words beside
 * the card's heading (they have no role or name of their own).
 */
function statusOf(card: Locator, pupil: string): Locator {
  return card.getByRole("heading", { name: pupil, exact: true }).locator("xpath=following-sibling::*[1]");
}

test("a teacher writes, SLT approve and publish, and a parent reads the report on a phone", async ({
  browser,
  isMobile,
}) => {
  test.setTimeout(120_000);
  const run = `${isMobile ? "phone" : "desktop"} ${Date.now() % 100000}`;
  const setName = `Reading club ${run}`;
  const sessionName = `Spring ${run}`;
  const comments = [
    `Reads with real expression and talks about characters thoughtfully (${run}).`,
    `Has grown in confidence in maths this term (${run}).`,
  ];

  // The parent's children, for a set of their own.
  const parent = await personIn(browser, PARENT, PHONE);
  const children = await childrenOf(parent);

  // The children are in Years 2 and 5, beyond what the teacher may add to a
  // set of their own (their class's year group), so the admin makes the
  // reading club with both children and the teacher teaching it.
  const teacher = await personIn(browser, TEACHER);
  await teacher.goto("/settings");
  await ready(teacher);
  const teacherName = `${await teacher.getByLabel("First name").inputValue()} ${await teacher.getByLabel("Surname").inputValue()}`;
  const admin = await personIn(browser, ADMIN);
  await admin.goto("/groups/new");
  await ready(admin);
  await admin.getByLabel("Group name").fill(setName);
  await admin.getByLabel("Kind").selectOption({ label: "Set" });
  await admin.getByRole("group", { name: "Teachers" }).getByLabel(teacherName, { exact: true }).check();
  for (const child of children) {
    await admin.getByLabel("Search pupils by forename or surname").fill(child.name.split(" ")[0]);
    const match = admin
      .getByRole("group", { name: "Matching pupils" })
      .getByRole("listitem")
      .filter({ hasText: child.name })
      .filter({ hasText: child.className });
    await match.getByRole("checkbox").check();
    await admin.getByRole("button", { name: "Add to List" }).click();
  }
  await expect(admin.getByRole("region", { name: /^Pupils in this group/ }).getByRole("listitem")).toHaveCount(2);
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByText("Group created.")).toBeVisible();

  // The admin makes a reporting session for that group; mistakes are named by their fields.
  await admin.goto("/reports");
  await ready(admin);
  await admin.getByRole("link", { name: "New reporting session" }).click();
  await ready(admin);
  await admin.getByLabel("Session name").fill(sessionName);
  await admin.getByLabel("Writing opens").fill("01/03/2027");
  await admin.getByLabel("Writing closes").fill("19/02/2027");
  await admin.getByLabel("Publish date").fill("26/03/2027");
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByText("Choose at least one year group or group.")).toBeVisible();
  await admin.getByText("Single groups", { exact: true }).click();
  await admin.getByLabel(setName).check();
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByText("Writing must close on or after the day it opens.")).toBeVisible();
  await expect(admin.getByLabel("Writing closes")).toHaveAttribute("aria-invalid", "true");
  await expect(admin.getByLabel("Session name")).toHaveValue(sessionName);
  await expectAccessible(admin);
  await admin.getByLabel("Writing closes").fill("19/03/2027");
  await admin.getByRole("button", { name: "Save" }).click();
  await expect(admin.getByText("Reporting session created.")).toBeVisible();

  // The teacher writes both comments; each saves itself, then goes for review.
  await teacher.goto("/reports");
  await ready(teacher);
  const card = teacher.getByRole("listitem").filter({ has: teacher.getByRole("heading", { name: sessionName }) });
  await expect(card).toContainText("0 of 2 written");
  await card.getByRole("link", { name: `Write: ${setName}` }).click();
  await ready(teacher);
  await expect(teacher.getByText("0 of 2 comments written")).toBeVisible();
  for (const [i, child] of children.entries()) {
    const box = teacher.getByLabel(`Comment for ${child.name}`);
    await box.fill(comments[i]);
    const pupil = teacher.getByRole("listitem").filter({ has: box });
    await expect(pupil.getByRole("status")).toHaveText("Saved");
    await expect(pupil.getByText(`${comments[i].length} of about 1200 characters`)).toBeVisible();
    await pupil.getByRole("button", { name: "Ready for review" }).click();
    await expect(statusOf(pupil, child.name)).toHaveText("Ready for review");
  }
  await expect(teacher.getByText("2 of 2 comments written")).toBeVisible();
  await expectAccessible(teacher);
  // What was saved is there after a reload.
  await teacher.reload();
  await ready(teacher);
  await expect(teacher.getByLabel(`Comment for ${children[0].name}`)).toHaveValue(comments[0]);

  // SLT approve both and publish; the parent's emails arrive.
  const head = await personIn(browser, SLT);
  await head.goto("/reports");
  await ready(head);
  await head
    .getByRole("listitem")
    .filter({ has: head.getByRole("heading", { name: sessionName }) })
    .getByRole("link", { name: "Review and publish" })
    .click();
  await ready(head);
  await expect(head.getByRole("heading", { name: `${sessionName}: review and publish` })).toBeVisible();
  await expectAccessible(head);
  // A note is needed to send a comment back.
  const first = head.getByRole("listitem").filter({ has: head.getByRole("heading", { name: children[0].name }) });
  await first.getByRole("button", { name: "Send back" }).click();
  await expect(first.getByLabel("Note for the teacher")).toBeFocused();
  await first.getByRole("button", { name: /^Send back to/ }).click();
  await expect(first.getByText("Say what the teacher should change.")).toBeVisible();
  await expectAccessible(head);
  await first.getByRole("button", { name: "Cancel" }).click();
  await expect(first.getByRole("button", { name: "Send back" })).toBeFocused();
  for (const child of children) {
    const item = head.getByRole("listitem").filter({ has: head.getByRole("heading", { name: child.name }) });
    await item.getByRole("button", { name: "Approve" }).click();
    await expect(statusOf(item, child.name)).toHaveText("Approved");
  }
  const before = await emailCount(PARENT);
  await head.getByRole("button", { name: "Publish", exact: true }).click();
  await expect(head.getByText(/Publish 2 reports\? Each parent/)).toBeVisible();
  await expect(head.getByRole("button", { name: "Publish now" })).toBeFocused();
  await expectAccessible(head);
  await head.getByRole("button", { name: "Publish now" }).click();
  await expect(head.getByText(/Published 2 reports\. \d+ emails are on their way to parents\./)).toBeVisible();
  const link = await linkEmailedTo(PARENT, "/reports/", before);

  // The parent follows the email's link on their phone, signs in, and reads it.
  const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
  const reader = await phone.newPage();
  await reader.goto(link);
  await expect(reader).toHaveURL(/\/sign-in/);
  await ready(reader);
  await reader.getByLabel("Email address").fill(PARENT);
  await reader.getByLabel("Password").fill(PASSWORD);
  await reader.getByRole("button", { name: "Sign in" }).click();
  await expect(reader).toHaveURL(new URL(link).pathname);
  await ready(reader);
  await expect(reader.getByText(`${sessionName} report`)).toBeVisible();
  const current = (await reader.getByRole("heading", { level: 1 }).innerText()).trim();
  await expect(reader.getByText(comments[children.findIndex((c) => c.name === current)])).toBeVisible();
  const fits = await reader.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(fits).toBe(true);
  await expectAccessible(reader);
  // The child switcher leads to the other child, and to their new report.
  const other = children.find((c) => c.name !== current)!;
  await reader.getByRole("navigation", { name: "Your children" }).getByRole("link", { name: other.name }).click();
  await ready(reader);
  await reader.getByRole("link", { name: `${sessionName} report` }).click();
  await ready(reader);
  await expect(reader.getByRole("heading", { name: other.name, level: 1 })).toBeVisible();
  await expect(reader.getByText(comments[children.indexOf(other)])).toBeVisible();
  await expectAccessible(reader);
  await phone.close();

  // The same report with JavaScript off: whole in the server's HTML.
  const noScript = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
  const plain = await noScript.newPage();
  await plain.goto(link);
  await expect(plain).toHaveURL(/\/sign-in/);
  await plain.getByLabel("Email address").fill(PARENT);
  await plain.getByLabel("Password").fill(PASSWORD);
  await plain.getByRole("button", { name: "Sign in" }).click();
  await expect(plain).toHaveURL(new URL(link).pathname);
  await expect(plain.getByText(`${sessionName} report`)).toBeVisible();
  await expect(plain.getByText(/Reads with real expression|Has grown in confidence/)).toBeVisible();
  await expect(plain.getByRole("heading", { name: /How .* is doing/ })).toBeVisible();
  // Their home and each child's page are whole documents too: the children,
  // and each child's reports with the newest first.
  await plain.goto("/");
  const cards = plain.getByRole("list", { name: "Your children" });
  for (const child of children) await expect(cards.getByRole("link", { name: child.name })).toBeVisible();
  await cards.getByRole("link", { name: children[0].name }).click();
  await expect(plain.getByRole("heading", { name: children[0].name, level: 1 })).toBeVisible();
  const reports = plain.getByRole("region", { name: "Reports" }).getByRole("link");
  await expect(reports.first()).toHaveText(`${sessionName} report`);
  await expect(plain.getByText(/Loading/)).toHaveCount(0);
  await noScript.close();

  for (const page of [parent, teacher, admin, head]) await page.context().close();
});

test("the strip leads staff to Reports, and parents are kept out", async ({ page }) => {
  await signIn(page, TEACHER);
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Reports" }).click();
  await ready(page);
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "New reporting session" })).toHaveCount(0);
  await expectAccessible(page);
  await page.context().clearCookies();
  await signIn(page, PARENT);
  await page.goto("/reports");
  await expect(page.getByRole("heading", { name: "Not available to your account" })).toBeVisible();
});

test("a comment whose save fails says so, keeps every word typed and saves once back online", async ({ page }) => {
  await signIn(page, TEACHER);
  await page.goto("/reports");
  await ready(page);
  await page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: "Autumn 2026" }) })
    .getByRole("link", { name: /^Write: / })
    .first()
    .click();
  await ready(page);
  // The first pupil whose comment can still be changed, and their comment box by its label.
  const cards = page.getByRole("listitem").filter({ has: page.getByRole("textbox", { name: /^Comment for / }) });
  await expect(cards.first()).toBeVisible();
  let name = "";
  for (const card of await cards.all()) {
    if (await card.getByRole("textbox").isEditable()) {
      name = (await card.getByRole("heading", { level: 2 }).innerText()).trim();
      break;
    }
  }
  const box = page.getByLabel(`Comment for ${name}`, { exact: true });
  const pupil = page.getByRole("listitem").filter({ has: box });
  const words = `Settles quickly and listens well ${Date.now() % 100000}.`;
  // The connection drops: the save fails, says so, and the words stay.
  await page.route("**/api/reports/save_comment", (route) => route.abort("internetdisconnected"));
  await box.fill(words);
  await box.blur();
  await expect(pupil.getByRole("status")).toContainText("Not saved");
  await expect(box).toHaveAttribute("aria-invalid", "true");
  await expect(box).toHaveValue(words);
  await expect(pupil.getByRole("status")).toContainText("tries again");
  // Back online, the autosave tries again by itself (2, 4 … seconds after a
  // failure) and stores them, with nothing clicked.
  await page.unroute("**/api/reports/save_comment");
  await expect(pupil.getByRole("status")).toHaveText("Saved", { timeout: 15_000 });
  await page.reload();
  await ready(page);
  await expect(page.getByText(words)).toHaveCount(1);
});

test("a report opened on its own comes without the WebAssembly and still prints", async ({ page }) => {
  await signIn(page, PARENT);
  await page.getByRole("list", { name: "Your children" }).getByRole("link").first().click();
  await ready(page);
  await page.getByRole("link", { name: /report$/ }).first().click();
  await expect(page).toHaveURL(/\/reports\/\d+$/);
  const loaded: string[] = [];
  page.on("request", (request) => loaded.push(new URL(request.url()).pathname));
  await page.reload();
  await page.waitForLoadState("networkidle");
  expect(loaded.filter((path) => path.startsWith("/pkg/") && /\.(wasm|js)$/.test(path))).toEqual([]);
  await expect(page.getByRole("heading", { name: /How .* is doing/ })).toBeVisible();
  await page.evaluate(() => {
    window.print = () => document.documentElement.setAttribute("data-printed", "");
  });
  await page.getByRole("button", { name: "Print" }).click();
  await expect(page.locator("html[data-printed]")).toHaveCount(1);
  await expectAccessible(page);
});
