// The benchmark's peer: sharp on libvips compiled to wasm32 (@img/sharp-wasm32), run over the
// jobs `examples/bench.rs` gives it, on one thread as Tailor runs in Viceroy.
//   node scripts/sharp-peer/peer.js jobs.json ~/.cache/tailor-sharp-peer  ->  [{"ms", "bytes"}, ...]
// (sharp is loaded from the folder given, where scripts/install-sharp-peer.sh put it: the
// project's own node_modules hold wrangler's native sharp, which must not be the one timed)
// jobs.json: [{"file", "width", "format": "jpeg"|"png"|"webp", "quality", "runs"}, ...]
'use strict';
const fs = require('fs');
const sharp = require(require.resolve('sharp', { paths: [process.argv[3]] }));

// The native binding lists no emscripten: refuse to compare against native libvips by accident.
if (!sharp.versions.emscripten) {
  console.error('sharp loaded its native binding, not @img/sharp-wasm32');
  process.exit(2);
}
sharp.concurrency(1);
sharp.cache(false);

async function once(input, job) {
  // Upright (EXIF orientation), fitted to the width, never enlarged, metadata dropped: what a
  // Tailor named variant does.
  let pipeline = sharp(input).rotate().resize({ width: job.width, withoutEnlargement: true });
  if (job.format === 'webp') pipeline = pipeline.webp({ quality: job.quality });
  else if (job.format === 'png') pipeline = pipeline.png();
  else pipeline = pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: job.quality });
  const start = process.hrtime.bigint();
  const out = await pipeline.toBuffer();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, bytes: out.length };
}

async function main() {
  const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const results = [];
  for (const job of jobs) {
    const input = fs.readFileSync(job.file);
    await once(input, job); // warm-up: compiles nothing twice, fills the allocator
    const runs = [];
    let bytes = 0;
    for (let i = 0; i < job.runs; i++) {
      const r = await once(input, job);
      runs.push(r.ms);
      bytes = r.bytes;
    }
    runs.sort((a, b) => a - b);
    results.push({ ms: runs[Math.floor(runs.length / 2)], bytes });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
