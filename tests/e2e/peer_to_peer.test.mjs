// Devices that sync directly (WebRTC data channel), with or without a server: two
// devices that meet through the relay link up by themselves and keep syncing when it
// stops; two devices with no relay at all pair by passing codes as text (the second
// joins the first's workspace that way); and a network cut between two linked devices
// loses nothing once it heals.
//
// These tests run in a network namespace of their own (`cargo xtask test` starts the
// end-to-end tier under `unshare -n`), where only loopback exists: that is what lets
// the cut test drop UDP between the two pages without touching the machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DIRECT_LINK_ARGS,
  RELAY_DOWN_ERRORS,
  addPerson,
  everyPageFetched,
  exchangePairingCodes,
  field,
  goTo,
  iAm,
  invite,
  launchBrowser,
  nameOrganisation,
  newPlan,
  sharedBrowser,
  startRelay,
  startStaticServer,
  waitForValue,
  waitUntilSaved,
  watchErrors,
  withTwoDevices,
} from "./support.mjs";

const browser = sharedBrowser(DIRECT_LINK_ARGS);
// A page with camera permission may list every local address as a candidate
// (loopback included); without it, only the default route's.
const permissions = ["camera", "microphone"];
// A page served as plain files asks for the relay's /healthz, and the host says 404.
const noRelayHere = [/the server responded with a status of 404/];
const relayDown = RELAY_DOWN_ERRORS;


async function openPlan(page, title) {
  await goTo(page, "Plans");
  await page.getByRole("link", { name: title }).click();
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
}

/** Waits until the header says a direct link is open and in sync. */
const directlyInSync = (page, timeout = 20_000) =>
  page.getByTestId("direct-status").filter({ hasText: "in sync" }).waitFor({ timeout });

/**
 * `a` has a workspace with a plan; `b` is a new device. `a` shows a pairing code for the
 * whole workspace, `b` takes it as text (joining the workspace), shows its answer, and
 * `a` takes that. Returns once `b` shows the workspace.
 */
async function pairByText(a, b, base, organisation) {
  await a.goto(`${base}settings#devices`);
  await a.getByTestId("show-pairing-code").click();
  const offer = await a.getByTestId("pairing-code").inputValue();
  assert.match(offer, /^THL1[A-Z2-7]+$/);
  assert.ok(offer.length < 300, `the offer is short enough to type: ${offer.length} characters`);

  await b.goto(base);
  await b.getByTestId("join-nearby").click();
  // Bad input first: a code that is not one, and a damaged one. Each is refused in
  // words and nothing changes.
  await b.getByTestId("pair-code-input").fill("hello");
  await b.getByTestId("use-pairing-code").click();
  await b.getByTestId("pair-message").filter({ hasText: "not a Throughline pairing code" }).waitFor();
  const damaged = offer.slice(0, 40) + (offer[40] === "A" ? "B" : "A") + offer.slice(41);
  await b.getByTestId("pair-code-input").fill(damaged);
  await b.getByTestId("use-pairing-code").click();
  await b.getByTestId("pair-message").filter({ hasText: "damaged" }).waitFor();

  await b.getByTestId("pair-code-input").fill(offer);
  await b.getByTestId("use-pairing-code").click();
  // b joins the workspace (a reload) and answers at once.
  await b.getByTestId("pair-answering").waitFor({ timeout: 15_000 });
  const answer = await b.getByTestId("pairing-code").inputValue();
  assert.match(answer, /^THL1[A-Z2-7]+$/);

  await a.getByTestId("pair-code-input").fill(answer);
  await a.getByTestId("use-pairing-code").click();
  await a.getByTestId("pair-linked").waitFor({ timeout: 15_000 });
  await b.getByTestId("org-name").filter({ hasText: organisation }).waitFor({ timeout: 20_000 });
}

