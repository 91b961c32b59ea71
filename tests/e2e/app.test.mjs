// A person's first flows through the release build served by the relay: naming the
// organisation, adding people, reloading, working offline, deep links, a sub-path, and
// the prompt that a new build is ready.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  addPerson,
  countingProxy,
  dist,
  distSub,
  sharedBrowser,
  withApp,
  nameOrganisation,
  startRelay,
  waitForServiceWorker,
  waitUntilSaved,
  watchErrors,
} from "./support.mjs";

const browser = sharedBrowser();

test("people added survive a reload, and the app reloads offline from the service worker", async () => {
  const relay = await startRelay();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(relay.base);
    await nameOrganisation(page, "Acme Cooperative");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
    await addPerson(page, { name: "Ana Lima", title: "Chief Executive" });
    await addPerson(page, { name: "Bo Chen", title: "Head of Sales" });
    await waitUntilSaved(page);

    await page.reload();
    await page.getByTestId("person-name").filter({ hasText: "Bo Chen" }).waitFor();
    assert.deepEqual(await page.getByTestId("person-name").allTextContents(), ["Ana Lima", "Bo Chen"]);
    assert.equal(await page.getByTestId("org-name").textContent(), "Acme Cooperative");

    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    await page.getByTestId("person-name").filter({ hasText: "Ana Lima" }).waitFor();
    assert.deepEqual(await page.getByTestId("person-name").allTextContents(), ["Ana Lima", "Bo Chen"]);

    // A deep link opened with no network is answered by the service worker too.
    await page.goto(`${relay.base}settings`);
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await context.setOffline(false);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await relay.stop();
  }
});

test("a first visit downloads each build file once: the service worker takes them from the HTTP cache", async () => {
  const relay = await startRelay();
  const proxy = await countingProxy(relay.base);
  const context = await browser.newContext({ serviceWorkers: "allow" });
  try {
    const page = await context.newPage();
    await page.goto(proxy.base);
    await page.getByLabel("What is your organisation called?").waitFor();
    await waitForServiceWorker(page);
    const cache = await page.evaluate(async () => (await caches.keys()).find((name) => name.startsWith("throughline-")));
    const kept = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), cache);
    // Trunk's hashed styles, and the split wasm's folder: the first download and every
    // chunk a page loads later, which only the worker fetches on a first visit.
    const built = kept.filter((file) => /-[0-9a-f]{8,16}(_bg)?\.(wasm|js|css)$|\/app-[0-9a-f]{16}\//.test(file));
    assert.ok(built.some((file) => file.endsWith("_bg.wasm")), `the worker keeps the app's wasm (${kept})`);
    assert.ok(built.some((file) => /\/split_plans\.wasm$/.test(file)), `the worker keeps the chunks pages load later (${kept})`);
    for (const file of built) {
      const fetched = proxy.served.filter(([served]) => served === file);
      assert.equal(fetched.length, 1, `${file} was downloaded once, not again by the worker (${JSON.stringify(proxy.served)})`);
    }
    // And it is whole: the app opens from the worker with no network.
    await context.setOffline(true);
    await page.reload();
    await page.getByLabel("What is your organisation called?").waitFor();
    await context.setOffline(false);
  } finally {
    await context.close();
    await proxy.close();
    await relay.stop();
  }
});

test("a deep link reloads from the server, and an unknown path shows the not-found page", async () => {
  await withApp(browser, {}, async ({ relay, page }) => {
  await page.goto(`${relay.base}people`);
  await page.getByRole("heading", { name: "People", exact: true }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "People", exact: true }).waitFor();
  await page.goto(`${relay.base}no/such/page`);
  await page.getByRole("heading", { name: "Page not found" }).waitFor();
  });
});

