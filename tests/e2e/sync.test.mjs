// Two devices (two browser profiles) sharing one workspace through the relay: a link
// opens it on the second device, edits flow both ways live, and edits made offline
// arrive once the network is back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addPerson, everyPageFetched, goTo, sharedBrowser, nameOrganisation, startRelay, waitUntilSaved, withTwoDevices } from "./support.mjs";

const browser = sharedBrowser();

const synced = (page) => page.getByTestId("sync-status").filter({ hasText: "Synced with relay" }).waitFor({ timeout: 15_000 });

test("a workspace shared by link syncs between two devices, also after a network cut", async () => {
  const relay = await startRelay();
  try {
    await withTwoDevices(browser, async ({ laptop, a, b }) => {
      await a.goto(relay.base);
      await nameOrganisation(a, "Shared Co");
      await goTo(a, "People");
      await addPerson(a, { name: "Ana Lima" });
      await waitUntilSaved(a);
      await synced(a);
      await goTo(a, "Settings");
      const link = await a.getByTestId("share-link").inputValue();
      assert.match(link, /\/join\?workspace=automerge%3A/);

      // The link names what it opens, before the workspace itself arrives.
      assert.match(link, /&name=Shared%20Co$/);
      await b.goto(link);
      await b.getByRole("heading", { name: "Open the workspace of Shared Co" }).waitFor();
      await b.getByRole("button", { name: "Open this workspace" }).click();
      await b.getByTestId("org-name").filter({ hasText: "Shared Co" }).waitFor({ timeout: 15_000 });
      await goTo(b, "People");
      await b.getByTestId("person-name").filter({ hasText: "Ana Lima" }).waitFor();
      // What sync brought while the app waited for the workspace is written to this device.
      await waitUntilSaved(b);

      // Live both ways; each sees the other is here, and where.
      await goTo(a, "People");
      await a.getByTestId("presence").filter({ hasText: "Also here: Someone (People)" }).waitFor({ timeout: 10_000 });
      await b.getByTestId("presence").filter({ hasText: "Also here: Someone (People)" }).waitFor({ timeout: 10_000 });
      await addPerson(b, { name: "Bo Chen" });
      await a.getByTestId("person-name").filter({ hasText: "Bo Chen" }).waitFor({ timeout: 10_000 });
      await addPerson(a, { name: "Cy Okafor" });
      await b.getByTestId("person-name").filter({ hasText: "Cy Okafor" }).waitFor({ timeout: 10_000 });

      // The laptop loses the network; both go on editing.
      await everyPageFetched(a);
      await laptop.setOffline(true);
      // Offline, or, when the two devices linked directly, only the relay out of reach.
      await a.getByTestId("sync-status").filter({ hasText: /^(Offline|Relay not reached)/ }).waitFor({ timeout: 15_000 });
      await addPerson(a, { name: "Di Park" });
      await addPerson(b, { name: "Eve Sato" });
      // The laptop says what it keeps for the relay, and Settings says for which document.
      await a.getByTestId("sync-status")
        .filter({ hasText: /^(Offline · \d+ changes? to send|Relay not reached · \d+ changes? kept for it)$/ })
        .waitFor();
      await goTo(a, "Settings");
      await a.getByTestId("pending-changes").getByText(/^The workspace: \d+ changes? not on the relay yet$/).waitFor();
      await goTo(a, "People");
      await laptop.setOffline(false);
      await a.getByTestId("person-name").filter({ hasText: "Eve Sato" }).waitFor({ timeout: 20_000 });
      await b.getByTestId("person-name").filter({ hasText: "Di Park" }).waitFor({ timeout: 20_000 });
      await synced(a);
      const names = ["Ana Lima", "Bo Chen", "Cy Okafor", "Di Park", "Eve Sato"];
      assert.deepEqual(await a.getByTestId("person-name").allTextContents(), names);
      assert.deepEqual(await b.getByTestId("person-name").allTextContents(), names);
      await goTo(a, "Settings");
      await a.getByTestId("pending-changes").getByText("Everything made on this device is on the relay.").waitFor();
    });
  } finally {
    await relay.stop();
  }
});