/** Cuts (or restores) every UDP packet in this network namespace: the direct link's. */
function udp(cut) {
  const ip = (...args) => {
    const result = spawnSync("ip", args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr || result.error}`);
  };
  if (cut) ip("rule", "add", "pref", "10", "ipproto", "udp", "prohibit");
  else ip("rule", "del", "pref", "10");
}

test("two devices that meet through the relay link directly, and keep syncing when the relay stops", async () => {
  const relay = await startRelay();
  try {
    await withTwoDevices(
      browser,
      async ({ a, b }) => {
        await a.goto(relay.base);
        await nameOrganisation(a, "Room Co");
        await newPlan(a, "Room plan");
        await field(a, "Mission").fill("Serve customers.");
        await waitUntilSaved(a);
        await a.getByTestId("sync-status").filter({ hasText: "Synced with relay" }).waitFor({ timeout: 15_000 });
        await a.getByText("Share this plan").click();
        const link = await a.getByTestId("share-page-link").inputValue();
        await b.goto(link);
        await b.getByRole("button", { name: "Open this workspace" }).click();
        await b.getByRole("heading", { level: 1, name: "Room plan" }).waitFor({ timeout: 15_000 });

        // Each hears the other on the relay and they link without anyone asking.
        await directlyInSync(a);
        await directlyInSync(b);
        await b.getByTestId("document-sync").filter({ hasText: "In sync with" }).waitFor();

        await everyPageFetched(a);
        await relay.crash();
        // Linked directly, the device is not offline: only the relay is out of reach.
        await a.getByTestId("sync-status").filter({ hasText: /^Relay not reached/ }).waitFor({ timeout: 15_000 });
        await field(a, "Mission").fill("Serve customers, directly.");
        await field(b, "Vision").fill("Every room in sync.");
        await waitForValue(field(b, "Mission"), "Serve customers, directly.");
        await waitForValue(field(a, "Vision"), "Every room in sync.");
        await goTo(a, "Settings");
        await a.getByTestId("peer").filter({ hasText: "direct link" }).filter({ hasText: "in sync" }).waitFor();
      },
      { permissions, expectedErrors: relayDown },
    );
  } finally {
    await relay.restart();
    await relay.stop();
  }
});

/**
 * With no relay (the app served as plain files): `a` makes a workspace named
 * `organisation` with the plan `title`, and `b`, a new device, pairs with it by text.
 * Then `body({ a, b })`.
 */
async function pairedWithoutRelay(organisation, title, body) {
  const server = await startStaticServer();
  try {
    await withTwoDevices(
      browser,
      async ({ laptop, a, b }) => {
        await a.goto(server.base);
        await nameOrganisation(a, organisation);
        await newPlan(a, title);
        await field(a, "Mission").fill("Plan the year.");
        await waitUntilSaved(a);
        await pairByText(a, b, server.base, organisation);
        await body({ laptop, a, b, base: server.base });
      },
      { permissions, expectedErrors: noRelayHere },
    );
  } finally {
    await server.close();
  }
}

test("with no relay at all, two devices pair by passing the codes as text and edit together", async () => {
  await pairedWithoutRelay("Offline Co", "Offsite plan", async ({ laptop, a, b, base }) => {
    await openPlan(b, "Offsite plan");
    await waitForValue(field(b, "Mission"), "Plan the year.");
    await field(b, "Vision").fill("Written on the tablet.");
    await openPlan(a, "Offsite plan");
    await waitForValue(field(a, "Vision"), "Written on the tablet.");
    await field(a, "Mission").fill("Plan the year, together.");
    await waitForValue(field(b, "Mission"), "Plan the year, together.");
    await directlyInSync(a);

    // a closes the link: b is listed as closed, and remembered (after a reload too),
    // ready to pair again with what the link shared. (Within the app: loading a page
    // anew would end the link with the page.)
    await goTo(a, "Settings");
    const link = a.getByTestId("peer").filter({ hasText: "direct link" });
    await link.getByRole("button", { name: "Disconnect" }).click();
    await link.getByTestId("peer-standing").filter({ hasText: "not connected" }).waitFor();
    await b.getByTestId("direct-status").waitFor({ state: "detached", timeout: 15_000 });
    await a.reload();
    const known = a.getByTestId("known-device");
    await known.filter({ hasText: "shared the whole workspace" }).waitFor();
    await known.getByRole("button", { name: /^Pair again with / }).click();
    assert.match(await a.getByTestId("pairing-code").inputValue(), /^THL1/);
    await a.getByRole("button", { name: "Cancel" }).click();

    // Another tab of the same browser is a peer too, listed while it is open.
    const second = await laptop.newPage();
    await second.goto(base);
    await a.getByTestId("tabs-peer").filter({ hasText: "1 other tab" }).waitFor({ timeout: 15_000 });
    await second.close({ runBeforeUnload: true });
    await a.getByTestId("tabs-peer").waitFor({ state: "detached", timeout: 15_000 });

    // An answer that does not belong to a's open offer is refused and changes nothing.
    await a.getByTestId("show-pairing-code").click();
    const stale = await a.getByTestId("pairing-code").inputValue();
    await a.getByTestId("pair-code-input").fill(stale);
    await a.getByTestId("use-pairing-code").click();
    await a.getByTestId("pair-message").filter({ hasText: "answer was expected" }).waitFor();
  });
});

test("with no relay, an invited person's new device joins from the admin's device nearby, and becomes theirs", async () => {
  const server = await startStaticServer();
  try {
    await withTwoDevices(
      browser,
      async ({ a, b }) => {
        // Ada claims the workspace (it has rules from then on) and invites Ben.
        await a.goto(server.base);
        await nameOrganisation(a, "Nearby Co");
        await goTo(a, "People");
        await addPerson(a, { name: "Ada Admin" });
        await addPerson(a, { name: "Ben Okoro" });
        await iAm(a, "Ada Admin");
        const link = await invite(a, "Ben Okoro");
        // Ben's new tablet opens the invitation; no relay answers, so it waits.
        await b.goto(link);
        await b.getByRole("button", { name: "Open this workspace" }).click();
        await b.getByTestId("waiting").filter({ hasText: "There is no relay here" }).waitFor({ timeout: 15_000 });
        // Ada shows an offer for the whole workspace; the tablet answers it, its answer
        // signed by its key and by the invitation it holds; Ada takes the answer.
        await a.goto(`${server.base}settings#devices`);
        await exchangePairingCodes(a, b);
        // The link carries the workspace to a device the invitation vouches for; the
        // tablet accepts it there, and is Ben's.
        await b.getByTestId("org-name").filter({ hasText: "Nearby Co" }).waitFor({ timeout: 20_000 });
        await goTo(b, "Settings");
        await b.getByTestId("identity").filter({ hasText: "You are Ben Okoro on this device" }).waitFor({ timeout: 30_000 });
        // Its acceptance came back over the link: Ada's device counts Ben's tablet.
        await goTo(a, "People");
        const ben = a.getByTestId("access-row").filter({ hasText: "Ben Okoro" });
        await ben.getByRole("button", { name: /^Remove device .* of Ben Okoro$/ }).waitFor({ timeout: 20_000 });
      },
      { permissions, expectedErrors: noRelayHere },
    );
  } finally {
    await server.close();
  }
});

