// `cargo xtask bench`: timings of the release build in headless Chromium, printed as
// figures (never asserted). Each figure is measured several times; p50 and p95 shown.
// With THROUGHLINE_BENCH_PREVIOUS_DIST (`cargo xtask bench --against <commit>`), a
// previous build is measured in the same run, section by section, alternating which
// build goes first, and each figure is printed for both.
import { readFile } from "node:fs/promises";
import {
  choosePerson,
  DIRECT_LINK_ARGS,
  exchangePairingCodes,
  goTo,
  launchBrowser,
  nameOrganisation,
  startRelay,
  startStaticServer,
  waitForServiceWorker,
} from "../tests/e2e/support.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const builds = [{ name: "this build", dist: process.env.THROUGHLINE_DIST }];
if (process.env.THROUGHLINE_BENCH_PREVIOUS_DIST) {
  const name = process.env.THROUGHLINE_BENCH_PREVIOUS_NAME ?? "previous build";
  builds.push({ name: `previous (${name})`, dist: process.env.THROUGHLINE_BENCH_PREVIOUS_DIST });
}
const width = Math.max(...builds.map((b) => b.name.length));
/** The build being measured, and each figure's values by build, in the order reported. */
let measuring = builds[0].name;
const figures = new Map();
const report = (name, values, budget) => {
  if (!figures.has(name)) figures.set(name, { budget, results: new Map(), printed: false });
  figures.get(name).results.set(measuring, values);
};
/** A line that is not a timing (a size, a skipped section), said of the build measured. */
const note = (text) => console.log(builds.length > 1 ? `${text}  [${measuring}]` : text);
const line = (values, budget) => {
  const p50 = percentile(values, 50).toFixed(1);
  const p95 = percentile(values, 95).toFixed(1);
  const verdict = budget === undefined ? "" : percentile(values, 95) <= budget ? `  (budget ${budget} ms: within)` : `  (budget ${budget} ms: OVER)`;
  return `p50 ${p50.padStart(8)} ms   p95 ${p95.padStart(8)} ms   n=${values.length}${verdict}`;
};
/** Prints the figures measured since the last call: one line each, or one per build. */
const printFigures = () => {
  for (const [name, figure] of figures) {
    if (figure.printed) continue;
    figure.printed = true;
    if (builds.length === 1) {
      console.log(`${name.padEnd(58)} ${line(figure.results.get(builds[0].name), figure.budget)}`);
      continue;
    }
    console.log(name);
    for (const build of builds) {
      const values = figure.results.get(build.name);
      console.log(`  ${build.name.padEnd(width)}  ${values ? line(values, figure.budget) : "not measured"}`);
    }
  }
};

/** Milliseconds from the start of navigation until the workspace is on screen. */
const loadTime = async (page, url) => {
  const started = Date.now();
  await page.goto(url);
  await page.getByTestId("org-name").waitFor();
  await page.waitForFunction(() => !document.querySelector(".boot"));
  return Date.now() - started;
};

const browser = await launchBrowser();
try {
  for (const build of builds) build.relay = await startRelay({ appDir: build.dist });
  const sections = [loads, largeWorkspace, typing, remoteViaRelay, remoteDirect];
  for (const [index, section] of sections.entries()) {
    // Alternated: the build measured first in one section goes last in the next, so that
    // neither is always the one measured on a machine the other has warmed (or tired).
    const order = index % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) {
      measuring = build.name;
      await section(build.relay, build);
    }
    printFigures();
  }
} finally {
  await browser.close();
  for (const build of builds) await build.relay?.stop();
}

/** Cold load and offline reload. */
async function loads(relay) {
  // Cold load: a new profile each time (nothing cached, no service worker yet).
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    cold.push(await loadTime(page, relay.base));
    await context.close();
  }
  report("cold load to interactive (new profile)", cold, 400);

  // Offline reload: the service worker answers everything, no network at all.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(relay.base);
  await nameOrganisation(page, "Bench Co");
  await waitForServiceWorker(page);
  await context.setOffline(true);
  const offline = [];
  for (let i = 0; i < RUNS; i++) offline.push(await loadTime(page, relay.base));
  await context.setOffline(false);
  report("offline reload (service worker)", offline, 250);
}

