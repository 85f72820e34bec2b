import { chromium } from "playwright-core";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const base = "http://127.0.0.1:3100";
for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 360, height: 780 }]]) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const ready = () => page.locator("html[data-hydrated]").waitFor();
  await page.goto(base + "/sign-in"); await ready();
  await page.getByLabel("Email address").fill("admin@oakfield.example");
  await page.getByLabel("Password").fill("markwell-demo-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(base + "/");
  await page.goto(base + "/parents"); await ready();
  await page.getByRole("checkbox").nth(2).check();
  await page.screenshot({ path: `/tmp/shots/${name}-list.png`, fullPage: false });
  await page.goto(base + "/parents/new"); await ready();
  await page.getByLabel("First name").fill("Joanna");
  await page.getByLabel("Surname", { exact: true }).fill("Smith");
  await page.getByLabel("Search pupils by forename or surname").fill("smith");
  await page.locator("#pupil-results").waitFor();
  await page.locator("#pupil-results input").nth(0).check();
  await page.locator("#pupil-results input").nth(1).check();
  await page.getByRole("button", { name: "Add to List" }).click();
  await page.getByLabel("Email address").fill("bad@");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.locator("#email-error").filter({ hasText: "email" }).waitFor();
  await page.screenshot({ path: `/tmp/shots/${name}-form.png`, fullPage: true });
  await page.goto(base + "/parents?q=parent%40oakfield"); await ready();
  await page.getByRole("link", { name: "Edit Aisha Khan" }).click();
  await page.getByRole("heading", { name: "Aisha Khan" }).waitFor(); await ready();
  await page.getByRole("button", { name: /Reissue code for/ }).first().click();
  await page.getByText("New access code").waitFor();
  await page.screenshot({ path: `/tmp/shots/${name}-edit.png`, fullPage: true });
  await page.getByRole("link", { name: "Print letters" }).click(); await ready();
  await page.getByRole("button", { name: "Make letters" }).click();
  await page.getByText("letter is ready").waitFor();
  await page.screenshot({ path: `/tmp/shots/${name}-letters.png`, fullPage: true });
  if (name === "desktop") {
    await page.emulateMedia({ media: "print" });
    await page.pdf({ path: "/tmp/shots/letters.pdf", format: "A4" });
  }
  await context.close();
}
await browser.close();
