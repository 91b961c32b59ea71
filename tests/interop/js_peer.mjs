// A JavaScript automerge-repo client driven line by line on stdin, answering on stdout
// with one JSON object per line, for the interop tests (relay/tests/interop.rs).
//
//   node tests/interop/js_peer.mjs ws://127.0.0.1:PORT/sync
//
// Commands (one per line, fields separated by a tab):
//   create <text>               a new document {text}; answers {created: id} once the
//                               server holds it
//   find <id>                   answers {found: id, text}
//   change <id> <text>          sets text; answers {changed: id} once the server holds it
//   wait-text <id> <text>       answers {text} once the document's text is <text>
//   listen <id>                 from now on, {heard: data, from} for each ephemeral message
//   broadcast <id> <json>       sends the JSON value as an ephemeral message
//   quit
import readline from "node:readline";
import { Repo } from "@automerge/automerge-repo";
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

const url = process.argv[2];
const repo = new Repo({ network: [new BrowserWebSocketClientAdapter(url)], peerId: `js-peer-${process.pid}` });
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const handles = new Map();

async function handle(id) {
  if (!handles.has(id)) handles.set(id, await repo.find(`automerge:${id}`));
  return handles.get(id);
}

/** Resolves once the server (the peer we are connected to) reports our heads. */
async function heldByServer(h) {
  const server = () => repo.peers[0];
  const ours = () => JSON.stringify(h.heads());
  const theirs = () => {
    const peer = server();
    const storage = peer && repo.getStorageIdOfPeer(peer);
    const info = storage && h.getSyncInfo(storage);
    return info ? JSON.stringify(info.lastHeads) : undefined;
  };
  while (theirs() !== ours()) await new Promise((r) => setTimeout(r, 20));
}

// Automerge 3 reads a text object as a string and a scalar string (what Throughline's
// engine writes here) as an ImmutableString: both compare as their text.
const textOf = (doc) => (doc?.text == null ? null : String(doc.text));

const waiters = [];
function waitText(h, text) {
  return new Promise((resolve) => {
    const check = () => {
      if (textOf(h.doc()) === text) {
        h.off("change", check);
        resolve();
      }
    };
    h.on("change", check);
    check();
  });
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const [command, ...args] = line.split("\t");
  try {
    if (command === "create") {
      const h = repo.create();
      h.change((d) => {
        d.text = args[0];
      });
      handles.set(h.documentId, h);
      await heldByServer(h);
      say({ created: h.documentId });
    } else if (command === "find") {
      const h = await handle(args[0]);
      say({ found: args[0], text: textOf(h.doc()) });
    } else if (command === "change") {
      const h = await handle(args[0]);
      h.change((d) => {
        d.text = args[1];
      });
      await heldByServer(h);
      say({ changed: args[0] });
    } else if (command === "wait-text") {
      const h = await handle(args[0]);
      waiters.push(waitText(h, args[1]).then(() => say({ text: args[1] })));
    } else if (command === "listen") {
      const h = await handle(args[0]);
      h.on("ephemeral-message", ({ message, senderId }) => say({ heard: message, from: senderId }));
      say({ listening: args[0] });
    } else if (command === "broadcast") {
      const h = await handle(args[0]);
      h.broadcast(JSON.parse(args[1]));
      say({ broadcast: args[0] });
    } else if (command === "quit") {
      break;
    } else {
      say({ error: `unknown command ${command}` });
    }
  } catch (error) {
    say({ error: String(error?.message ?? error) });
  }
}
await repo.shutdown();
process.exit(0);
