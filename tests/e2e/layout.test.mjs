// Every page fits a phone (the issue "Nothing typed is lost, every page fits a phone…",
// item 2): on touch screens of 360 × 740 and 390 × 844, a 768 × 1024 tablet and a phone
// on its side (844 × 390), every route of a small but realistic workspace (people with a
// manager, a plan with a long objective, a measure with an actual, an initiative, a review
// cycle with a review open for self review, a check-in) is no wider than the screen (any
// table or map scrolls inside its own box), keeps the main navigation on screen with
// nothing of the page behind it, and has touch targets of at least 44 × 44 px. The
// workspace is set up once on a laptop and copied (IndexedDB included) to each device.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { addPersonReportingTo, goTo, iAm, nameOrganisation, newPlan, sharedBrowser, waitUntilSaved, watchErrors, withApp } from "./support.mjs";

const browser = sharedBrowser();

const VIEWPORTS = [
  { name: "phone 360×740", viewport: { width: 360, height: 740 } },
  { name: "phone 390×844", viewport: { width: 390, height: 844 }, axe: true },
  { name: "tablet 768×1024", viewport: { width: 768, height: 1024 }, axe: true },
  { name: "phone on its side 844×390", viewport: { width: 844, height: 390 } },
];

// Text as people type it: long sentences, a long name, an address with no place to break.
const LONG_OBJECTIVE =
  "Win the trust of procurement teams in mid-sized municipalities across the Nordic and Baltic regions (see https://intranet.example.org/strategy/2027/nordic-baltic-expansion-programme-objectives)";
const LONG_GOAL = "Become the default supplier for public-sector planning software in Northern Europe";
const LONG_WORD = "Supercalifragilisticexpialidocious-procurement-framework-agreement-2027";