test("a relay that requires a token syncs only once the token is given", async () => {
  const relay = await startRelay({ token: "team-token-123" });
  const context = await browser.newContext({ serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    await page.goto(relay.base);
    await nameOrganisation(page, "Token Co");
    await page.getByTestId("sync-status").filter({ hasText: "Offline" }).waitFor({ timeout: 15_000 });
    await goTo(page, "Settings");
    await page.getByTestId("pending-changes").getByText("The relay has not been reached from this page yet").waitFor();
    await page.getByLabel("Access token (if the relay asks for one)").fill("team-token-123");
    await Promise.all([page.waitForEvent("framenavigated"), page.getByRole("button", { name: "Save token" }).click()]);
    await synced(page);
    await goTo(page, "Settings");
    await page.getByTestId("pending-changes").getByText("Everything made on this device is on the relay.").waitFor();
    assert.doesNotMatch(relay.log(), /team-token-123/, "the token is never logged");
  } finally {
    await context.close();
    await relay.stop();
  }
});

test("a plan made on one device reaches the other through the relay, and edits flow both ways", async () => {
  const relay = await startRelay();
  try {
    await withTwoDevices(browser, async ({ laptop, a, b }) => {
      await a.goto(relay.base);
      await nameOrganisation(a, "Plan Sync Co");
      await goTo(a, "Plans");
      await a.getByRole("button", { name: "New plan" }).click();
      const form = a.getByRole("form", { name: "New plan" });
      await form.getByLabel("Title").fill("Together 2027");
      await form.getByLabel("Start year").fill("2027");
      await form.getByLabel("End year").fill("2027");
      await form.getByRole("button", { name: "Create plan" }).click();
      await a.getByRole("heading", { level: 1, name: "Together 2027" }).waitFor();
      await a.getByRole("navigation", { name: "Plan sections" }).getByRole("link", { name: "Goals" }).click();
      await a.getByLabel("New goal").fill("Grow together");
      await a.getByRole("button", { name: "Add goal" }).click();
      await waitUntilSaved(a);
      await synced(a);
      await goTo(a, "Settings");
      const link = await a.getByTestId("share-link").inputValue();

      // The tablet joins the workspace; the plan arrives with it, without a click on it.
      await b.goto(link);
      await b.getByRole("button", { name: "Open this workspace" }).click();
      await b.getByTestId("org-name").filter({ hasText: "Plan Sync Co" }).waitFor({ timeout: 15_000 });
      await goTo(b, "Plans");
      await b.getByTestId("plan-card").filter({ hasText: "Together 2027" }).click();
      await b.getByRole("navigation", { name: "Plan sections" }).getByRole("link", { name: "Goals" }).click();
      const goalOnTablet = b.getByTestId("goal").filter({ hasText: "Grow together" });
      await goalOnTablet.waitFor({ timeout: 15_000 });

      // An objective added on the tablet shows on the laptop, live.
      await a.goBack();
      await a.getByTestId("goal").filter({ hasText: "Grow together" }).waitFor();
      await goalOnTablet.getByLabel("New objective").fill("Meet every customer");
      await goalOnTablet.getByRole("button", { name: "Add objective" }).click();
      await a.getByTestId("objective").filter({ hasText: "Meet every customer" }).waitFor({ timeout: 10_000 });
      await synced(b);
    });
  } finally {
    await relay.stop();
  }
});

test("an edit is shown in its frame and offered to the relay after that frame", async () => {
  // Offering a change to a peer can take longer than a frame (automerge sends a whole
  // document when the change is more than a third of it), so the offer waits until the
  // frame that shows the edit has been painted. The change still reaches the relay.
  const relay = await startRelay();
  const context = await browser.newContext({ serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    await page.goto(relay.base);
    await nameOrganisation(page, "Frame Co");
    await goTo(page, "People");
    await addPerson(page, { name: "Ana Lima" });
    await synced(page);
    await page.getByRole("button", { name: "Add person" }).click();
    await page.getByRole("form", { name: "New person" }).getByLabel("Name").fill("Bo Chen");
    const order = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const order = [];
          // A sync message is a CBOR map whose "type" is the text "sync" (0x64 "sync").
          const isSync = (data) => {
            const bytes = ArrayBuffer.isView(data)
              ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
              : data instanceof ArrayBuffer
                ? new Uint8Array(data)
                : new Uint8Array();
            for (let i = 0; i + 4 < bytes.length; i++) {
              if (bytes[i] === 0x64 && String.fromCharCode(...bytes.subarray(i + 1, i + 5)) === "sync") return true;
            }
            return false;
          };
          const send = WebSocket.prototype.send;
          WebSocket.prototype.send = function (data) {
            if (isSync(data)) {
              order.push("offered");
              WebSocket.prototype.send = send;
              resolve(order);
            }
            return send.call(this, data);
          };
          const list = document.querySelector("[data-testid=people-list]");
          const observer = new MutationObserver(() => {
            if ([...list.querySelectorAll("[data-testid=person-name]")].some((n) => n.textContent === "Bo Chen")) {
              observer.disconnect();
              order.push("shown");
              requestAnimationFrame(() => order.push("frame"));
            }
          });
          observer.observe(list, { childList: true, subtree: true, characterData: true });
          document.querySelector("form[aria-label='New person']").requestSubmit();
        }),
    );
    assert.deepEqual(order, ["shown", "frame", "offered"]);
    await synced(page);
    // A second device opening the workspace from the relay finds the new person there.
    await goTo(page, "Settings");
    const link = await page.getByTestId("share-link").inputValue();
    const other = await browser.newContext({ serviceWorkers: "block" });
    try {
      const b = await other.newPage();
      await b.goto(link);
      await b.getByRole("button", { name: "Open this workspace" }).click();
      await goTo(b, "People");
      await b.getByTestId("person-name").filter({ hasText: "Bo Chen" }).waitFor({ timeout: 15_000 });
    } finally {
      await other.close();
    }
  } finally {
    await context.close();
    await relay.stop();
  }
});

