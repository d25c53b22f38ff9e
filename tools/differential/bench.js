#!/usr/bin/env node
'use strict';
// Throughput: the same requests against one scenario, decided by the oracle
// in-process (a loop in Node) and by `iamz eval --requests` as a whole process.
// See README.md, "Throughput".

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { Rng } = require('./lib/prng');
const { toIamz, toOracle } = require('./lib/translate');
const { NOW } = require('./lib/generate');
const { oracleModule } = require('./lib/run');

function parseArgs(argv) {
  const a = { iamz: process.env.IAMZ || 'iamz', requests: 100000, sizes: [10000, 50000, 100000], out: 'out/bench', seed: 7 };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    if (k === '--iamz') a.iamz = v();
    else if (k === '--requests') a.requests = Number(v());
    else if (k === '--sizes') a.sizes = v().split(',').map(Number);
    else if (k === '--out') a.out = v();
    else if (k === '--seed') a.seed = Number(v());
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

// One realistic scenario: a role session in a member account reading a
// bucket of another member account, with identity policy, bucket policy,
// an SCP and an RCP.
const SCENARIO = {
  id: 'bench',
  principal: {
    kind: 'session',
    account: '111111111111',
    arn: 'arn:aws:sts::111111111111:assumed-role/Analyst/alice',
    role_arn: 'arn:aws:iam::111111111111:role/team/Analyst',
    tags: { team: 'payments' }
  },
  identity: [
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadWriteReports', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:GetObjectTagging'], Resource: 'arn:aws:s3:::bucket-2/*' },
        { Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
        { Sid: 'OfficeOnly', Effect: 'Deny', Action: 's3:PutObject', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } } }
      ]
    }
  ],
  boundary: null,
  session: null,
  endpoint: null,
  resource: {
    type: 's3-object',
    arn: 'arn:aws:s3:::bucket-2/reports/q3.csv',
    account: '222222222222',
    kind: null,
    kind_given: false,
    tags: null,
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AnalystsRead',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:role/team/Analyst' },
          Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:PutObject'],
          Resource: 'arn:aws:s3:::bucket-2/*',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcd123456', 'aws:PrincipalTag/team': 'payments' } }
        }
      ]
    }
  },
  org: {
    scps: { 'ou-ab12-11111111': ['FullAWSAccess', 'EuOnly'] },
    rcps: { 'r-ab12': ['RCPFullAWSAccess', 'EnforceTls'] },
    policies: {
      EuOnly: {
        Version: '2012-10-17',
        Statement: [{ Sid: 'EuOnly', Effect: 'Deny', NotAction: ['iam:*', 'sts:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } } }]
      },
      EnforceTls: {
        Version: '2012-10-17',
        Statement: [{ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: ['s3:*', 'sqs:*', 'kms:*'], Resource: '*', Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } }]
      }
    }
  },
  action: 's3:GetObject',
  context: {}
};

function genRequests(n, seed) {
  const rng = new Rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const context = {
      'aws:SourceIp': rng.pick(['203.0.113.7', '203.0.113.200', '198.51.100.9', '2001:db8::17', '192.0.2.44']),
      'aws:RequestedRegion': rng.pick(['eu-west-1', 'eu-central-1', 'us-east-1'])
    };
    if (rng.chance(0.1)) context['aws:SecureTransport'] = 'false';
    if (rng.chance(0.3)) context['aws:MultiFactorAuthPresent'] = rng.pick(['true', 'false']);
    out.push({
      id: `req-${String(i).padStart(6, '0')}`,
      principal: SCENARIO.principal.arn,
      action: rng.pick(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging']),
      resource: SCENARIO.resource.arn,
      context
    });
  }
  return out;
}

const ORACLE_DECISION = { Allowed: 'Allow', ExplicitlyDenied: 'ExplicitDeny', ImplicitlyDenied: 'ImplicitDeny' };

async function main() {
  const args = parseArgs(process.argv);
  fs.mkdirSync(args.out, { recursive: true });
  const scenarioFile = path.join(args.out, 'scenario.json');
  fs.writeFileSync(scenarioFile, JSON.stringify(toIamz(SCENARIO), null, 2) + '\n');
  const requests = genRequests(args.requests, args.seed);

  // the oracle, in-process
  const { runSimulation } = oracleModule();
  const sims = requests.map((q) => toOracle({ ...SCENARIO, action: q.action, context: q.context }));
  for (let i = 0; i < 200; i++) await runSimulation(sims[i % sims.length], {}); // warm-up
  const t0 = process.hrtime.bigint();
  const oracleDecisions = new Array(sims.length);
  for (let i = 0; i < sims.length; i++) {
    const r = await runSimulation(sims[i], {});
    oracleDecisions[i] = r.resultType === 'error' ? 'Error' : ORACLE_DECISION[r.overallResult];
  }
  const oracleSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  const oracleRate = sims.length / oracleSecs;
  console.log(`oracle (runSimulation, in-process loop): ${sims.length} requests in ${oracleSecs.toFixed(2)} s = ${Math.round(oracleRate)} decisions/s`);

  // iamz, whole process, JSON out
  const results = [];
  for (const n of args.sizes) {
    const file = path.join(args.out, `requests-${n}.jsonl`);
    fs.writeFileSync(file, requests.slice(0, n).map((q) => JSON.stringify(q)).join('\n') + '\n');
    const bytes = fs.statSync(file).size;
    const cmd = [args.iamz, 'eval', scenarioFile, '--requests', file, '--format', 'json', '--now', String(NOW)];
    const t1 = process.hrtime.bigint();
    const r = spawnSync(cmd[0], cmd.slice(1), { maxBuffer: 1 << 30, encoding: 'utf8' });
    const secs = Number(process.hrtime.bigint() - t1) / 1e9;
    const lines = r.stdout ? r.stdout.split('\n').filter((l) => l.startsWith('{')) : [];
    const decided = lines.filter((l) => l.includes('"decision"')).length;
    let agree = 0;
    lines.forEach((l, i) => {
      const j = JSON.parse(l);
      if (j.decision === oracleDecisions[i]) agree++;
    });
    const entry = { requests: n, bytes, exit: r.status, seconds: secs, decided, agree_with_oracle: agree, stderr: (r.stderr || '').trim().split('\n')[0] };
    if (decided === n) entry.rate = n / secs;
    results.push(entry);
    console.log(
      `iamz ${n} requests (${(bytes / 1048576).toFixed(1)} MiB): exit ${r.status}, ${secs.toFixed(3)} s` +
        (decided === n ? `, ${Math.round(n / secs)} decisions/s, same decision as the oracle on ${agree}/${n}, ratio to the oracle ${(n / secs / oracleRate).toFixed(1)}x` : `, decided ${decided}: ${entry.stderr}`)
    );
    console.log(`  command: ${cmd.join(' ')} > out.jsonl`);
  }
  fs.writeFileSync(path.join(args.out, 'bench.json'), JSON.stringify({ oracle: { requests: sims.length, seconds: oracleSecs, rate: oracleRate }, iamz: results }, null, 2) + '\n');
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
