// Shared set-up of the end-to-end tests: a relay on a free loopback port with its own
// data directory, and headless Chromium driven by playwright-core.
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests with \`cargo xtask test\``);
  return value;
};

export const dist = () => required("THROUGHLINE_DIST");
export const distSub = () => required("THROUGHLINE_DIST_SUB");

// Chromium flags known to work on these machines (no background traffic to the network).
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser(extraArgs = []) {
  return chromium.launch({ executablePath: required("CHROMIUM"), args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}

/**
 * What lets two pages on one machine connect directly: loopback addresses as WebRTC
 * host candidates, shown as addresses rather than `.local` names (nothing on loopback
 * answers multicast DNS).
 */
export const DIRECT_LINK_ARGS = ["--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns"];

async function freePort(host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * One headless Chromium for the tests of a file: launched before them, closed after.
 * Returns the browser's `newContext`, which each test uses for its own profile.
 */
export function sharedBrowser(extraArgs = []) {
  let launched;
  before(async () => {
    launched = await launchBrowser(extraArgs);
  });
  after(async () => {
    await launched?.close();
  });
  return { newContext: (options) => launched.newContext(options) };
}

/** Follows a link of the main navigation. */
export const goTo = (page, name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).click();

/** The chunks that hold a routed page, by the name of their file (`split_<name>.wasm`). */
export const PAGE_CHUNKS = ["plans", "reviews", "calibration", "check_ins", "people", "settings", "history", "join"];

/**
 * Waits until the page has fetched every page's chunk (the app does so in the background,
 * a second after it starts). Without a service worker a page not yet fetched cannot open
 * once its server is gone, so a test that takes the server or the network away and then
 * opens another page waits for this first, as a person would have had the time to.
 */
export async function everyPageFetched(page, timeout = 20_000) {
  await page.waitForFunction(
    (names) => {
      const fetched = new Set(
        performance
          .getEntriesByType("resource")
          .filter((entry) => entry.responseEnd > 0)
          .map((entry) => /\/split_(\w+)\.wasm$/.exec(new URL(entry.name).pathname)?.[1]),
      );
      return names.every((name) => fetched.has(name));
    },
    PAGE_CHUNKS,
    { timeout },
  );
}

/**
 * Starts the relay serving `appDir` under `basePath` on `host` (this machine's loopback
 * unless said otherwise); resolves once /healthz answers. `restart()` kills it (SIGKILL:
 * no chance to tidy up) and starts it again on the same port and data directory, as
 * after a crash.
 */
export async function startRelay({ appDir, basePath = "/", token, host = "127.0.0.1", allowedOrigins = [] } = {}) {
  const port = await freePort(host);
  const dataDir = await mkdtemp(path.join(tmpdir(), "throughline-e2e-"));
  const args = [
    "--listen",
    `${host}:${port}`,
    "--data-dir",
    dataDir,
    "--app-dir",
    appDir ?? dist(),
    "--base-path",
    basePath,
    ...(token ? ["--token", token] : []),
    // Pages served by another relay (an app hosted elsewhere) may sync here.
    ...(allowedOrigins.length > 0 ? ["--allowed-origins", allowedOrigins.join(",")] : []),
  ];
  let log = "";
  const origin = `http://${host}:${port}`;
  const launch = async () => {
    const child = spawn(required("THROUGHLINE_RELAY"), args, { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr.on("data", (chunk) => {
      log += chunk;
    });
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the relay exited early:\n${log}`);
      try {
        const response = await fetch(`${origin}/healthz`);
        if (response.ok) return child;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the relay did not answer /healthz within 15 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const exited = (child) =>
    new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));
  let child = await launch();
  const base = basePath === "/" ? `${origin}/` : `${origin}${basePath.replace(/\/$/, "")}/`;
  return {
    origin,
    base,
    log: () => log,
    /** Kills the relay outright, then starts it again with the same port and data. */
    async restart({ downFor = 0 } = {}) {
      const gone = exited(child);
      child.kill("SIGKILL");
      await gone;
      await new Promise((r) => setTimeout(r, downFor));
      child = await launch();
    },
    /** Kills the relay and does not start it again until `restart` is called. */
    async crash() {
      const gone = exited(child);
      child.kill("SIGKILL");
      await gone;
    },
    /** Stops the relay with SIGTERM; it must shut down cleanly (exit code 0). */
    async stop() {
      const gone = exited(child);
      child.kill("SIGTERM");
      const code = await gone;
      await rm(dataDir, { recursive: true, force: true });
      if (code !== 0) throw new Error(`the relay did not stop cleanly (exit ${code}):\n${log}`);
      if (!log.includes("relay stopped cleanly")) throw new Error(`the relay did not log a clean stop:\n${log}`);
    },
  };
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/**
 * Serves `dir` as plain static files on a free loopback port, as any web host would (no
 * relay: /healthz and /sync are not found); a path that is not a file gets index.html,
 * as a single-page app is hosted. Returns `{ base, close }`.
 */
export async function startStaticServer(dir = dist()) {
  const { createServer: createHttpServer } = await import("node:http");
  const { readFile } = await import("node:fs/promises");
  const port = await freePort();
  const server = createHttpServer(async (request, response) => {
    const url = new URL(request.url, "http://localhost");
    const wanted = path.join(dir, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ""));
    const isApi = url.pathname === "/healthz" || url.pathname === "/sync";
    for (const file of isApi ? [] : [wanted, path.join(dir, "index.html")]) {
      try {
        const body = await readFile(file);
        response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
        return response.end(body);
      } catch {
        // not a file: try the next
      }
    }
    response.writeHead(404);
    response.end();
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Fails the test on any error the page logs or throws (a panic in Rust shows here). */
export function watchErrors(page) {
  const errors = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // The location names the resource when the browser itself reports a failed load.
    const line = `console error: ${message.text()} (at ${message.location().url})`;
    // Right after it starts, the app loads every page's chunk in the background; a fetch
    // cut off by a navigation or a network change is logged by the browser and by the
    // chunk loader, and the chunk simply loads when its page opens. A page whose chunk
    // really cannot load says so on the page ("page-not-loaded"), which tests see.
    if (BACKGROUND_CHUNK_FETCH.test(line)) return;
    errors.push(line);
  });
  return errors;
}

const BACKGROUND_CHUNK_FETCH =
  /^console error: (Failed to load resource: net::ERR_(NETWORK_CHANGED|ABORTED|INTERNET_DISCONNECTED|CONNECTION_REFUSED) \(at [^)]*\/app-[0-9a-f]{16}\/(chunk_\d+|split_\w+)\.wasm\)|TypeError: Failed to fetch\n\s+at [^\n]*\/app-[0-9a-f]{16}\/__wasm_split\.js)/;

/**
 * Runs `body({ relay, context, page })` against a fresh relay in a new browser profile
 * (service workers blocked unless `context` says otherwise), checks that the page
 * logged no errors but those matching `expectedErrors` (the browser's own line for a
 * fetch a test cut off, say), and cleans up whatever happens.
 */
export async function withApp(browser, { relay: relayOptions, context: contextOptions, expectedErrors = [] } = {}, body) {
  const relay = await startRelay(relayOptions);
  const context = await browser.newContext(contextOptions ?? { serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await body({ relay, context, page });
    const unexpected = errors.filter((e) => !expectedErrors.some((pattern) => pattern.test(e)));
    assert.deepEqual(unexpected, [], "the page logged no errors");
  } finally {
    await context.close();
    await relay.stop();
  }
}

/**
 * Runs `body({ laptop, tablet, a, b })` with two fresh browser profiles (two devices,
 * service workers blocked unless `serviceWorkers: "allow"`) and a page on each; both
 * pages must log no errors but those matching `expectedErrors` (the browser's own line
 * for a WebSocket refused while a test keeps the relay down, say). The profiles are
 * closed whatever happens; relays are the caller's.
 */
export async function withTwoDevices(browser, body, { serviceWorkers = "block", expectedErrors = [], permissions = [] } = {}) {
  const laptop = await browser.newContext({ serviceWorkers, permissions });
  const tablet = await browser.newContext({ serviceWorkers, permissions });
  try {
    const a = await laptop.newPage();
    const b = await tablet.newPage();
    const errors = [watchErrors(a), watchErrors(b)];
    await body({ laptop, tablet, a, b });
    const unexpected = errors.map((logged) => logged.filter((e) => !expectedErrors.some((pattern) => pattern.test(e))));
    assert.deepEqual(unexpected, [[], []], "neither page logged errors");
  } finally {
    await laptop.close();
    await tablet.close();
  }
}

/** Names the organisation on first start. */
export async function nameOrganisation(page, name) {
  await page.getByLabel("What is your organisation called?").fill(name);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByTestId("org-name").filter({ hasText: name }).waitFor();
}

/** Adds a person on the People page. */
export async function addPerson(page, { name, title = "" }) {
  await page.getByRole("button", { name: "Add person" }).click();
  const form = page.getByRole("form", { name: "New person" });
  await form.getByLabel("Name").fill(name);
  if (title) await form.getByLabel("Title").fill(title);
  await form.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("person-name").filter({ hasText: name }).waitFor();
}

/**
 * Chooses `name` in the person picker labelled `label` within `scope` (a page or a form),
 * as a person does: types part of the name and picks it from the matches.
 */
export async function choosePerson(scope, label, name) {
  const field = scope.getByRole("combobox", { name: label, exact: true });
  await field.fill(name.slice(0, Math.max(3, name.length - 2)));
  await scope.getByRole("listbox", { name: "Matching people" }).getByRole("option", { name, exact: true }).click();
  await assertValue(field, name);
}

async function assertValue(field, expected) {
  for (let i = 0; i < 50; i++) {
    if ((await field.inputValue()) === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the person picker shows ${JSON.stringify(await field.inputValue())}, not ${JSON.stringify(expected)}`);
}

/** Adds a person on the People page, reporting to `manager` when named. */
export async function addPersonReportingTo(page, name, manager) {
  await page.getByRole("button", { name: "Add person" }).click();
  const form = page.getByRole("form", { name: "New person" });
  await form.getByLabel("Name").fill(name);
  if (manager) await choosePerson(form, "Reports to", manager);
  await form.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("person-name").filter({ hasText: name }).waitFor();
}

/**
 * Claims the (unclaimed) workspace on this device as `name`, its first admin, under
 * Settings → You. Any other device joins with an invitation (`invite`, `acceptInvitation`).
 */
export async function iAm(page, name) {
  await goTo(page, "Settings");
  await choosePerson(page, "Who are you?", name);
  await page.getByRole("button", { name: "Claim this workspace" }).click();
  await page.getByTestId("identity").filter({ hasText: `You are ${name} on this device` }).waitFor();
}

/** An admin's invitation link for `name`, made on the People page. */
export async function invite(adminPage, name) {
  await goTo(adminPage, "People");
  const row = adminPage.getByTestId("access-row").filter({ hasText: name });
  await row.getByRole("button", { name: `Invite ${name}` }).click();
  return await row.getByTestId("invitation-link").inputValue();
}

/**
 * Opens an invitation link on `page` and waits until the device is `name`'s. A device
 * with no workspace yet asks first (`hasWorkspace: false`); one that has the workspace
 * goes straight on.
 */
export async function acceptInvitation(page, link, name, { hasWorkspace = false } = {}) {
  await page.goto(link);
  if (!hasWorkspace) {
    await page.getByRole("button", { name: "Open this workspace" }).click();
    await page.waitForURL((url) => !url.pathname.endsWith("/join"), { timeout: 15_000 });
  }
  await goTo(page, "Settings");
  await page.getByTestId("identity").filter({ hasText: `You are ${name} on this device` }).waitFor({ timeout: 30_000 });
}

/**
 * Pairs two devices by passing the codes as text: `a`, on Settings → Devices nearby, shows
 * an offer for the whole workspace; `b` (on the same page, or waiting for a workspace)
 * takes it and shows its answer; `a` takes that. Returns once `a` says the link is made.
 */
export async function exchangePairingCodes(a, b) {
  await a.getByTestId("show-pairing-code").click();
  const offer = await a.getByTestId("pairing-code").inputValue();
  await b.getByTestId("pair-code-input").fill(offer);
  await b.getByTestId("use-pairing-code").click();
  await b.getByTestId("pair-answering").waitFor({ timeout: 15_000 });
  const answer = await b.getByTestId("pairing-code").inputValue();
  await a.getByTestId("pair-code-input").fill(answer);
  await a.getByTestId("use-pairing-code").click();
  await a.getByTestId("pair-linked").waitFor({ timeout: 15_000 });
}

export async function waitUntilSaved(page) {
  await page.getByTestId("save-status").filter({ hasText: "Saved on this device" }).waitFor();
}

export async function waitForServiceWorker(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
    }
  });
}

/** A field of a page, by its exact label. */
export const field = (page, label) => page.getByLabel(label, { exact: true });

/** Waits until `locator` (an input or text area) holds `expected`. */
export async function waitForValue(locator, expected, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let value;
  while ((value = await locator.inputValue()) !== expected) {
    if (Date.now() > deadline) assert.fail(`expected ${JSON.stringify(expected)}, still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * What Chromium logs itself while a test keeps the relay out of reach: each refused
 * WebSocket (and request, or one cut off as the relay is killed), and, while the device
 * is offline, a request for a sync challenge that a reconnection attempt made (failed
 * through the service worker, or before it).
 */
export const RELAY_DOWN_ERRORS = [
  /WebSocket connection to .* failed/,
  /Failed to load resource: net::ERR_CONNECTION_(REFUSED|RESET)/,
  /Failed to load resource: net::ERR_(FAILED|INTERNET_DISCONNECTED) \(at http:\/\/[^ ]*\/sync\/challenge\)$/,
];

/** Makes a plan (2027–2028) from the Plans page and waits for it to open. */
export async function newPlan(page, title) {
  await goTo(page, "Plans");
  await page.getByRole("button", { name: "New plan" }).click();
  const form = page.getByRole("form", { name: "New plan" });
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Start year").fill("2027");
  await form.getByLabel("End year").fill("2028");
  await form.getByRole("button", { name: "Create plan" }).click();
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
}

/**
 * The ids of every document this page's profile keeps in IndexedDB (automerge-repo's
 * layout: keys `[docId, kind, hash]`), leaving out this device's own settings.
 */
export async function storedDocumentIds(page) {
  return await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open("automerge");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction("documents").objectStore("documents").getAllKeys();
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        db.close();
        resolve([...new Set(request.result.map((key) => key[0]))].filter((id) => id !== "throughline"));
      };
    };
  }));
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function base58(bytes) {
  let n = BigInt("0x" + (Buffer.from(bytes).toString("hex") || "0"));
  let out = "";
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    out = "1" + out;
  }
  return out;
}

function unbase58(text) {
  let n = 0n;
  for (const char of text) n = n * 58n + BigInt(BASE58.indexOf(char));
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  const zeros = text.length - text.replace(/^1+/, "").length;
  return Buffer.concat([Buffer.alloc(zeros), Buffer.from(hex, "hex")]);
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest();

/**
 * The id of the manager's side of the review `review` (an automerge-repo document id,
 * base58check of 16 bytes), derived as the app derives it (`DocumentId::derived`).
 */
export function managerSideOf(review) {
  const bytes = unbase58(review).subarray(0, 16);
  const derived = sha256(Buffer.concat([
    Buffer.from("throughline derived document\0manager side\0"),
    bytes,
  ])).subarray(0, 16);
  return base58(Buffer.concat([derived, sha256(sha256(derived)).subarray(0, 4)]));
}

/**
 * A pass-through HTTP proxy in front of `base` (the relay) that records each request it
 * forwards: what the server was asked for, and so what the browser did not take from its
 * own cache. Returns `{ base, served, close }`; `served` lists `[path, status]`.
 */
export async function countingProxy(base) {
  const { createServer: createHttpServer, request: forward } = await import("node:http");
  const target = new URL(base);
  const served = [];
  const server = createHttpServer((incoming, outgoing) => {
    const upstream = forward(
      { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        served.push([new URL(incoming.url, base).pathname, answer.statusCode]);
        outgoing.writeHead(answer.statusCode, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}/`,
    served,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