/** Builds the workspace through the UI and returns the addresses (paths) of its pages. */
async function buildWorkspace(page, base) {
  await page.goto(base);
  await nameOrganisation(page, "Fjord & Baltic Municipal Software Cooperative");
  await goTo(page, "People");
  await addPersonReportingTo(page, "Maria Rossi-Vandenberghe");
  await addPersonReportingTo(page, "Ana Lima", "Maria Rossi-Vandenberghe");
  await addPersonReportingTo(page, "Ben Okoro", "Maria Rossi-Vandenberghe");
  await page.getByTestId("person-name").filter({ hasText: "Ana Lima" }).click();
  await page.getByRole("heading", { level: 1, name: "Ana Lima" }).waitFor();
  const person = new URL(page.url()).pathname;
  await iAm(page, "Maria Rossi-Vandenberghe");

  // A rating scale and a review template (Settings).
  await page.getByRole("button", { name: "Add a rating scale" }).click();
  const scale = page.getByRole("form", { name: "Rating scale: New rating scale" });
  await scale
    .getByLabel("Levels, one per line: value and label")
    .fill("1 Below expectations\n2 Partly meets expectations\n3 Meets expectations\n4 Exceeds expectations\n5 Exceptional");
  await scale.getByRole("button", { name: "Save scale" }).click();
  await page.getByTestId("scales").getByRole("form").waitFor();
  await page.getByRole("button", { name: "Add a review template" }).click();
  await page.getByRole("form", { name: "Review template: New review template" }).getByRole("button", { name: "Save template" }).click();
  await page.getByTestId("templates").getByRole("form").waitFor();

  // A plan: a goal, an objective with a long title, a measure with an actual, an
  // initiative, and a SWOT item.
  await newPlan(page, "Growth 2027–2028");
  const plan = new URL(page.url()).pathname.split("/").slice(0, 3).join("/");
  const section = (name) => page.getByRole("navigation", { name: "Plan sections" }).getByRole("link", { name }).click();
  await section("Environment");
  await page.getByLabel("New item in Opportunities").fill(`Nordic demand is growing: ${LONG_WORD}`);
  await page.getByRole("form", { name: "Add to Opportunities" }).getByRole("button", { name: "Add" }).click();
  await page.locator('[data-quadrant="opportunities"]').getByText("Nordic demand is growing").waitFor();
  await section("Goals");
  await page.getByLabel("New goal").fill(LONG_GOAL);
  await page.getByRole("button", { name: "Add goal" }).click();
  const goal = page.getByTestId("goal").filter({ hasText: LONG_GOAL });
  await goal.getByLabel("New objective").fill(LONG_OBJECTIVE);
  await goal.getByRole("button", { name: "Add objective" }).click();
  const objective = page.getByTestId("objective").filter({ hasText: "Win the trust of procurement teams" });
  await objective.getByRole("button", { name: "Add measure" }).click();
  const measureForm = objective.getByRole("form", { name: "New measure" });
  await measureForm.getByLabel("Name").fill("Signed framework agreements with municipalities");
  await measureForm.getByLabel("Baseline").fill("0");
  await measureForm.getByLabel("Target", { exact: true }).fill("40");
  await measureForm.getByRole("button", { name: "Save measure" }).click();
  const measure = objective.getByTestId("measure").filter({ hasText: "Signed framework agreements" });
  await measure.getByText("Actuals and chart").click();
  await measure.getByLabel("Date").fill("2027-03-31");
  await measure.getByLabel("Value").fill("12");
  await measure.getByRole("button", { name: "Record actual" }).click();
  await objective.getByTestId("measure").getByText("12 on 2027-03-31 ·").waitFor();
  await objective.getByRole("button", { name: "Add initiative" }).click();
  const initiativeForm = objective.getByRole("form", { name: "New initiative" });
  await initiativeForm.getByLabel("Title").fill("Open a tender desk in Tallinn");
  await initiativeForm.getByLabel("Budget").fill("1,250,000");
  await initiativeForm.getByLabel("Headcount").fill("4");
  await initiativeForm.getByRole("button", { name: "Save initiative" }).click();
  await objective.getByTestId("initiative").getByText("Budget 1,250,000 EUR").waitFor();

  // A review cycle for Ana and Ben; Ana's review gets a goal and opens for self review.
  await goTo(page, "Reviews");
  await page.getByRole("button", { name: "Start a review cycle" }).click();
  const cycleForm = page.getByRole("form", { name: "New review cycle" });
  await cycleForm.getByLabel("Name").fill("2026 annual review");
  await cycleForm.getByLabel("Ana Lima").check();
  await cycleForm.getByLabel("Ben Okoro").check();
  await cycleForm.getByLabel("Self reviews due").fill("2027-01-15");
  await cycleForm.getByRole("button", { name: "Start the cycle" }).click();
  await page.getByRole("heading", { name: "2026 annual review" }).waitFor();
  const cycle = new URL(page.url()).pathname;
  const rows = page.getByTestId("cycle-reviews").locator("tbody tr");
  await rows.filter({ hasText: "Ben Okoro" }).waitFor();
  await rows.filter({ hasText: "Ana Lima" }).getByRole("link").click();
  await page.getByTestId("review-stage").filter({ hasText: "Draft" }).waitFor();
  const review = new URL(page.url()).pathname;
  await page.getByLabel("New goal").fill(`Ship the municipal tender portal to every pilot customer (${LONG_WORD})`);
  await page.getByLabel("Weight (%)").first().fill("100");
  await page.getByRole("button", { name: "Add goal" }).click();
  await page.getByRole("button", { name: "Open for self review" }).click();
  await page.getByTestId("review-stage").filter({ hasText: "Self review" }).waitFor();

  // A check-in between Maria and Ana, with an agenda item and an action.
  await goTo(page, "Reviews");
  await page.getByRole("button", { name: "Open check-ins: With Ana Lima" }).click();
  await page.getByRole("heading", { name: /^Check-ins: / }).waitFor();
  const checkIn = new URL(page.url()).pathname;
  await page.getByRole("button", { name: "Add meeting" }).click();
  await page.getByTestId("meeting").waitFor();
  await page.getByLabel("Add a topic").fill("Tender portal launch retrospective and next steps");
  await page.getByRole("button", { name: "Add to agenda" }).click();
  await page.getByLabel("New action").fill("Book the procurement law course");
  await page.getByLabel("Owner").selectOption({ label: "Ana Lima" });
  await page.getByRole("button", { name: "Add action" }).click();
  await page.getByTestId("actions").getByText("Book the procurement law course").waitFor();
  await waitUntilSaved(page);

  // A link into another workspace (it does not open: the page only offers to).
  const joinTarget = "automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXuThisIsNotAWorkspace";
  const sections = ["overview", "environment", "goals", "scorecard", "map", "resources", "versions", "report"];
  return [
    { name: "home", path: "/", heading: "Fjord & Baltic Municipal Software Cooperative" },
    { name: "people", path: "/people", heading: "People" },
    { name: "a person", path: person, heading: "Ana Lima" },
    { name: "plans", path: "/plans", heading: "Strategic plans" },
    { name: "a plan", path: plan, heading: "Growth 2027–2028" },
    ...sections.map((s) => ({ name: `plan section ${s}`, path: `${plan}/${s}`, heading: "Growth 2027–2028" })),
    { name: "reviews", path: "/reviews", heading: "Reviews" },
    { name: "a review cycle", path: cycle, heading: "2026 annual review" },
    { name: "calibration", path: `${cycle}/calibration`, heading: /Calibration/ },
    { name: "a review", path: review, heading: /Ana Lima/ },
    { name: "a check-in", path: checkIn, heading: /^Check-ins: / },
    { name: "settings", path: "/settings", heading: "Settings" },
    { name: "history", path: "/history", heading: "History and versions" },
    { name: "join", path: `/join?workspace=${joinTarget}`, heading: "Open a shared workspace" },
    { name: "not found", path: "/no/such/page/an-address-somebody-mistyped-from-a-printed-board-report-2027", heading: "Page not found" },
  ];
}