test("a device syncs through a relay chosen in Settings, not the one that served the app", async () => {
  const home = await startRelay();
  // The chosen relay lets the pages of the one the app came from open a socket; it
  // refuses any other site's.
  const chosen = await startRelay({ allowedOrigins: [home.origin] });
  try {
    await withTwoDevices(browser, async ({ laptop, a, b }) => {
      await a.goto(home.base);
      await nameOrganisation(a, "Elsewhere Co");
      await goTo(a, "People");
      await addPerson(a, { name: "Ana Lima" });
      await goTo(a, "Settings");
      const form = a.getByRole("form", { name: "Relay address" });
      await form.getByLabel("Sync through another relay (its address)").fill("ftp://nowhere");
      await form.getByRole("button", { name: "Use this relay" }).click();
      await form.getByRole("alert").filter({ hasText: "not ftp" }).waitFor();
      await form.getByLabel("Sync through another relay (its address)").fill(chosen.origin);
      await Promise.all([a.waitForEvent("framenavigated"), form.getByRole("button", { name: "Use this relay" }).click()]);
      await synced(a);
      await goTo(a, "Settings");
      assert.equal(await a.getByTestId("relay-address").textContent(), `${chosen.origin.replace("http", "ws")}/sync`);
      const link = new URL(await a.getByTestId("share-link").inputValue());

      // The other device opens the app from the chosen relay and receives the workspace there.
      await b.goto(`${chosen.base}join${link.search}`);
      await b.getByRole("button", { name: "Open this workspace" }).click();
      await b.getByTestId("org-name").filter({ hasText: "Elsewhere Co" }).waitFor({ timeout: 15_000 });
      await goTo(b, "People");
      await b.getByTestId("person-name").filter({ hasText: "Ana Lima" }).waitFor();

      // And back to the relay the app came from.
      await Promise.all([
        a.waitForEvent("framenavigated"),
        a.getByRole("button", { name: "Use the relay this app came from" }).click(),
      ]);
      await synced(a);
      await goTo(a, "Settings");
      await a.getByTestId("relay-address").filter({ hasText: home.origin.replace("http", "ws") }).waitFor();
    });
  } finally {
    await home.stop();
    await chosen.stop();
  }
});
