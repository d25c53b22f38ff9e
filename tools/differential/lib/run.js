'use strict';
// Running both sides on one case.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFile } = require('child_process');
const { toIamz, toOracle } = require('./translate');
const { NOW } = require('./generate');

let simulate = null;
function oracleModule() {
  if (!simulate) {
    try {
      simulate = require('@cloud-copilot/iam-simulate');
    } catch (e) {
      throw new Error(
        'the oracle is not installed: run `npm install` in tools/differential (see README.md)\n' + e.message
      );
    }
  }
  return simulate;
}

const ORACLE_DECISION = { Allowed: 'Allow', ExplicitlyDenied: 'ExplicitDeny', ImplicitlyDenied: 'ImplicitDeny' };

async function runOracle(c) {
  const { runSimulation } = oracleModule();
  let res;
  try {
    res = await runSimulation(toOracle(c), {});
  } catch (e) {
    return { decision: 'Error', error: 'exception: ' + e.message };
  }
  if (res.resultType === 'error') {
    return { decision: 'Error', error: res.errors.message, errors: res.errors };
  }
  const out = { decision: ORACLE_DECISION[res.overallResult] || res.overallResult };
  if (res.resultType === 'single') {
    if (res.result.ignoredContextKeys && res.result.ignoredContextKeys.length) out.ignored = res.result.ignoredContextKeys;
    const a = res.result.analysis;
    if (a && a.blockedBy) out.blockedBy = a.blockedBy;
  }
  return out;
}

let tmpRoot = null;
let counter = 0;
function scratchDir() {
  if (!tmpRoot) tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'iamz-differential-'));
  return tmpRoot;
}

function execIamz(iamz, args) {
  return new Promise((resolve) => {
    execFile(iamz, args, { maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

async function runIamz(iamz, c) {
  const file = path.join(scratchDir(), `case-${process.pid}-${counter++}.json`);
  fs.writeFileSync(file, JSON.stringify(toIamz(c)));
  const r = await execIamz(iamz, ['eval', file, '--format', 'json', '--now', String(NOW)]);
  fs.unlinkSync(file);
  const line = r.stdout.split('\n').find((l) => l.trim().startsWith('{'));
  if (r.code !== 0 || !line) {
    const err = r.stderr.split('\n').find((l) => l.startsWith('error:')) || r.stderr.trim();
    return { decision: 'Error', error: err.replace(/^error: [^ ]*case-[0-9-]+\.json:?/, 'error:') };
  }
  const j = JSON.parse(line);
  const out = { decision: j.decision, explanation: j.explanation };
  if (j.warnings) out.warnings = j.warnings;
  const warn = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
  if (warn.length) out.parseWarnings = warn.map((l) => l.replace(/^warning: [^ ]*case-[0-9-]+\.json:?/, 'warning:'));
  return out;
}

async function runBoth(iamz, c) {
  const [a, b] = await Promise.all([runIamz(iamz, c), runOracle(c)]);
  return { iamz: a, oracle: b };
}

// Run fn over items with at most `limit` in flight.
async function pool(items, limit, fn, onProgress) {
  const results = new Array(items.length);
  let next = 0;
  let done = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
      done++;
      if (onProgress) onProgress(done, items.length);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

module.exports = { runOracle, runIamz, runBoth, pool, execIamz, oracleModule };
