// Pages load their part of the app (a chunk of the wasm) when first visited. After a
// first visit the service worker holds every chunk, so each route opens with no network;
// a chunk that cannot be fetched is reported in words and can be tried again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PAGE_CHUNKS, goTo, nameOrganisation, newPlan, sharedBrowser, startRelay, waitForServiceWorker, watchErrors, withApp } from "./support.mjs";

const browser = sharedBrowser();

/** Waits until the routed page is shown: its chunk loaded, no loading or failure notice. */
async function pageShown(page, route) {
  await page.locator("main#main").waitFor();
  await page.getByTestId("page-loading").waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("page-not-loaded").count(), 0, `${route}: its chunk loaded`);
  const text = (await page.locator("main#main").innerText()).trim();
  assert.ok(text.length > 0, `${route}: the page shows something`);
}

test("after a first visit every route opens with no network, each page's chunk from the service worker", async () => {
  const relay = await startRelay();
  const context = await browser.newContext({ serviceWorkers: "allow" });
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(relay.base);
    await nameOrganisation(page, "Acme Cooperative");
    await newPlan(page, "Strategy 2027–2028");
    const plan = new URL(page.url()).pathname.slice(1);
    await waitForServiceWorker(page);

    await context.setOffline(true);
    // Opened by address (the worker answers the page, then the chunk).
    const routes = [
      "plans",
      plan,
      `${plan}/scorecard`,
      "reviews",
      "reviews/cycles/no-such-cycle",
      "reviews/cycles/no-such-cycle/calibration",
      "reviews/no-such-review",
      "check-ins/no-such-series",
      "feedback/no-such-request",
      "people",
      "people/no-such-person",
      "settings",
      "history",
      "join",
    ];
    for (const route of routes) {
      await page.goto(`${relay.base}${route}`);
      await pageShown(page, route);
    }
    await page.goto(`${relay.base}settings`);
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await page.goto(`${relay.base}${plan}`);
    await page.getByRole("heading", { level: 1, name: "Strategy 2027–2028" }).waitFor();

    // And from within the app, starting from a reload of the home page.
    await page.goto(relay.base);
    await goTo(page, "People");
    await page.getByRole("heading", { name: "People", exact: true }).waitFor();
    await goTo(page, "Plans");
    await page.getByRole("link", { name: "Strategy 2027–2028" }).waitFor();
    await context.setOffline(false);
    assert.deepEqual(errors, [], "the page logged no errors");
  } finally {
    await context.close();
    await relay.stop();
  }
});

/**
 * Cuts off the first `times` fetches of the chunk file `file` in `context`, as Chromium
 * cuts off every request in flight when the network changes (and new ones for a moment);
 * later fetches go through. Returns `{ count }`, the fetches cut off so far.
 */
async function cutOffFirstFetches(context, file, times) {
  const cut = { count: 0 };
  const escaped = file.replace(/[.]/g, "\\.");
  await context.route(new RegExp(`/${escaped}$`), (route) => {
    if (cut.count < times) {
      cut.count += 1;
      return route.abort("failed");
    }
    return route.continue();
  });
  return cut;
}

test("a page whose chunk cannot be fetched says so in words, and Try again loads it", async () => {
  await withApp(
    browser,
    { expectedErrors: [/split_people\.wasm|Failed to fetch|ERR_CONNECTION_RESET/] },
    async ({ relay, context, page }) => {
      // The People page's chunk never arrives (a dropped connection): not when the app
      // loads it in the background, not when the page opens, nor on the quiet tries after.
      let refused = 0;
      await context.route(/\/split_people\.wasm$/, (route) => {
        refused += 1;
        return route.abort("connectionreset");
      });
      await page.goto(relay.base);
      await nameOrganisation(page, "Acme Cooperative");
      await goTo(page, "People");
      const notice = page.getByTestId("page-not-loaded");
      await notice.waitFor();
      assert.match(await notice.innerText(), /could not be loaded; check the connection and try again/);
      assert.ok(refused >= 4, `the chunk was tried four times before the notice (${refused})`);
      // The rest of the app still works: the shell and its navigation.
      await goTo(page, "Home");
      await page.getByTestId("org-name").filter({ hasText: "Acme Cooperative" }).waitFor();

      await goTo(page, "People");
      await notice.waitFor();
      await context.unroute(/\/split_people\.wasm$/);
      await notice.getByRole("button", { name: "Try again" }).click();
      await page.getByRole("heading", { name: "People", exact: true }).waitFor();
      assert.equal(await page.getByTestId("page-not-loaded").count(), 0);
    },
  );
});

