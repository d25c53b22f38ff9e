#!/usr/bin/env node
'use strict';
// Differential test of `iamz eval` against @cloud-copilot/iam-simulate.
// See README.md for what it does and how to run it.

const fs = require('fs');
const path = require('path');
const { generateCase } = require('./lib/generate');
const { runBoth, pool } = require('./lib/run');
const { shrink } = require('./lib/shrink');
const { classify, CATEGORIES } = require('./lib/classify');
const { toIamz, toOracle } = require('./lib/translate');

function parseArgs(argv) {
  const a = { seed: 1, cases: 6000, jobs: 2, out: 'out', fixed: true, shrink: true, iamz: process.env.IAMZ || 'iamz' };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    if (k === '--iamz') a.iamz = v();
    else if (k === '--seed') a.seed = Number(v());
    else if (k === '--cases') a.cases = Number(v());
    else if (k === '--jobs') a.jobs = Number(v());
    else if (k === '--out') a.out = v();
    else if (k === '--no-fixed') a.fixed = false;
    else if (k === '--no-shrink') a.shrink = false;
    else if (k === '--help' || k === '-h') {
      console.log('usage: node differential.js --iamz PATH [--seed N] [--cases N] [--jobs N] [--out DIR] [--no-fixed] [--no-shrink]');
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

function loadFixed() {
  const dir = path.join(__dirname, 'fixed');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const j = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      const c = Object.assign(
        { identity: [], boundary: null, session: null, endpoint: null, org: null, context: {} },
        j.case,
        { id: 'fixed-' + f.replace(/\.json$/, '') }
      );
      c.resource = Object.assign({ kind: null, kind_given: false, policy: null, tags: null, type: 'fixed' }, c.resource);
      return { case: c, title: j.title, issue_item: j.issue_item, aws: j.aws };
    });
}

function writeMinimal(dir, entry) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'case.json'), JSON.stringify(entry.case, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify(toIamz(entry.case), null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'oracle-input.json'), JSON.stringify(toOracle(entry.case), null, 2) + '\n');
  const outcome = { iamz: entry.result.iamz, oracle: entry.result.oracle };
  fs.writeFileSync(path.join(dir, 'outcome.json'), JSON.stringify(outcome, null, 2) + '\n');
}

async function main() {
  const args = parseArgs(process.argv);
  const evaluate = (c) => runBoth(args.iamz, c);
  fs.mkdirSync(args.out, { recursive: true });
  const t0 = Date.now();

  const random = Array.from({ length: args.cases }, (_, i) => generateCase(args.seed, i));
  let last = 0;
  const results = await pool(random, args.jobs, evaluate, (d, n) => {
    if (d - last >= 1000 || d === n) {
      last = d;
      process.stderr.write(`  ran ${d}/${n}\n`);
    }
  });

  const tally = {};
  const diffs = [];
  results.forEach((r, i) => {
    const k = `${r.iamz.decision} / ${r.oracle.decision}`;
    tally[k] = (tally[k] || 0) + 1;
    if (r.iamz.decision !== r.oracle.decision) diffs.push({ case: random[i], result: r });
  });
  const agree = results.length - diffs.length;
  process.stderr.write(`  ${diffs.length} differences; shrinking and classifying\n`);

  // shrink and classify every difference
  const classified = await pool(diffs, args.jobs, async (d) => {
    const m = args.shrink ? await shrink(d.case, d.result, evaluate) : { case: d.case, result: d.result, steps: 0 };
    const cls = await classify(m.case, m.result, evaluate);
    return { id: d.case.id, original: d.result, minimal: m.case, minimalResult: m.result, ...cls };
  });

  const byCat = {};
  for (const x of classified) {
    (byCat[x.category] = byCat[x.category] || []).push(x);
  }
  const minimalDir = path.join(args.out, 'minimal');
  const summary = [];
  for (const [cat, list] of Object.entries(byCat).sort((a, b) => b[1].length - a[1].length)) {
    const best = list.slice().sort((a, b) => JSON.stringify(a.minimal).length - JSON.stringify(b.minimal).length)[0];
    const dir = path.join(minimalDir, cat.replace(/[^A-Za-z0-9_-]+/g, '_'));
    writeMinimal(dir, { case: best.minimal, result: best.minimalResult });
    const pairs = {};
    for (const x of list) {
      const k = `${x.original.iamz.decision} / ${x.original.oracle.decision}`;
      pairs[k] = (pairs[k] || 0) + 1;
    }
    const meta = CATEGORIES.find((c) => c.id === cat);
    summary.push({
      category: cat,
      title: meta ? meta.title : cat,
      count: list.length,
      confirmed: list.filter((x) => x.confirmed).length,
      pairs,
      minimal: dir,
      minimal_iamz: best.minimalResult.iamz.decision,
      minimal_oracle: best.minimalResult.oracle.decision,
      ids: list.map((x) => x.id)
    });
  }

  // fixed cases
  const fixed = [];
  if (args.fixed) {
    for (const f of loadFixed()) {
      const r = await evaluate(f.case);
      fixed.push({ id: f.case.id, title: f.title, issue_item: f.issue_item, aws: f.aws, iamz: r.iamz, oracle: r.oracle });
      writeMinimal(path.join(args.out, 'fixed', f.case.id), { case: f.case, result: r });
    }
  }

  const report = {
    seed: args.seed,
    cases: results.length,
    agree,
    agreement: agree / results.length,
    tally,
    categories: summary,
    fixed,
    seconds: (Date.now() - t0) / 1000
  };
  fs.writeFileSync(path.join(args.out, 'summary.json'), JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(
    path.join(args.out, 'differences.jsonl'),
    classified.map((x) => JSON.stringify({ id: x.id, category: x.category, confirmed: x.confirmed, iamz: x.original.iamz.decision, oracle: x.original.oracle.decision, minimal: x.minimal })).join('\n') + '\n'
  );

  console.log(`cases: ${results.length}  agree: ${agree}  (${((100 * agree) / results.length).toFixed(2)}%)  seed ${args.seed}`);
  console.log('decision pairs (iamz / oracle):');
  for (const [k, v] of Object.entries(tally).sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(6)}  ${k}`);
  console.log('categories of difference:');
  for (const s of summary) {
    console.log(`  ${String(s.count).padStart(6)}  ${s.category}  (confirmed by experiment: ${s.confirmed})  minimal: ${s.minimal}  [${s.minimal_iamz} / ${s.minimal_oracle}]`);
  }
  if (fixed.length) {
    console.log('fixed cases (iamz / oracle / AWS documents):');
    for (const f of fixed) console.log(`  ${f.id}: ${f.iamz.decision} / ${f.oracle.decision} / ${f.aws}`);
  }
  console.log(`(${report.seconds.toFixed(1)} s; details in ${path.join(args.out, 'summary.json')})`);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