test("the build made for a sub-path works there, deep links included", async () => {
  const relay = await startRelay({ appDir: distSub(), basePath: "/sub" });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const requests = [];
    page.on("request", (request) => requests.push(new URL(request.url()).pathname));
    await page.goto(relay.base);
    await nameOrganisation(page, "Sub Path Ltd");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
    assert.equal(new URL(page.url()).pathname, "/sub/people");
    await addPerson(page, { name: "Cy Okafor" });
    await waitUntilSaved(page);
    await page.goto(`${relay.base}people`);
    await page.getByTestId("person-name").filter({ hasText: "Cy Okafor" }).waitFor();
    const outside = requests.filter((p) => !p.startsWith("/sub/"));
    assert.deepEqual(outside, [], "every request stays under /sub/");
    await waitForServiceWorker(page);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(new URL(scope).pathname, "/sub/");
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await relay.stop();
  }
});

test("a new build is offered as an update instead of being mixed in", async () => {
  const appDir = await mkdtemp(path.join(tmpdir(), "throughline-build-"));
  await cp(dist(), appDir, { recursive: true });
  const relay = await startRelay({ appDir });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(relay.base);
    await nameOrganisation(page, "Update Test");
    await waitUntilSaved(page);
    await waitForServiceWorker(page);

    // Publish a "new build": a service worker with another build id.
    const worker = path.join(appDir, "sw.js");
    const source = await readFile(worker, "utf8");
    const next = source.replace(/const BUILD = "([^"]+)"/, (_, id) => `const BUILD = "${id}-next"`);
    assert.notEqual(next, source);
    await writeFile(worker, next);
    await rm(`${worker}.br`, { force: true });
    await rm(`${worker}.gz`, { force: true });

    await page.reload();
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    const prompt = page.getByTestId("update-prompt");
    await prompt.waitFor();
    await Promise.all([
      page.waitForEvent("framenavigated"),
      prompt.getByRole("button", { name: "Update available — reload" }).click(),
    ]);
    await page.getByTestId("org-name").filter({ hasText: "Update Test" }).waitFor();
    const active = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).active.scriptURL);
    assert.ok(active.endsWith("sw.js"));
    const caches = await page.evaluate(async () => (await self.caches.keys()).filter((k) => k.startsWith("throughline-")));
    assert.equal(caches.length, 1, `old caches are deleted: ${caches}`);
    assert.ok(caches[0].endsWith("-next"));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await relay.stop();
    await rm(appDir, { recursive: true, force: true });
  }
});

test("a damaged stored chunk is reported, kept, and the rest of the workspace loads", async () => {
  await withApp(browser, {}, async ({ relay, page }) => {
  await page.goto(relay.base);
  await nameOrganisation(page, "Damaged Ltd");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
  await addPerson(page, { name: "Ana Lima" });
  await waitUntilSaved(page);

  // Write a chunk of garbage under the workspace document, as a damaged disk might.
  const damagedKey = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("automerge", 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction("documents", "readwrite").objectStore("documents");
          // The workspace's document, named by this device's pointer to it.
          const pointer = store.get(["throughline", "workspace-url"]);
          pointer.onsuccess = () => {
            const docId = new TextDecoder().decode(pointer.result.binary).replace("automerge:", "");
            const key = [docId, "incremental", "f".repeat(64)];
            store.put({ key, binary: new Uint8Array([0x85, 0x6f, 0x4a, 0x83, 9, 9, 9]) }, key);
            store.transaction.oncomplete = () => resolve(key);
          };
        };
      }),
  );

  await page.reload();
  const notice = page.getByTestId("corrupt-notice");
  await notice.waitFor();
  assert.match(await notice.textContent(), /1 stored piece\(s\).*kept, not deleted/);
  await page.getByTestId("person-name").filter({ hasText: "Ana Lima" }).waitFor();
  assert.equal(await page.getByTestId("org-name").textContent(), "Damaged Ltd");

  // Editing still saves, and the damaged chunk stays where it was.
  await addPerson(page, { name: "Bo Chen" });
  await waitUntilSaved(page);
  const stillThere = await page.evaluate(
    (key) =>
      new Promise((resolve) => {
        const open = indexedDB.open("automerge", 1);
        open.onsuccess = () => {
          const get = open.result.transaction("documents").objectStore("documents").get(key);
          get.onsuccess = () => resolve(get.result !== undefined);
        };
      }),
    damagedKey,
  );
  assert.equal(stillThere, true);
  });
});
