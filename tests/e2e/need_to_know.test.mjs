// Need to know, end to end: an admin, a manager, two employees and someone in HR, each on
// a browser profile of their own, syncing through the relay. Once everything has synced,
// each profile's IndexedDB holds only the documents its person may read (the keys are
// enumerated), and each person's pages show what their role allows and nothing else.
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptInvitation, addPersonReportingTo, everyPageFetched, goTo, iAm, invite, managerSideOf, nameOrganisation, sharedBrowser, startRelay, storedDocumentIds, watchErrors } from "./support.mjs";

const browser = sharedBrowser();

/** The browser's lines for a device trying to reach a relay that is down. */
const RELAY_REFUSED =
  /^console error: (Failed to load resource: net::ERR_CONNECTION_REFUSED \(at [^)]*\/sync\/challenge\)|WebSocket connection to '[^']*\/sync' failed: Error in connection establishment: net::ERR_CONNECTION_REFUSED \(at [^)]*\))$/;

/** Waits until `page`'s profile stores every one of `ids`. */
async function holds(page, ids, what) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const held = await storedDocumentIds(page);
    if (ids.every((id) => held.includes(id))) return held;
    if (Date.now() > deadline) assert.fail(`${what}: still missing ${ids.filter((id) => !held.includes(id))} (holds ${held})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test("five people, five profiles: each stores and is shown only what their role may read", async () => {
  const relay = await startRelay();
  let crashed = false;
  const contexts = [];
  const errors = [];
  const profile = async () => {
    const context = await browser.newContext({ serviceWorkers: "block" });
    contexts.push(context);
    const page = await context.newPage();
    errors.push(watchErrors(page));
    return page;
  };
  try {
    // Hana founds the workspace (admin, and HR as its founder) and sets it up.
    const hana = await profile();
    await hana.goto(relay.base);
    await nameOrganisation(hana, "Need Co");
    await goTo(hana, "People");
    await addPersonReportingTo(hana, "Hana Admin");
    await addPersonReportingTo(hana, "Maria Rossi", "Hana Admin");
    await addPersonReportingTo(hana, "Ana Lima", "Maria Rossi");
    await addPersonReportingTo(hana, "Ben Okoro", "Maria Rossi");
    await addPersonReportingTo(hana, "Hugo Reyes");
    await iAm(hana, "Hana Admin");
    // Hugo runs reviews for HR; he manages nobody.
    await goTo(hana, "People");
    await hana.getByLabel("HR (Hugo Reyes)").check();
    await goTo(hana, "Settings");
    await hana.getByRole("button", { name: "Add a rating scale" }).click();
    await hana.getByRole("form", { name: "Rating scale: New rating scale" }).getByRole("button", { name: "Save scale" }).click();
    await hana.getByRole("button", { name: "Add a review template" }).click();
    await hana.getByRole("form", { name: "Review template: New review template" }).getByRole("button", { name: "Save template" }).click();
    await goTo(hana, "Reviews");
    await hana.getByRole("button", { name: "Start a review cycle" }).click();
    const cycleForm = hana.getByRole("form", { name: "New review cycle" });
    await cycleForm.getByLabel("Name").fill("2026 review");
    await cycleForm.getByLabel("Ana Lima").check();
    await cycleForm.getByLabel("Ben Okoro").check();
    await cycleForm.getByRole("button", { name: "Start the cycle" }).click();
    await hana.getByRole("heading", { name: "2026 review" }).waitFor();
    const cyclePage = hana.url();
    const rows = hana.getByTestId("cycle-reviews").locator("tbody tr");
    const reviewOf = async (name) => (await rows.filter({ hasText: name }).getByRole("link").getAttribute("href")).split("/").pop();
    const anaReview = await reviewOf("Ana Lima");
    const benReview = await reviewOf("Ben Okoro");
    await hana.getByRole("button", { name: "Open all drafts for self review (2)" }).click();
    await hana.getByText("Opened 2 reviews for self review.").waitFor();

    // Everyone else joins with an invitation, on a device of their own.
    const people = {};
    for (const name of ["Maria Rossi", "Ana Lima", "Ben Okoro", "Hugo Reyes"]) {
      const link = await invite(hana, name);
      people[name] = await profile();
      await acceptInvitation(people[name], link, name);
    }
    const { "Maria Rossi": maria, "Ana Lima": ana, "Ben Okoro": ben, "Hugo Reyes": hugo } = people;

    // Ana writes her self review; Maria then drafts hers, which only the manager's side
    // holds until the review is shared.
    await goTo(ana, "Reviews");
    await ana.getByTestId("my-reviews").getByRole("link", { name: "Ana Lima (you)" }).click({ timeout: 20_000 });
    await ana.getByLabel("Self assessment").fill("I shipped the app.");
    await ana.getByRole("button", { name: "Submit self review" }).click();
    await ana.getByTestId("review-stage").filter({ hasText: "Manager review" }).waitFor();
    await maria.goto(new URL(`/reviews/${anaReview}`, maria.url()).href);
    await maria.getByTestId("review-stage").filter({ hasText: "Manager review" }).waitFor({ timeout: 20_000 });
    await maria.getByLabel("Manager assessment").fill("Maria's draft: ready to lead.");
    await maria.getByLabel("Overall rating").selectOption("4");
    const sides = [managerSideOf(anaReview), managerSideOf(benReview)];

    // What each device holds, once what it may hold has arrived.
    await holds(maria, [anaReview, benReview, ...sides], "Maria, their manager");
    await hugo.goto(cyclePage.replace(new URL(cyclePage).origin, new URL(hugo.url()).origin));
    await hugo.getByTestId("cycle-reviews").locator("tbody tr").filter({ hasText: "Ben Okoro" }).waitFor({ timeout: 20_000 });
    await holds(hugo, [anaReview, benReview, ...sides], "Hugo, in HR");
    await holds(ana, [anaReview], "Ana");
    await holds(ben, [benReview], "Ben");
    // Give the relay time to send anything it (wrongly) would, then look again.
    await ana.getByTestId("sync-status").filter({ hasText: "Synced with relay" }).waitFor({ timeout: 20_000 });
    await ben.getByTestId("sync-status").filter({ hasText: "Synced with relay" }).waitFor({ timeout: 20_000 });
    for (const [who, page, own, other] of [["Ana", ana, anaReview, benReview], ["Ben", ben, benReview, anaReview]]) {
      const held = await storedDocumentIds(page);
      assert.ok(held.includes(own), `${who} holds her or his own review`);
      assert.ok(!held.includes(other), `${who} never holds a colleague's review (${held})`);
      for (const side of sides) assert.ok(!held.includes(side), `${who} never holds a manager's side (${held})`);
    }

    // Pages: Ana sees her row only, no ratings overview, and not Maria's draft; Ben is
    // told Ana's review is not his to read; Hugo and Maria see the ratings.
    await ana.goto(new URL(`/reviews/${anaReview}`, ana.url()).href);
    await ana.getByTestId("manager-assessment").filter({ hasText: "Shown to you once the review is shared." }).waitFor();
    assert.doesNotMatch(await ana.content(), /ready to lead/);
    await ana.goto(new URL(new URL(cyclePage).pathname, ana.url()).href);
    await ana.getByTestId("cycle-not-shown").waitFor();
    assert.equal(await ana.getByTestId("cycle-reviews").locator("tbody tr").count(), 1);
    assert.equal(await ana.getByRole("button", { name: "Download ratings (CSV)" }).isVisible(), false);
    await ben.goto(new URL(`/reviews/${anaReview}`, ben.url()).href);
    await ben.getByTestId("not-yours").waitFor();
    await hugo.getByRole("button", { name: "Download ratings (CSV)" }).waitFor();
    await hugo.goto(new URL(`/reviews/${anaReview}`, hugo.url()).href);
    await hugo.getByTestId("manager-assessment").filter({ hasText: "Maria's draft: ready to lead." }).waitFor({ timeout: 20_000 });
    await goTo(hugo, "People");
    assert.equal(await hugo.getByRole("button", { name: "Add person" }).count(), 0, "HR does not edit people");

    // The devices also link directly (the relay introduces members to one another).
    // With the relay gone, Hana's and Maria's devices, which hold both reviews and their
    // manager's sides, still give Ana's only what she may read.
    for (const page of [hana, maria, ana]) {
      await page.getByTestId("direct-status").waitFor({ timeout: 30_000 });
    }
    await everyPageFetched(hana);
    // What each page logged while the relay was up: nothing may be added to it but the
    // browser's own lines for the relay refusing the devices that try to reach it again.
    const beforeCrash = errors.map((logged) => logged.length);
    await relay.crash();
    crashed = true;
    await goTo(hana, "Settings");
    await hana.getByRole("form", { name: "Organisation" }).getByLabel("Name").fill("Need Co Ltd");
    await hana.getByRole("button", { name: "Save name" }).click();
    await ana.getByTestId("org-name").filter({ hasText: "Need Co Ltd" }).waitFor({ timeout: 30_000 });
    // Maria goes on drafting: it reaches Hana (HR) over their link, and not Ana.
    await maria.getByLabel("Manager assessment").fill("Maria's draft: ready to lead, offline.");
    // (In the app: the relay serves the pages, and it is down.)
    await goTo(hana, "Reviews");
    await hana.getByTestId("cycles").getByRole("link", { name: "2026 review" }).click();
    await rows.filter({ hasText: "Ana Lima" }).getByRole("link").click();
    await hana.getByTestId("manager-assessment").filter({ hasText: "ready to lead, offline." }).waitFor({ timeout: 30_000 });
    const linked = await storedDocumentIds(ana);
    assert.ok(!linked.includes(benReview), `nothing of Ben's review over a link (${linked})`);
    for (const side of sides) assert.ok(!linked.includes(side), `no manager's side over a link (${linked})`);
    await goTo(ana, "Reviews");
    await ana.getByTestId("my-reviews").getByRole("link", { name: "Ana Lima (you)" }).click();
    await ana.getByTestId("manager-assessment").filter({ hasText: "Shown to you once the review is shared." }).waitFor();

    // Each device tries the relay again after a back-off; on a slow machine an attempt
    // falls before this point, and the browser logs the refused connection.
    const unexpected = errors.map((logged, page) =>
      logged.filter((line, n) => n < beforeCrash[page] || !RELAY_REFUSED.test(line)),
    );
    assert.deepEqual(unexpected, errors.map(() => []), "no page logged errors, but for the crashed relay's refusals");
  } finally {
    for (const context of contexts) await context.close();
    if (crashed) await relay.restart();
    await relay.stop();
  }
});
