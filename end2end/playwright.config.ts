import { defineConfig, devices } from "@playwright/test";

const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["./summary-reporter.js"]],
  use: {
    baseURL: "http://127.0.0.1:3100",
    trace: "off",
  },
  webServer: [
    {
      // Receives Markwell's email, so tests can follow the links in it.
      command: "node mail/sink.mjs",
      url: "http://127.0.0.1:3199/messages",
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: "bash ../scripts/e2e-server.sh",
      url: "http://127.0.0.1:3100/sign-in",
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    {
      name: "phone",
      use: { ...devices["Pixel 5"], viewport: { width: 360, height: 780 }, launchOptions: chromium },
    },
  ],
});
