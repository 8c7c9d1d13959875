// The CouchDB-protocol peer for bench/sync_push.py: a PouchDB client (LevelDB on disk, like a
// phone's IndexedDB) replicates the same household documents into pouchdb-server on loopback.
// Usage: node replicate.js <docs.json> <server url> <batch size>; prints one JSON line.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const PouchDB = require("pouchdb");

async function main() {
  const [docsFile, server, batch] = process.argv.slice(2);
  const docs = JSON.parse(fs.readFileSync(docsFile, "utf8"));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ruhu-pouch-"));
  const local = new PouchDB(path.join(dir, "phone"));
  const remote = new PouchDB(`${server}/households`);
  for (let i = 0; i < docs.length; i += 1000) {
    await local.bulkDocs(docs.slice(i, i + 1000)); // the phone's outbox, filled beforehand
  }
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const result = await local.replicate.to(remote, { batch_size: Number(batch) || 200 });
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const info = await remote.info();
  console.log(JSON.stringify({
    docs: docs.length, written: result.docs_written, remote_count: info.doc_count,
    seconds, docs_per_second: docs.length / seconds, ok: result.ok,
    client_cpu_ms: (cpu.user + cpu.system) / 1000,
  }));
  await local.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
