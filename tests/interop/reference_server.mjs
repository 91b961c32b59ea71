// The JavaScript reference sync server, as automerge-repo's sync server runs it: a Repo
// with the Node.js WebSocket server adapter and filesystem storage, announcing nothing.
// Prints "listening <port>" once clients may connect; stops on SIGTERM.
//
//   node tests/interop/reference_server.mjs <data dir>
import http from "node:http";
import { setImmediate } from "node:timers/promises";
import { WebSocketServer } from "ws";
import { Repo } from "@automerge/automerge-repo";
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";

const dataDir = process.argv[2];
if (!dataDir) {
  console.error("usage: node tests/interop/reference_server.mjs <data dir>");
  process.exit(2);
}
const server = http.createServer();
const sockets = new WebSocketServer({ server });
const repo = new Repo({
  network: [new NodeWSServerAdapter(sockets)],
  storage: new NodeFSStorageAdapter(dataDir),
  peerId: "reference-server",
  sharePolicy: async () => false,
});
// The adapter starts listening for connections only once the repo's storage id is
// loaded; a join arriving before that would go unanswered. So listen after it.
await repo.networkSubsystem.peerMetadata;
await setImmediate();
server.listen(0, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
process.on("SIGTERM", async () => {
  for (const adapter of repo.networkSubsystem.adapters) adapter.disconnect();
  // Only documents that arrived can be flushed (a handle still waiting throws).
  const ready = Object.values(repo.handles).filter((h) => h.isReady());
  await repo.flush(ready.map((h) => h.documentId));
  sockets.close();
  server.close(() => process.exit(0));
});