/**
 * What overflows sideways on this page, in the page: the document's scroll width, the
 * elements whose right edge is past the screen (leaving out those inside a box of their
 * own that scrolls or clips, which is allowed: a table in `overflow-x: auto`), and what
 * causes it. A box too wide for the screen stretches its containers (grid and flex items
 * grow to their content), so nearly every block of such a page is too wide; the culprits
 * named are the innermost overflowing elements whose own narrowest width (min-content:
 * a row that may not wrap, a table, a long word, a fixed width) does not fit in the
 * space from their left edge to the screen's right edge.
 */
function measureOverflow(width) {
  const limit = Math.min(window.innerWidth, width);
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += `#${el.id}`;
    for (const c of el.classList) name += `.${c}`;
    const testid = el.getAttribute("data-testid");
    if (testid) name += `[data-testid=${testid}]`;
    return name;
  };
  // Whether a box that scrolls or clips holds the element: one of its containing blocks
  // (an absolutely placed element skips the static boxes around it, and escapes their
  // overflow; a fixed one escapes all).
  const clippedByAncestor = (el) => {
    let position = getComputedStyle(el).position;
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      if (position === "fixed") return false;
      const style = getComputedStyle(a);
      if (position === "absolute" && style.position === "static" && style.transform === "none") continue;
      if (style.overflowX !== "visible") return true;
      position = style.position;
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > limit + 0.5 && !clippedByAncestor(el)) offenders.push(el);
  }
  const scrollWidth = document.documentElement.scrollWidth;
  if (offenders.length === 0 && scrollWidth <= limit) return { scrollWidth, innerWidth: window.innerWidth, limit, overflowing: 0, culprits: [] };
  // A fixed bar is as wide as the window, which grows to fit the page: a consequence.
  const inFixed = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).position === "fixed") return true;
    return false;
  };
  const minContent = new Map();
  for (const el of offenders) {
    if (inFixed(el)) continue;
    const style = getComputedStyle(el);
    // An inline box has no width of its own (its block is measured), nor has an SVG
    // shape; a box that clips or scrolls with a minimum width of its own does not
    // push its container wider than that minimum.
    if (style.display === "inline" || (el instanceof SVGElement && !(el instanceof SVGSVGElement))) continue;
    if (style.overflowX !== "visible" && style.minWidth !== "auto") continue;
    const saved = el.style.cssText;
    el.style.setProperty("width", "min-content", "important");
    el.style.setProperty("flex", "none", "important");
    minContent.set(el, el.getBoundingClientRect().width);
    el.style.cssText = saved;
  }
  const left = new Map(offenders.map((el) => [el, Math.max(0, el.getBoundingClientRect().left)]));
  const tooWide = offenders.filter((el) => minContent.has(el) && minContent.get(el) > limit - left.get(el) + 0.5);
  const innermost = tooWide.filter((el) => !tooWide.some((d) => d !== el && el.contains(d)));
  innermost.sort((a, b) => minContent.get(b) - minContent.get(a));
  const culprits = innermost.slice(0, 3).map((el) => {
    const chain = [];
    for (let a = el; a && a !== document.body && chain.length < 4; a = a.parentElement) chain.unshift(describe(a));
    const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 50);
    return `${chain.join(" > ")} (needs ${Math.round(minContent.get(el))} px from x = ${Math.round(left.get(el))}${text ? `: "${text}"` : ""})`;
  });
  return { scrollWidth, innerWidth: window.innerWidth, limit, overflowing: offenders.length, culprits };
}