test("a chunk whose first fetches are cut off (the device changing networks) loads without a notice", async () => {
  await withApp(
    browser,
    { expectedErrors: [/split_people\.wasm|Failed to fetch|ERR_FAILED/] },
    async ({ relay, context, page }) => {
      const cut = await cutOffFirstFetches(context, "split_people.wasm", 3);
      await page.goto(relay.base);
      await nameOrganisation(page, "Acme Cooperative");
      await goTo(page, "People");
      await page.getByRole("heading", { name: "People", exact: true }).waitFor();
      assert.equal(cut.count, 3);
      assert.equal(await page.getByTestId("page-not-loaded").count(), 0, "no notice");
    },
  );
});

test("a QR code is drawn though the first fetches of its chunk are cut off", async () => {
  await withApp(
    browser,
    { expectedErrors: [/split_qr\.wasm|Failed to fetch|ERR_FAILED/] },
    async ({ relay, context, page }) => {
      const cut = await cutOffFirstFetches(context, "split_qr.wasm", 3);
      await page.goto(relay.base);
      await nameOrganisation(page, "Acme Cooperative");
      await page.goto(`${relay.base}settings#devices`);
      await page.getByTestId("show-pairing-code").click();
      await page.getByRole("img", { name: "The pairing code as a QR code" }).locator("svg").waitFor({ timeout: 15_000 });
      assert.equal(cut.count, 3);
    },
  );
});

test("a page that could not be loaded loads by itself once the connection is back", async () => {
  await withApp(
    browser,
    { expectedErrors: [/split_settings\.wasm|Failed to fetch|ERR_INTERNET_DISCONNECTED|WebSocket/] },
    async ({ relay, context, page }) => {
      await context.route(/\/split_settings\.wasm$/, (route) => route.abort("internetdisconnected"));
      await page.goto(relay.base);
      await nameOrganisation(page, "Acme Cooperative");
      await goTo(page, "Settings");
      await page.getByTestId("page-not-loaded").waitFor();

      // The tablet's Wi-Fi drops and comes back; no one touches the page.
      await context.unroute(/\/split_settings\.wasm$/);
      await context.setOffline(true);
      await page.waitForTimeout(300);
      await context.setOffline(false);
      await page.getByRole("heading", { level: 1, name: "Settings", exact: true }).waitFor();
      assert.equal(await page.getByTestId("page-not-loaded").count(), 0);
    },
  );
});

test("without a service worker, every page's chunk is loaded in the background, so pages open after the server goes", async () => {
  const relay = await startRelay();
  const context = await browser.newContext({ serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const loaded = new Set();
    page.on("requestfinished", (request) => {
      const chunk = /\/(split_\w+)\.wasm$/.exec(new URL(request.url()).pathname);
      if (chunk) loaded.add(chunk[1]);
    });
    await page.goto(relay.base);
    await nameOrganisation(page, "Acme Cooperative");
    const deadline = Date.now() + 20_000;
    while (!PAGE_CHUNKS.every((name) => loaded.has(`split_${name}`)) && Date.now() < deadline) {
      await page.waitForTimeout(200);
    }
    assert.deepEqual([...loaded].filter((name) => PAGE_CHUNKS.includes(name.slice(6))).sort(), PAGE_CHUNKS.map((n) => `split_${n}`).sort());

    await relay.crash();
    for (const [link, heading] of [["People", "People"], ["Plans", "Strategic plans"], ["Settings", "Settings"]]) {
      await goTo(page, link);
      await page.getByRole("heading", { level: 1, name: heading, exact: true }).waitFor();
    }
    assert.equal(await page.getByTestId("page-not-loaded").count(), 0);
    const unexpected = errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e));
    assert.deepEqual(unexpected, [], "no errors but the relay's absence");
  } finally {
    await context.close();
    await relay.restart();
    await relay.stop();
  }
});