/** A large workspace: 1,000 people, a 1,000-objective plan, a 500-review cycle. */
async function largeWorkspace(relay) {
  // A large workspace from IndexedDB: 1,000 people, written through the app's own import.
  const archive = process.env.THROUGHLINE_BENCH_ARCHIVE;
  if (archive) {
    const big = await browser.newContext({ serviceWorkers: "block" });
    const bigPage = await big.newPage();
    await bigPage.goto(`${relay.base}settings`);
    await Promise.all([
      bigPage.waitForEvent("framenavigated"),
      bigPage.getByLabel("Import an archive or .automerge file").setInputFiles(archive),
    ]);
    await bigPage.getByTestId("org-name").filter({ hasText: "Large Co" }).waitFor();
    const people = [];
    for (let i = 0; i < RUNS; i++) {
      const started = Date.now();
      await bigPage.goto(`${relay.base}people`);
      await bigPage.getByTestId("person-name").nth(999).waitFor();
      people.push(Date.now() - started);
    }
    report("open a 1,000-person workspace from IndexedDB to People", people);

    // One edit in that workspace, until painted.
    const edits = [];
    for (let i = 0; i < RUNS; i++) {
      await bigPage.getByRole("button", { name: "Add person" }).click();
      await bigPage.getByRole("form", { name: "New person" }).getByLabel("Name").fill(`Bench ${i}`);
      const elapsed = await bigPage.evaluate(
        (name) =>
          new Promise((resolve) => {
            const form = document.querySelector("form[aria-label='New person']");
            const list = document.querySelector("[data-testid=people-list]");
            const observer = new MutationObserver(() => {
              const shown = [...list.querySelectorAll("[data-testid=person-name]")].some((n) => n.textContent === name);
              if (shown) {
                observer.disconnect();
                resolve(performance.now() - started);
              }
            });
            observer.observe(list, { childList: true, subtree: true, characterData: true });
            const started = performance.now();
            form.requestSubmit();
          }),
        `Bench ${i}`,
      );
      edits.push(elapsed);
    }
    report("one edit (add a person) to the list updated, 1,000 people", edits, 16);

    // The large plan of the same archive: 1,000 objectives, 5,000 actuals.
    await bigPage.goto(`${relay.base}plans`);
    await bigPage.getByTestId("plan-card").click();
    await bigPage.getByRole("heading", { level: 1, name: "Large plan 2027–2029" }).waitFor();
    const scorecardUrl = `${bigPage.url().replace(/\/(overview)?$/, "")}/scorecard`;
    // Timed inside the page (from the start of navigation, to the frame after the first or
    // the 1,000th measure row is in the document), so the driver's own overhead is not in it.
    const untilRow = (index) =>
      bigPage.evaluate(
        (index) =>
          new Promise((resolve) => {
            const check = () =>
              document.querySelectorAll("tr.row-measure").length > index
                ? requestAnimationFrame(() => resolve(performance.now()))
                : requestAnimationFrame(check);
            check();
          }),
        index,
      );
    const scorecard = [];
    const complete = [];
    for (let i = 0; i < RUNS; i++) {
      await bigPage.goto(scorecardUrl);
      scorecard.push(await untilRow(0));
      complete.push(await untilRow(999));
    }
    report("open a 1,000-objective plan's scorecard (page load), first paint", scorecard, 300);
    report("  … until all 1,000 measure rows are drawn", complete);

    // The same scorecard drawn again from the open plan (a click from another section).
    const redraw = [];
    const tabs = bigPage.getByRole("navigation", { name: "Plan sections" });
    for (let i = 0; i < RUNS; i++) {
      await tabs.getByRole("link", { name: "Resources" }).click();
      await bigPage.getByTestId("resources").waitFor();
      redraw.push(
        await bigPage.evaluate(
          () =>
            new Promise((resolve) => {
              const link = [...document.querySelectorAll("nav[aria-label='Plan sections'] a")].find(
                (a) => a.textContent === "Scorecard",
              );
              const started = performance.now();
              const observer = new MutationObserver(() => {
                if (document.querySelector("tr.row-measure")) {
                  observer.disconnect();
                  requestAnimationFrame(() => resolve(performance.now() - started));
                }
              });
              observer.observe(document.body, { childList: true, subtree: true });
              link.click();
            }),
        ),
      );
      await bigPage.locator("tr.row-measure").nth(999).waitFor();
    }
    report("show that scorecard from another section (plan open), first paint", redraw, 300);

    // One actual recorded on that scorecard, until its row shows it.
    const recordActual = async (value) => {
      await bigPage.getByRole("button", { name: "Record an actual of Measure 0500" }).click();
      const entry = bigPage.getByRole("form", { name: "Record an actual" });
      await entry.getByLabel("Date").fill("2028-06-30");
      await entry.getByLabel("Value").fill(value);
      return bigPage.evaluate(
        (value) =>
          new Promise((resolve) => {
            const form = document.querySelector("form[aria-label='Record an actual']");
            const table = document.querySelector("[data-testid=scorecard] tbody");
            const shown = () =>
              [...table.querySelectorAll("tr.row-measure")].some(
                (row) => row.textContent.includes("Measure 0500") && row.textContent.includes(`${value}% (2028-06-30)`),
              );
            const observer = new MutationObserver(() => {
              if (shown()) {
                observer.disconnect();
                resolve(performance.now() - started);
              }
            });
            observer.observe(table, { childList: true, subtree: true, characterData: true });
            const started = performance.now();
            form.requestSubmit();
          }),
        value,
      );
    };
    const actuals = [];
    for (let i = 0; i < RUNS; i++) actuals.push(await recordActual(String(20 + i)));
    report("one actual recorded to its scorecard row, 1,000 objectives", actuals, 16);
    // The first of those is the first edit this browser ever ran: its code is still the
    // browser's quick first compilation, and takes about twice as long. On a later page
    // load the browser's cache holds the optimised code, so the first edit of a visit is
    // timed here too, once per page load.
    const firstOfVisit = [];
    for (let i = 0; i < RUNS; i++) {
      await bigPage.goto(scorecardUrl);
      await bigPage.locator("tr.row-measure").nth(999).waitFor();
      // Not in the moment the rows appear (the page still syncs and opens its documents
      // then), but a second later, as a person reading the table would.
      await bigPage.waitForTimeout(1000);
      firstOfVisit.push(await recordActual(String(40 + i)));
    }
    report("  … the first actual after a page load (a later visit)", firstOfVisit, 16);

    // Size on disk: the plan's chunks in IndexedDB against save() of the same document
    // (taken from the workspace archive, which holds each document's save()).
    const planId = new URL(scorecardUrl).pathname.split("/").filter(Boolean).at(-2);
    const stored = await bigPage.evaluate(
      (id) =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open("automerge");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result
              .transaction("documents")
              .objectStore("documents")
              .getAll(IDBKeyRange.bound([id], [id, []]));
            request.onsuccess = () => {
              const kinds = {};
              let bytes = 0;
              for (const { key, binary } of request.result) {
                kinds[key[1]] = (kinds[key[1]] ?? 0) + 1;
                bytes += binary.byteLength;
              }
              resolve({ bytes, kinds });
            };
            request.onerror = () => reject(request.error);
          };
        }),
      planId,
    );
    await bigPage.goto(`${relay.base}settings`);
    const [download] = await Promise.all([
      bigPage.waitForEvent("download"),
      bigPage.getByRole("button", { name: "Export archive" }).click(),
    ]);
    const exported = JSON.parse(await readFile(await download.path(), "utf8"));
    const saved = Buffer.from(exported.documents.find((d) => d.url === `automerge:${planId}`).automerge, "base64");
    const chunks = Object.entries(stored.kinds).map(([kind, n]) => `${n} ${kind}`).join(", ");
    note(
      `${"plan on disk (1,000 objectives) against save()".padEnd(58)} ${(stored.bytes / 1024).toFixed(1)} KB in ${chunks}; save() ${(saved.length / 1024).toFixed(1)} KB`,
    );

    // A review cycle of 500 reviews, opened by the person who runs it for HR: the cycle
    // page and the 9-box on page load (to the first row or card, and to all 500), then
    // one person moved on the 9-box by keyboard until the card shows in its new box.
    // Person 0000 runs the cycle for HR: this device claims the workspace as them (the
    // founding admin), as Settings → You offers a workspace nobody has claimed. Claiming
    // signs every reporting line; timed once, with a long wait (it once took minutes).
    await goTo(bigPage, "Settings");
    const claimant = bigPage.getByRole("combobox", { name: "Who are you?", exact: true });
    if (await claimant.evaluate((field) => field.tagName === "SELECT")) {
      // A build from before the claim form's person picker (50c4d68 and earlier), measured
      // beside this one with `--against`.
      await claimant.selectOption({ label: "Person 0000" });
    } else {
      await choosePerson(bigPage, "Who are you?", "Person 0000");
    }
    const claimStarted = Date.now();
    await bigPage.getByRole("button", { name: "Claim this workspace" }).click({ timeout: 900_000 });
    await bigPage.getByTestId("identity").filter({ hasText: "You are Person 0000 on this device" }).waitFor({ timeout: 900_000 });
    report("claim a 1,000-person workspace (its 999 reporting lines signed)", [Date.now() - claimStarted]);
    await bigPage.goto(`${relay.base}reviews`);
    await bigPage.getByTestId("cycles").getByRole("link", { name: "Large cycle 2027" }).click();
    await bigPage.getByTestId("cycle-reviews").locator("tbody tr").nth(499).waitFor({ timeout: 120_000 });
    const cycleUrl = bigPage.url();
    const untilCount = (selector, count) =>
      bigPage.evaluate(
        ([selector, count]) =>
          new Promise((resolve) => {
            const check = () =>
              document.querySelectorAll(selector).length >= count
                ? requestAnimationFrame(() => resolve(performance.now()))
                : requestAnimationFrame(check);
            check();
          }),
        [selector, count],
      );
    const cycleFirst = [];
    const cycleAll = [];
    const boxFirst = [];
    const boxAll = [];
    for (let i = 0; i < RUNS; i++) {
      await bigPage.goto(cycleUrl);
      cycleFirst.push(await untilCount("[data-testid=cycle-reviews] tbody tr", 1));
      cycleAll.push(await untilCount("[data-testid=cycle-reviews] tbody tr", 500));
      await bigPage.goto(`${cycleUrl}/calibration`);
      boxFirst.push(await untilCount(".nine-box .person-card", 1));
      boxAll.push(await untilCount(".nine-box .person-card", 500));
    }
    report("open a 500-review cycle page (page load), first row", cycleFirst, 300);
    report("  … until all 500 reviews are listed", cycleAll);
    report("open that cycle's 9-box (page load), first card", boxFirst, 300);
    report("  … until all 500 people are on the 9-box", boxAll);
    const moves = [];
    for (let i = 0; i < RUNS; i++) {
      moves.push(
        await bigPage.evaluate(
          (right) =>
            new Promise((resolve) => {
              // A person in the middle column, moved one box right or back left.
              const from = right ? "moderate-moderate" : "high-moderate";
              const to = right ? "high-moderate" : "moderate-moderate";
              const card = document.querySelector(`[data-box="${from}"] .person-card`);
              const id = card.dataset.review;
              const observer = new MutationObserver(() => {
                // Measured as the other edits are: until the DOM shows it (the paint follows
                // in the same frame).
                if (document.querySelector(`[data-box="${to}"] [data-review="${id}"]`)) {
                  observer.disconnect();
                  resolve(performance.now() - started);
                }
              });
              observer.observe(document.querySelector(".nine-box"), { childList: true, subtree: true });
              card.focus();
              const started = performance.now();
              card.dispatchEvent(new KeyboardEvent("keydown", { key: right ? "ArrowRight" : "ArrowLeft", bubbles: true }));
            }),
          i % 2 === 0,
        ),
      );
    }
    report("move one person on a 500-person 9-box, to its card in the new box", moves, 16);
    await big.close();
  } else {
    note("open a 1,000-person workspace and a 1,000-objective plan: skipped (THROUGHLINE_BENCH_ARCHIVE not set)");
  }
}