/**
 * Where the main navigation and its links are at the top of the page, and, scrolled to the
 * end, whether anything of the page is behind a bottom bar.
 */
function measureNavigation(height) {
  const nav = document.querySelector('nav[aria-label="Main"]');
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  };
  const limit = Math.min(window.innerHeight, height);
  window.scrollTo(0, 0);
  const atTop = box(nav);
  const links = [...nav.querySelectorAll("a")].map((a) => ({ name: a.textContent.trim(), ...box(a) }));
  window.scrollTo(0, document.documentElement.scrollHeight);
  const barAtEnd = box(nav);
  let lowest = null;
  for (const el of document.querySelector("main").querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
    // What a closed <details> holds is not drawn (Chromium still reports boxes for it).
    const closed = el.closest("details:not([open])");
    if (closed && !(el.closest("summary") && closed.contains(el.closest("summary")))) continue;
    if (!lowest || r.bottom > lowest.bottom) lowest = { bottom: r.bottom, what: `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}` };
  }
  window.scrollTo(0, 0);
  const isBar = getComputedStyle(nav).position === "fixed";
  return { innerHeight: window.innerHeight, innerWidth: window.innerWidth, limit, nav: atTop, barAtEnd, lowest, links, isBar };
}

/**
 * Controls smaller than 44 × 44 px, in the main navigation and the page. A link inside a
 * sentence is exempt (WCAG 2.5.8 exempts inline targets whose size is set by the line
 * of text): making it 44 px tall would break the sentence apart. A check box or radio
 * button counts with its label, which takes the tap as well.
 */
function smallTargets() {
  const describe = (el) => {
    const name = el.getAttribute("aria-label") || el.textContent.trim().replace(/\s+/g, " ").slice(0, 40) || el.getAttribute("name") || el.id;
    return `${el.tagName.toLowerCase()}${el.type && el.tagName !== "A" ? `[type=${el.type}]` : ""}.${[...el.classList].join(".")} “${name}”`;
  };
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    const parent = el.parentElement;
    return [...parent.childNodes].some((n) => n !== el && n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "");
  };
  const small = [];
  const scope = [document.querySelector('nav[aria-label="Main"]'), document.querySelector("main")];
  for (const root of scope) {
    for (const el of root.querySelectorAll("a[href], button, input, select, textarea, summary, [role=button]")) {
      if (el.type === "hidden") continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden") continue;
      let r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) continue; // not drawn (hidden, or visually hidden for a label)
      if (el.matches("a") && inSentence(el)) continue;
      if (el.matches("input[type=checkbox], input[type=radio]")) {
        const boxes = [r, ...[...(el.labels ?? [])].map((l) => l.getBoundingClientRect())];
        const top = Math.min(...boxes.map((b) => b.top));
        const bottom = Math.max(...boxes.map((b) => b.bottom));
        const left = Math.min(...boxes.map((b) => b.left));
        const right = Math.max(...boxes.map((b) => b.right));
        r = { width: right - left, height: bottom - top };
      }
      if (r.height < 43.5 || r.width < 43.5) small.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
}

// axe-core (the issue "first week", item: accessibility): on the tablet and one phone,
// every route has no serious or critical violation. The page's CSP allows scripts from
// 'self' and one hash only, so a <script> tag added to the page (`addScriptTag`, which
// inlines the file) would be refused, and the refusal logged as an error; the source is
// evaluated through the DevTools protocol instead (`page.evaluate`), which the CSP does
// not govern, in the page's own profile.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The serious and critical axe violations on the page on screen now, one sentence each. */
async function accessibilityViolations(page, route, device) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ["violations"] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(" "), impact: n.impact, summary: n.failureSummary })),
    }));
  });
  const problems = [];
  for (const v of violations) {
    if (v.impact !== "serious" && v.impact !== "critical") continue;
    const targets = v.nodes.slice(0, 3).map((n) => n.target);
    const summary = (v.nodes[0]?.summary ?? "").replace(/\s+/g, " ").trim();
    problems.push(
      `${route.name} (${route.path}) on a ${device}: ${v.id} (${v.impact}, ${v.nodes.length} element${v.nodes.length === 1 ? "" : "s"}): ${v.help}; at ${targets.join(", ")}${v.nodes.length > 3 ? ", …" : ""}; ${summary}`,
    );
  }
  return problems;
}

/** Waits until the page has drawn (two frames) and stopped adding rows in batches. */
async function settle(page) {
  for (let i = 0; i < 3; i++) await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.waitForTimeout(150);
}

