// The app in Chromium with the JavaScript automerge-repo as the other peer: a workspace
// made by a JavaScript client opens in the app through our relay and the app's edits
// reach that client, one made in the app is read by that client through our relay, and
// the app syncs through the JavaScript reference server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { Repo } from "@automerge/automerge-repo";
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { addPerson, goTo, nameOrganisation, sharedBrowser, startRelay, withTwoDevices } from "./support.mjs";

const browser = sharedBrowser();

const synced = (page) => page.getByTestId("sync-status").filter({ hasText: "Synced with relay" }).waitFor({ timeout: 15_000 });

/** A JavaScript automerge-repo client of the sync server at `url`. */
function javascriptClient(url) {
  return new Repo({ network: [new BrowserWebSocketClientAdapter(url)], peerId: `js-${randomUUID()}` });
}

/** Resolves once `test` holds for the handle's document (checked on every change). */
function until(handle, test, timeout = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not within ${timeout} ms: ${JSON.stringify(handle.doc())}`)), timeout);
    const check = () => {
      if (test(handle.doc())) {
        clearTimeout(timer);
        handle.off("change", check);
        resolve();
      }
    };
    handle.on("change", check);
    check();
  });
}

/** Resolves once the server the client is connected to reports the handle's heads. */
async function heldByServer(repo, handle) {
  for (;;) {
    const peer = repo.peers[0];
    const storage = peer && repo.getStorageIdOfPeer(peer);
    const info = storage && handle.getSyncInfo(storage);
    if (info && JSON.stringify(info.lastHeads) === JSON.stringify(handle.heads())) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The workspace's automerge URL, from the share link in Settings. */
async function workspaceUrl(page) {
  await goTo(page, "Settings");
  const link = new URL(await page.getByTestId("share-link").inputValue());
  return link.searchParams.get("workspace");
}

/** The JavaScript reference sync server (tests/interop/reference_server.mjs). */
async function startReferenceServer() {
  const dataDir = await mkdtemp(path.join(tmpdir(), "throughline-reference-"));
  const child = spawn("node", [fileURLToPath(new URL("../interop/reference_server.mjs", import.meta.url)), dataDir], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value]);
  const port = line?.match(/^listening (\d+)$/)?.[1];
  if (!port) throw new Error(`the reference server did not start: ${line}`);
  return {
    url: `ws://127.0.0.1:${port}`,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

test("a workspace made by a JavaScript automerge-repo client opens in the app, and the app's edits reach that client", async () => {
  const relay = await startRelay();
  const js = javascriptClient(`${relay.origin.replace("http", "ws")}/sync`);
  try {
    const workspace = js.create();
    const lead = randomUUID().replaceAll("-", "");
    workspace.change((doc) => {
      doc.organisation = "Made in JavaScript";
      doc.people = { [lead]: { name: "Lin Wu", title: "Founder", email: "", manager: null, team: null } };
      doc.teams = {};
    });
    await heldByServer(js, workspace);

    await withTwoDevices(browser, async ({ a }) => {
      await a.goto(`${relay.base}join?workspace=${encodeURIComponent(workspace.url)}`);
      await a.getByRole("button", { name: "Open this workspace" }).click();
      await a.getByTestId("org-name").filter({ hasText: "Made in JavaScript" }).waitFor({ timeout: 15_000 });
      await goTo(a, "People");
      await a.getByTestId("person-name").filter({ hasText: "Lin Wu" }).waitFor();
      await addPerson(a, { name: "Ana Lima" });
      await until(workspace, (doc) => Object.values(doc.people ?? {}).some((p) => String(p.name) === "Ana Lima"));
      await synced(a);
    });
    const names = Object.values(workspace.doc().people).map((p) => String(p.name)).sort();
    assert.deepEqual(names, ["Ana Lima", "Lin Wu"]);
  } finally {
    await js.shutdown();
    await relay.stop();
  }
});

test("a workspace made in the app is read by a JavaScript automerge-repo client through our relay", async () => {
  const relay = await startRelay();
  const js = javascriptClient(`${relay.origin.replace("http", "ws")}/sync`);
  try {
    await withTwoDevices(browser, async ({ a }) => {
      await a.goto(relay.base);
      await nameOrganisation(a, "Made in the app");
      await goTo(a, "People");
      await addPerson(a, { name: "Kai Moana" });
      await synced(a);
      const workspace = await js.find(await workspaceUrl(a));
      assert.equal(String(workspace.doc().organisation), "Made in the app");
      const names = Object.values(workspace.doc().people ?? {}).map((p) => String(p.name));
      assert.deepEqual(names, ["Kai Moana"]);
    });
  } finally {
    await js.shutdown();
    await relay.stop();
  }
});

test("the app syncs through the JavaScript reference server", async () => {
  const relay = await startRelay();
  const server = await startReferenceServer();
  const js = javascriptClient(server.url);
  try {
    await withTwoDevices(browser, async ({ a }) => {
      await a.goto(relay.base);
      await nameOrganisation(a, "Through JavaScript");
      await goTo(a, "Settings");
      const form = a.getByRole("form", { name: "Relay address" });
      await form.getByLabel("Sync through another relay (its address)").fill(server.url);
      await Promise.all([a.waitForEvent("framenavigated"), form.getByRole("button", { name: "Use this relay" }).click()]);
      await synced(a);
      const workspace = await js.find(await workspaceUrl(a));
      assert.equal(String(workspace.doc().organisation), "Through JavaScript");
      await goTo(a, "People");
      await addPerson(a, { name: "Bo Chen" });
      await until(workspace, (doc) => Object.values(doc.people ?? {}).some((p) => String(p.name) === "Bo Chen"));
    });
  } finally {
    await js.shutdown();
    await server.stop();
    await relay.stop();
  }
});