/** A keystroke in a 100,000-character text field. */
async function typing(relay) {
  // Keystroke to paint in a 100,000-character text field.
  const typingContext = await browser.newContext({ serviceWorkers: "block" });
  const typingPage = await typingContext.newPage();
  await typingPage.goto(relay.base);
  await nameOrganisation(typingPage, "Typing Co");
  const about = typingPage.getByLabel("About Typing Co");
  await about.fill("x".repeat(100_000));
  await typingPage.getByTestId("save-status").filter({ hasText: "Saved on this device" }).waitFor({ timeout: 30_000 });
  await about.focus();
  await typingPage.keyboard.press("Control+End");
  const keystrokes = await typingPage.evaluate(async (count) => {
    const area = document.getElementById("organisation-about");
    const times = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      area.setRangeText("a", area.selectionStart, area.selectionEnd, "end");
      area.dispatchEvent(new InputEvent("input", { bubbles: true, data: "a", inputType: "insertText" }));
      // The edit, the document change and the save's start all run in the input handler
      // and its microtasks; the frame is painted right after them.
      await Promise.resolve();
      times.push(performance.now() - started);
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    }
    return times;
  }, RUNS * 4);
  report("keystroke handled (edit + Automerge change), 100,000 characters", keystrokes, 16);
  await typingContext.close();
}