/** What is wrong with the page on screen now, in sentences naming the route (none: fine). */
async function checkRoute(page, route, device, viewport) {
  const problems = [];
  const where = `${route.name} (${route.path}) on a ${device}`;
  const overflow = await page.evaluate(measureOverflow, viewport.width);
  if (overflow.scrollWidth > overflow.limit || overflow.overflowing > 0) {
    problems.push(
      `${where}: the page is ${overflow.scrollWidth} px wide on a ${overflow.limit} px screen (the window grew to ${overflow.innerWidth} px); too wide: ${overflow.culprits.join("; ") || "(no single element found)"}`,
    );
  }

  const nav = await page.evaluate(measureNavigation, viewport.height);
  const right = Math.min(nav.innerWidth, viewport.width) + 0.5;
  const offScreen = nav.links.filter((l) => l.top < 0 || l.bottom > nav.limit + 0.5 || l.left < 0 || l.right > right);
  if (offScreen.length > 0) {
    const described = offScreen.map((l) => `${l.name} (top ${Math.round(l.top)}, bottom ${Math.round(l.bottom)}, right ${Math.round(l.right)})`);
    problems.push(`${where}: main navigation links off a ${viewport.width} × ${nav.limit} px screen: ${described.join(", ")}`);
  }
  if (nav.isBar) {
    // A bottom bar: the whole bar on screen, and the end of the page above it.
    if (nav.nav.top < 0 || nav.nav.bottom > nav.limit + 0.5) {
      problems.push(`${where}: the navigation bar is at ${Math.round(nav.nav.top)}–${Math.round(nav.nav.bottom)} px on a ${nav.limit} px high screen`);
    }
    if (nav.lowest && nav.lowest.bottom > nav.barAtEnd.top + 0.5) {
      problems.push(`${where}: at the end of the page, ${nav.lowest.what} (bottom ${Math.round(nav.lowest.bottom)}) is behind the navigation bar (top ${Math.round(nav.barAtEnd.top)})`);
    }
  } else if (viewport.width < 720) {
    problems.push(`${where}: the navigation is not a bar fixed to the bottom of a phone's screen`);
  }

  const small = await page.evaluate(smallTargets);
  if (small.length > 0) problems.push(`${where}: targets under 44 × 44 px: ${small.join(", ")}`);
  return problems;
}

test("every route fits a phone and a tablet: no sideways scrolling, navigation on screen, touch-sized targets", async (t) => {
  await withApp(browser, {}, async ({ relay, context, page }) => {
    // Set up on a laptop, then looked at on each device (the workspace copied to each:
    // the same origin, IndexedDB included).
    await page.setViewportSize({ width: 1280, height: 900 });
    const routes = await buildWorkspace(page, relay.base);
    await waitUntilSaved(page);
    const storageState = await context.storageState({ indexedDB: true });
    // One device at a time: the laptop goes, so no direct link to it comes and goes.
    await page.close();
    for (const { name: device, viewport, axe } of VIEWPORTS) {
      await t.test(`on a ${device}`, async () => {
        const touch = await browser.newContext({ viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2, serviceWorkers: "block", storageState });
        try {
          const screen = await touch.newPage();
          const errors = watchErrors(screen);
          const problems = [];
          const inaccessible = [];
          for (const route of routes) {
            await screen.goto(new URL(route.path.slice(1), relay.base).href);
            await screen.getByRole("heading", { level: 1, name: route.heading }).first().waitFor();
            await settle(screen);
            problems.push(...(await checkRoute(screen, route, device, viewport)));
            if (axe) inaccessible.push(...(await accessibilityViolations(screen, route, device)));
          }
          // Shown even when the layout check below fails first.
          for (const line of inaccessible) t.diagnostic(line);
          assert.deepEqual(problems, [], `on a ${device}:\n${problems.join("\n")}`);
          assert.deepEqual(inaccessible, [], `axe found serious or critical violations on a ${device}:\n${inaccessible.join("\n")}`);
          // The navigation takes a tap (nothing of the page covers it) on every page it leads to.
          for (const [link, heading] of [["People", "People"], ["Plans", "Strategic plans"], ["Reviews", "Reviews"], ["Settings", "Settings"], ["Home", routes[0].heading]]) {
            await screen.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link }).tap();
            await screen.getByRole("heading", { level: 1, name: heading }).waitFor();
          }
          assert.deepEqual(errors, [], "the page logged no errors");
        } finally {
          await touch.close();
        }
      });
    }
  });
});