test("after a network cut between two linked devices, the edits made on both sides during it converge", async () => {
  assert.equal(
    process.env.THROUGHLINE_NETNS,
    "1",
    "this test cuts UDP in its own network namespace: run it through `cargo xtask test`",
  );
  await pairedWithoutRelay("Cut Co", "Cut plan", async ({ a, b }) => {
    await openPlan(a, "Cut plan");
    await openPlan(b, "Cut plan");
    await waitForValue(field(b, "Mission"), "Plan the year.");
    await directlyInSync(a);

    udp(true);
    try {
      await field(a, "Mission").fill("Written during the cut on a.");
      await field(b, "Vision").fill("Written during the cut on b.");
      await new Promise((r) => setTimeout(r, 3_000));
      assert.equal(await field(b, "Mission").inputValue(), "Plan the year.", "nothing crosses while cut");
    } finally {
      udp(false);
    }
    await waitForValue(field(b, "Mission"), "Written during the cut on a.", 30_000);
    await waitForValue(field(a, "Vision"), "Written during the cut on b.", 30_000);
  });
});

/**
 * A camera's view of a QR code shown on a page, as one frame of a Y4M video (what
 * Chromium's fake camera plays): the modules read from the page's SVG (`M<x> <y>h1v1h-1z`
 * for each dark one), 6 pixels each, on white, in a 640×480 frame.
 */
function cameraFrameOf(svgPath, side) {
  const [width, height, scale] = [640, 480, 6];
  const luma = Buffer.alloc(width * height, 235);
  const left = Math.floor((width - side * scale) / 2);
  const top = Math.floor((height - side * scale) / 2);
  for (const [, x, y] of svgPath.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < scale; dy++) {
      const row = (top + Number(y) * scale + dy) * width;
      luma.fill(16, row + left + Number(x) * scale, row + left + (Number(x) + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`);
  return Buffer.concat([header, luma, chroma]);
}

test("a new device scans the offer's QR code with its camera, joins, and its answer completes the link", async () => {
  const scratch = await mkdtemp(path.join(tmpdir(), "throughline-camera-"));
  const video = path.join(scratch, "camera.y4m");
  const server = await startStaticServer();
  // The scanning device's browser plays `video` as its camera: a blank frame until the
  // code is known (the file is read when the camera opens).
  await writeFile(video, cameraFrameOf("", 1));
  const camera = await launchBrowser([...DIRECT_LINK_ARGS, "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${video}`]);
  const shower = await browser.newContext({ serviceWorkers: "block", permissions });
  const scanner = await camera.newContext({ serviceWorkers: "block", permissions });
  try {
    const a = await shower.newPage();
    const b = await scanner.newPage();
    const errors = [watchErrors(a), watchErrors(b)];
    await a.goto(server.base);
    await nameOrganisation(a, "Camera Co");
    await waitUntilSaved(a);
    await a.goto(`${server.base}settings#devices`);
    await a.getByTestId("show-pairing-code").click();
    const offer = await a.getByTestId("pairing-code").inputValue();
    const qr = a.getByRole("img", { name: "The pairing code as a QR code" }).locator("svg");
    const [side] = (await qr.getAttribute("viewBox")).split(" ").slice(2).map(Number);
    await writeFile(video, cameraFrameOf(await qr.locator("path").getAttribute("d"), side));

    await b.goto(`${server.base}settings#devices`);
    await b.getByTestId("scan-code").click();
    // The code is read from the camera and used: b joins and shows its answer.
    await b.getByTestId("pair-answering").waitFor({ timeout: 20_000 });
    const answer = await b.getByTestId("pairing-code").inputValue();
    assert.notEqual(answer, offer);
    await a.getByTestId("pair-code-input").fill(answer);
    await a.getByTestId("use-pairing-code").click();
    await a.getByTestId("pair-linked").waitFor({ timeout: 15_000 });
    await b.getByTestId("org-name").filter({ hasText: "Camera Co" }).waitFor({ timeout: 20_000 });
    const unexpected = errors.map((logged) => logged.filter((e) => !noRelayHere.some((p) => p.test(e))));
    assert.deepEqual(unexpected, [[], []], "neither page logged errors");
  } finally {
    await shower.close();
    await camera.close();
    await server.close();
    await rm(scratch, { recursive: true, force: true });
  }
});