/** An edit on one browser to its paint on another, through the relay. */
async function remoteViaRelay(relay) {
  // An edit on one browser to its paint on another, through the relay (the real path:
  // IndexedDB, the sync client, the relay, the other client, Leptos).
  const laptop = await browser.newContext({ serviceWorkers: "block" });
  const tablet = await browser.newContext({ serviceWorkers: "block" });
  try {
    const a = await laptop.newPage();
    const b = await tablet.newPage();
    await a.goto(relay.base);
    await nameOrganisation(a, "Pair Co");
    await a.getByTestId("sync-status").filter({ hasText: "Synced with relay" }).waitFor({ timeout: 15_000 });
    await goTo(a, "Settings");
    // The relay's path alone: no direct link between the two.
    await a.getByTestId("introductions").uncheck();
    const link = await a.getByTestId("share-link").inputValue();
    await b.goto(link);
    await b.getByRole("button", { name: "Open this workspace" }).click();
    await b.getByTestId("org-name").filter({ hasText: "Pair Co" }).waitFor({ timeout: 15_000 });
    await goTo(a, "Home");
    await a.getByLabel("About Pair Co").waitFor();
    await b.getByLabel("About Pair Co").waitFor();
    report("edit on one browser to its paint on another, via the relay", await remotePaint(a, b));
  } finally {
    await laptop.close();
    await tablet.close();
  }
}

