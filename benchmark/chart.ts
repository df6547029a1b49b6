// Draws benchmark/chart.svg from the last full runs (results.json, latency.json, pubsub.json): one
// horizontal bar per workload, the ratio zeromq-rs / zeromq.js (messages per second; for latency
// and the slow-joiner time, zeromq.js's figure over ours, so right of 1× is better everywhere).
// The title names the machine and date of results.json; the other files may be from other runs
// (their dates are in them). `npm run bench:chart`.
import * as fs from "node:fs"
import * as path from "node:path"

interface Row {
  label: string
  ratio: number
}

function readJson(file: string): Record<string, unknown> | undefined {
  const full = path.join(__dirname, file)
  return fs.existsSync(full) ? JSON.parse(fs.readFileSync(full, "utf8")) : undefined
}

const rows: Row[] = []
const results = readJson("results.json") as
  | { date: string; machine: string; rows: { mode: string; transport: string; size: number; ours: { msgsPerSec: number }; zeromqjs: { msgsPerSec: number } }[] }
  | undefined
if (results === undefined) {
  console.error("benchmark/results.json is missing: run `npm run bench` first")
  process.exit(1)
}
for (const r of results.rows) {
  const size = r.size >= 1024 ? `${r.size / 1024} KiB` : `${r.size} B`
  rows.push({ label: `${r.mode} · ${r.transport} · ${size}`, ratio: r.ours.msgsPerSec / r.zeromqjs.msgsPerSec })
}
const latency = readJson("latency.json") as { row?: { ours: { p50: number }; zeromqjs: { p50: number } } } | undefined
if (latency?.row) {
  const r = latency.row
  rows.push({ label: "req→rep round trip · tcp · 16 B (1 / p50)", ratio: r.zeromqjs.p50 / r.ours.p50 })
}
const pubsub = readJson("pubsub.json") as
  | { fanOut?: { ours: { msgsPerSec: number }; zeromqjs: { msgsPerSec: number } }; slowJoiner?: { ours: { ms: number }; zeromqjs: { ms: number } } }
  | undefined
if (pubsub?.fanOut) {
  const r = pubsub.fanOut
  rows.push({ label: "pub → 4 sub processes · tcp · 256 B delivered", ratio: r.ours.msgsPerSec / r.zeromqjs.msgsPerSec })
}
if (pubsub?.slowJoiner) {
  const r = pubsub.slowJoiner
  rows.push({ label: "syncpub 1M → 10 subs · tcp (1 / time)", ratio: r.zeromqjs.ms / r.ours.ms })
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;")
const barH = 18
const gap = 6
const left = 330
const width = 820
const top = 40
const maxRatio = Math.max(2, ...rows.map((r) => r.ratio))
const scale = (width - left - 60) / maxRatio
const height = top + rows.length * (barH + gap) + 30
const parts: string[] = []
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`)
parts.push(`<rect width="100%" height="100%" fill="white"/>`)
parts.push(
  `<text x="10" y="20" font-size="14" font-weight="bold">zeromq-rs / zeromq.js (right of 1× is better) — ${escape(results.machine)}, ${results.date.slice(0, 10)}</text>`,
)
rows.forEach((r, i) => {
  const y = top + i * (barH + gap)
  const w = Math.max(1, r.ratio * scale)
  const colour = r.ratio >= 1 ? "#2a7ab0" : "#c0504d"
  parts.push(`<text x="${left - 8}" y="${y + 13}" text-anchor="end">${escape(r.label)}</text>`)
  parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${colour}"/>`)
  parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + 13}">${r.ratio.toFixed(2)}×</text>`)
})
const oneX = left + scale
parts.push(`<line x1="${oneX}" y1="${top - 6}" x2="${oneX}" y2="${height - 24}" stroke="black" stroke-dasharray="4 3"/>`)
parts.push(`<text x="${oneX}" y="${height - 10}" text-anchor="middle">1×</text>`)
parts.push("</svg>")
fs.writeFileSync(path.join(__dirname, "chart.svg"), parts.join("\n") + "\n")
console.log(`benchmark/chart.svg: ${rows.length} workloads`)