/** The same over a direct link. */
async function remoteDirect(_relay, build) {
  // The same over a direct link (WebRTC data channel), paired by code with no relay.
  const direct = await launchBrowser(DIRECT_LINK_ARGS);
  const server = await startStaticServer(build.dist);
  try {
    const permissions = ["camera", "microphone"];
    const one = await direct.newContext({ serviceWorkers: "block", permissions });
    const other = await direct.newContext({ serviceWorkers: "block", permissions });
    const a = await one.newPage();
    const b = await other.newPage();
    await a.goto(server.base);
    await nameOrganisation(a, "Pair Co");
    await a.goto(`${server.base}settings#devices`);
    await b.goto(`${server.base}settings#devices`);
    await exchangePairingCodes(a, b);
    await b.getByTestId("org-name").filter({ hasText: "Pair Co" }).waitFor({ timeout: 15_000 });
    await goTo(a, "Home");
    await goTo(b, "Home");
    await a.getByLabel("About Pair Co").waitFor();
    await b.getByLabel("About Pair Co").waitFor();
    report("edit on one browser to its paint on another, direct link", await remotePaint(a, b));
  } finally {
    await direct.close();
    await server.close();
  }
}


/** Types one character at a time on `a` and times each until `b` has painted it. */
async function remotePaint(a, b) {
    const remote = [];
    for (let i = 1; i <= RUNS * 2; i++) {
      // The other browser watches for the character (Date.now: one clock for both pages).
      const painted = b.evaluate(
        (length) =>
          new Promise((resolve) => {
            const check = () => {
              const area = document.getElementById("organisation-about");
              if (area && area.value.length >= length) requestAnimationFrame(() => resolve(Date.now()));
              else setTimeout(check, 1);
            };
            check();
          }),
        i,
      );
      const typed = await a.evaluate(() => {
        const area = document.getElementById("organisation-about");
        const at = Date.now();
        area.setRangeText("a", area.value.length, area.value.length, "end");
        area.dispatchEvent(new InputEvent("input", { bubbles: true, data: "a", inputType: "insertText" }));
        return at;
      });
      remote.push((await painted) - typed);
      await new Promise((r) => setTimeout(r, 100));
    }
    return remote;
}
