'use strict';
// Random cases in the harness's own neutral format (see README.md, "Case
// format"). translate.js turns one case into an iamz scenario and into the
// oracle's simulation input.

const { Rng, caseSeed } = require('./prng');
const W = require('./world');

const NOW = 1790000000; // 2026-09-21T14:13:20Z, passed to iamz as --now

// ---------------------------------------------------------------------------
// Principals

function genPrincipal(rng) {
  const kind = rng.weighted([
    [28, 'user'],
    [28, 'session'],
    [6, 'root'],
    [8, 'service'],
    [7, 'anonymous'],
    [4, 'provider'],
    [5, 'federated-user'],
    [3, 'slr']
  ]);
  const account = rng.weighted([
    [55, W.A1],
    [20, W.A2],
    [15, W.A3],
    [10, W.MGMT]
  ]);
  const tags = () =>
    rng.chance(0.6) ? { team: rng.pick(W.TAG_VALUES.team), env: rng.pick(W.TAG_VALUES.env) } : null;
  switch (kind) {
    case 'user': {
      const name = rng.pick(W.USERS);
      const path = rng.chance(0.3) ? '/dev/' : '/';
      return { kind, account, arn: `arn:aws:iam::${account}:user${path}${name}`, name, tags: tags() };
    }
    case 'session': {
      const role = rng.pick(W.ROLES);
      const session = rng.pick(W.SESSIONS);
      return {
        kind,
        account,
        arn: `arn:aws:sts::${account}:assumed-role/${role.name}/${session}`,
        role_arn: `arn:aws:iam::${account}:role${role.path}${role.name}`,
        tags: tags()
      };
    }
    case 'slr':
      return {
        kind,
        account,
        arn: `arn:aws:sts::${account}:assumed-role/AWSServiceRoleForElasticMapReduce/emr-session`,
        role_arn: `arn:aws:iam::${account}:role/aws-service-role/elasticmapreduce.amazonaws.com/AWSServiceRoleForElasticMapReduce`,
        tags: null
      };
    case 'root':
      return { kind, account, arn: `arn:aws:iam::${account}:root`, tags: null };
    case 'federated-user':
      return { kind, account, arn: `arn:aws:sts::${account}:federated-user/${rng.pick(W.USERS)}`, tags: tags() };
    case 'service':
      return { kind, account: null, arn: rng.pick(W.SERVICES), tags: null };
    case 'anonymous':
      return { kind, account: null, arn: 'anonymous', tags: null };
    case 'provider':
      return { kind, account: null, arn: rng.pick(W.PROVIDERS), tags: null };
  }
  throw new Error(kind);
}

function hasIdentitySide(p) {
  return ['user', 'session', 'slr', 'root', 'federated-user'].includes(p.kind);
}

// ---------------------------------------------------------------------------
// Conditions

const COND = [
  { key: 'aws:SourceIp', ops: ['IpAddress', 'NotIpAddress'], vals: ['203.0.113.0/24', '10.0.0.0/8', '198.51.100.7', '2001:db8::/32'] },
  { key: 'aws:RequestedRegion', ops: ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike'], vals: ['us-east-1', 'eu-west-1', 'eu-*'] },
  { key: 'aws:SecureTransport', ops: ['Bool'], vals: ['false', 'true'], single: true },
  { key: 'aws:MultiFactorAuthPresent', ops: ['Bool'], vals: ['true', 'false'], single: true },
  { key: 'aws:MultiFactorAuthAge', ops: ['NumericLessThan', 'NumericGreaterThan', 'NumericLessThanEquals'], vals: ['3600', '300'] },
  { key: 'aws:CurrentTime', ops: ['DateGreaterThan', 'DateLessThan'], vals: ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', '2026-09-21'] },
  { key: 'aws:EpochTime', ops: ['NumericGreaterThan', 'NumericLessThan', 'DateGreaterThan'], vals: ['1780000000', '1800000000'] },
  { key: 'aws:TokenIssueTime', ops: ['DateGreaterThan', 'DateLessThanEquals'], vals: ['2026-09-01T00:00:00Z'] },
  { key: 'aws:PrincipalTag/team', ops: ['StringEquals', 'StringEqualsIgnoreCase', 'StringNotEquals', 'StringLike'], vals: ['payments', 'data', 'pay*'] },
  { key: 'aws:ResourceTag/env', ops: ['StringEquals', 'StringNotEquals'], vals: ['prod', 'dev'] },
  { key: 'aws:ResourceTag/team', ops: ['StringEquals'], vals: ['${aws:PrincipalTag/team}'] },
  { key: 'aws:PrincipalOrgID', ops: ['StringEquals', 'StringNotEquals'], vals: [W.ORG_ID, 'o-other00000'] },
  {
    key: 'aws:PrincipalOrgPaths',
    ops: ['ForAnyValue:StringLike', 'ForAllValues:StringLike'],
    vals: [`${W.ORG_ID}/${W.ROOT_ID}/${W.OU_PROD}/*`, `${W.ORG_ID}/${W.ROOT_ID}/${W.OU_DEV}/*`]
  },
  { key: 'aws:PrincipalAccount', ops: ['StringEquals', 'StringNotEquals'], vals: [W.A1, W.A2, W.A3] },
  { key: 'aws:ResourceAccount', ops: ['StringEquals', 'StringNotEquals'], vals: [W.A1, W.A2, '${aws:PrincipalAccount}'] },
  { key: 'aws:ResourceOrgID', ops: ['StringEquals', 'StringNotEqualsIfExists'], vals: [W.ORG_ID, '${aws:PrincipalOrgID}'] },
  {
    key: 'aws:PrincipalArn',
    ops: ['ArnLike', 'ArnNotLike', 'ArnEquals', 'StringLike'],
    vals: ['arn:aws:iam::111111111111:role/team/*', 'arn:aws:iam::*:user/*', 'arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:role/Admin']
  },
  { key: 'aws:PrincipalType', ops: ['StringEquals', 'StringNotEquals'], vals: ['User', 'AssumedRole', 'Account', 'FederatedUser'] },
  { key: 'aws:PrincipalIsAWSService', ops: ['Bool'], vals: ['true', 'false'], single: true },
  { key: 'aws:PrincipalServiceName', ops: ['StringEquals'], vals: ['s3.amazonaws.com', 'sns.amazonaws.com'] },
  { key: 'aws:SourceVpce', ops: ['StringEquals', 'StringNotEquals'], vals: ['vpce-1a2b3c4d', 'vpce-9z9z9z9z'] },
  { key: 'aws:SourceAccount', ops: ['StringEquals'], vals: [W.A1, W.A2] },
  { key: 'aws:SourceArn', ops: ['ArnLike'], vals: ['arn:aws:sns:*:111111111111:*', 'arn:aws:s3:::bucket-1'] },
  {
    key: 'aws:TagKeys',
    ops: ['ForAllValues:StringEquals', 'ForAnyValue:StringLike', 'ForAnyValue:StringEquals', 'ForAllValues:StringNotLike', 'ForAnyValue:StringLike', 'StringEquals'],
    vals: ['team', 'env', 'secret*']
  },
  { key: 'aws:RequestTag/team', ops: ['StringEquals', 'StringNotEquals'], vals: ['payments', '${aws:PrincipalTag/team}'] },
  { key: 'aws:CalledVia', ops: ['ForAnyValue:StringEquals', 'ForAllValues:StringEquals'], vals: ['cloudformation.amazonaws.com', 'athena.amazonaws.com'] },
  { key: 'aws:username', ops: ['StringLike', 'StringEquals'], vals: ['a*', 'bob'] },
  { key: 'aws:ViaAWSService', ops: ['Bool'], vals: ['true', 'false'], single: true },
  { key: 'aws:userid', ops: ['StringLike'], vals: ['AROAEXAMPLE:*', 'AIDAEXAMPLE'] },
  {
    key: ['aws:MultiFactorAuthAge', 'aws:SourceVpce', 'aws:TagKeys', 'aws:PrincipalTag/team', 'aws:ResourceTag/env', 'aws:RequestTag/team'],
    ops: ['Null'],
    vals: ['true', 'false'],
    single: true
  },
  { key: 's3:prefix', ops: ['StringLike', 'StringEquals'], vals: ['home/${aws:username}/*', 'reports/'], actions: ['s3:ListBucket'] },
  { key: 's3:ExistingObjectTag/env', ops: ['StringEquals'], vals: ['prod'], types: ['s3-object'] },
  { key: 'kms:ViaService', ops: ['StringEquals', 'StringLike'], vals: ['s3.us-east-1.amazonaws.com', 's3.*.amazonaws.com'], types: ['kms-key'] },
  { key: 'sts:ExternalId', ops: ['StringEquals'], vals: ['ext-123'], actions: ['sts:AssumeRole'] }
];

const MULTI = new Set(['aws:tagkeys', 'aws:calledvia', 'aws:principalorgpaths']);

function genConditionEntry(rng, env) {
  const usable = COND.filter(
    (c) => (!c.actions || c.actions.includes(env.action)) && (!c.types || c.types.includes(env.resourceType))
  );
  const t = rng.pick(usable);
  const key = Array.isArray(t.key) ? rng.pick(t.key) : t.key;
  let op = rng.pick(t.ops);
  const multi = MULTI.has(key.toLowerCase());
  if (op !== 'Null') {
    if (!op.includes(':') && !multi && rng.chance(0.04)) {
      op = rng.pick(['ForAnyValue:', 'ForAllValues:']) + op; // set operator on a single-valued key
    }
    if (!op.endsWith('IfExists') && rng.chance(op.startsWith('ForAnyValue:') ? 0.25 : 0.14)) op += 'IfExists';
    if (rng.chance(0.002)) op = op.replace('Like', 'like').replace('Equals', 'equals'); // operator in another case
  }
  const values = t.single ? [rng.pick(t.vals)] : rng.some(t.vals, 1, 2);
  return { op, key, values: values.length === 1 && rng.chance(0.6) ? values[0] : values };
}

function genCondition(rng, env) {
  const cond = {};
  const n = rng.chance(0.7) ? 1 : 2;
  for (let i = 0; i < n; i++) {
    const { op, key, values } = genConditionEntry(rng, env);
    cond[op] = cond[op] || {};
    cond[op][key] = values;
  }
  return cond;
}

// ---------------------------------------------------------------------------
// Statement elements

function actionGlob(action) {
  const [svc, name] = action.split(':');
  return `${svc}:${name.slice(0, 3)}*`;
}

function genActions(rng, env) {
  const a = env.action;
  return rng.weighted([
    [35, [a]],
    [15, [a.split(':')[0] + ':*']],
    [10, ['*']],
    [15, [actionGlob(a)]],
    [15, [rng.pick(W.OTHER_ACTIONS.filter((x) => x !== a))]],
    [10, [a, rng.pick(W.OTHER_ACTIONS)]]
  ]);
}

function resourceGlobs(env) {
  const r = env.resource;
  if (r === '*') return ['*'];
  const parts = r.split(':');
  switch (env.resourceType) {
    case 's3-object': {
      const bucket = r.split(':::')[1].split('/')[0];
      return [`arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}/home/*`, `arn:aws:s3:::${bucket}*`];
    }
    case 's3-bucket':
      return [`${r}*`, 'arn:aws:s3:::bucket-?'];
    case 'iam-role':
    case 'iam-role-admin':
      return [`arn:aws:iam::${parts[4]}:role/*`, `arn:aws:iam::${parts[4]}:role/team/*`];
    default:
      return [`arn:aws:${parts[2]}:*:${parts[4]}:*`, `${parts.slice(0, 5).join(':')}:*`];
  }
}

function variableResources(env) {
  const r = env.resource;
  if (r === '*') return ['*'];
  switch (env.resourceType) {
    case 's3-object': {
      const bucket = r.split(':::')[1].split('/')[0];
      return [`arn:aws:s3:::${bucket}/home/\${aws:username}/*`, `arn:aws:s3:::${bucket}/\${aws:PrincipalTag/team}/*`];
    }
    case 'iam-role':
    case 'iam-role-admin':
      return ['arn:aws:iam::${aws:PrincipalAccount}:role/*'];
    default: {
      const parts = r.split(':');
      return [`arn:aws:${parts[2]}:*:\${aws:PrincipalAccount}:*`];
    }
  }
}

function unrelatedResource(env) {
  return env.resourceType.startsWith('s3') ? 'arn:aws:s3:::other-bucket/*' : 'arn:aws:sqs:us-east-1:444444444444:other';
}

function genResources(rng, env) {
  if (env.resource === '*') return rng.weighted([[85, ['*']], [15, ['arn:aws:s3:::bucket-1']]]);
  return rng.weighted([
    [30, ['*']],
    [25, [env.resource]],
    [20, [rng.pick(resourceGlobs(env))]],
    [10, [unrelatedResource(env)]],
    [10, [rng.pick(variableResources(env))]],
    [5, [env.resource, unrelatedResource(env)]]
  ]);
}

function principalEntry(rng, env) {
  const p = env.principal;
  const acct = rng.pick([p.account || W.A1, W.A1, W.A2, W.A3]);
  const options = [
    [8, '*'],
    [4, { AWS: '*' }],
    [10, { AWS: acct }],
    [6, { AWS: `arn:aws:iam::${acct}:root` }],
    [6, { AWS: `arn:aws:iam::${acct}:user/${rng.pick(W.USERS)}` }],
    [6, { AWS: `arn:aws:iam::${acct}:role/team/Analyst` }],
    [3, { Service: rng.pick(W.SERVICES) }]
  ];
  // entries naming the requester itself
  if (p.kind === 'user') options.push([14, { AWS: p.arn }]);
  if (p.kind === 'session' || p.kind === 'slr') {
    options.push([10, { AWS: p.role_arn }]);
    options.push([6, { AWS: p.arn }]);
  }
  if (p.kind === 'root') options.push([10, { AWS: p.arn }]);
  if (p.kind === 'federated-user') {
    options.push([8, { AWS: p.arn }]);
    options.push([4, { AWS: `arn:aws:iam::${p.account}:user/${p.arn.split('/').pop()}` }]);
  }
  if (p.kind === 'service') options.push([14, { Service: p.arn }]);
  if (p.kind === 'provider') options.push([20, { Federated: p.arn }]);
  if (p.account) options.push([8, { AWS: p.account }]);
  return rng.weighted(options);
}

function mergePrincipals(entries) {
  if (entries.some((e) => e === '*')) return '*';
  const out = {};
  for (const e of entries) {
    for (const [k, v] of Object.entries(e)) {
      out[k] = out[k] ? [].concat(out[k], v) : v;
    }
  }
  for (const k of Object.keys(out)) {
    if (Array.isArray(out[k])) out[k] = [...new Set(out[k])];
    if (Array.isArray(out[k]) && out[k].length === 1) out[k] = out[k][0];
  }
  return out;
}

// layer: identity | boundary | session | scp-deny | scp-allow | rcp | resource | trust | endpoint
function genStatement(rng, env, layer, index) {
  const st = {};
  if (rng.chance(0.5)) st.Sid = `S${index}`;
  const allowP = { identity: 0.85, boundary: 0.9, session: 0.9, 'scp-deny': 0, 'scp-allow': 1, rcp: 0, resource: 0.8, trust: 0.85, endpoint: 0.85 }[layer];
  st.Effect = rng.chance(allowP) ? 'Allow' : 'Deny';

  // Principal / NotPrincipal
  if (layer === 'rcp') st.Principal = '*';
  if (layer === 'resource' || layer === 'trust') {
    const r = rng.float();
    if (r < 0.88) {
      st.Principal = mergePrincipals(rng.chance(0.8) ? [principalEntry(rng, env)] : [principalEntry(rng, env), principalEntry(rng, env)]);
    } else if (r < 0.985) {
      if (rng.chance(0.7)) st.Effect = 'Deny';
      st.NotPrincipal = mergePrincipals(rng.chance(0.6) ? [principalEntry(rng, env)] : [principalEntry(rng, env), principalEntry(rng, env)]);
      if (st.NotPrincipal === '*') st.NotPrincipal = { AWS: env.principal.account || W.A1 };
    } // else: no principal element at all
  }
  if (layer === 'endpoint') st.Principal = rng.chance(0.92) ? '*' : mergePrincipals([principalEntry(rng, env)]);

  // Action / NotAction
  const acts = genActions(rng, env);
  if (layer !== 'rcp' && rng.chance(0.13)) {
    st.NotAction = rng.chance(0.5) ? [rng.pick(W.OTHER_ACTIONS)] : [actionGlob(env.action)];
  } else {
    st.Action = acts.length === 1 && rng.chance(0.5) ? acts[0] : acts;
  }
  if (layer === 'rcp' && [].concat(st.Action).includes('*')) {
    // RCP syntax: the Action element cannot be "*" alone
    st.Action = env.action.split(':')[0] + ':*';
  }
  if (layer === 'trust') {
    st.Action = rng.weighted([
      [60, env.action],
      [20, ['sts:AssumeRole', 'sts:TagSession']],
      [10, 'sts:*'],
      [10, 'sts:AssumeRoleWithSAML']
    ]);
    delete st.NotAction;
  }

  // Resource / NotResource
  if (layer !== 'trust' || rng.chance(0.1)) {
    const res = genResources(rng, env);
    if (layer !== 'rcp' && rng.chance(0.1)) st.NotResource = rng.chance(0.5) ? [unrelatedResource(env)] : [env.resource === '*' ? 'arn:aws:s3:::bucket-1' : env.resource];
    else st.Resource = res.length === 1 && rng.chance(0.5) ? res[0] : res;
  }

  const condP = { 'scp-allow': 0.2, 'scp-deny': 0.85, rcp: 0.9 }[layer] || (st.Effect === 'Deny' ? 0.6 : 0.4);
  if (rng.chance(condP)) st.Condition = genCondition(rng, env);
  return st;
}

function genPolicy(rng, env, layer, minSt, maxSt) {
  const n = rng.int(minSt, maxSt);
  const version = layer === 'rcp' ? '2012-10-17' : rng.weighted([
    [92, '2012-10-17'],
    [5, '2008-10-17'],
    [3, null]
  ]);
  const doc = {};
  if (version) doc.Version = version;
  doc.Statement = [];
  for (let i = 0; i < n; i++) doc.Statement.push(genStatement(rng, env, layer, i));
  return doc;
}

// ---------------------------------------------------------------------------
// Context

function genContext(rng, env) {
  const p = env.principal;
  const ctx = {};
  const maybe = (prob, key, values) => {
    if (rng.chance(prob)) ctx[key] = rng.pick(values);
  };
  maybe(0.35, 'aws:SourceIp', ['203.0.113.7', '10.1.2.3', '198.51.100.7', '2001:db8::1', '192.0.2.1']);
  maybe(0.4, 'aws:RequestedRegion', ['us-east-1', 'eu-west-1', 'eu-central-1']);
  maybe(0.15, 'aws:SecureTransport', ['false']);
  if (['user', 'session', 'federated-user', 'root'].includes(p.kind)) {
    maybe(0.3, 'aws:MultiFactorAuthPresent', ['true', 'false']);
    if (ctx['aws:MultiFactorAuthPresent'] === 'true') maybe(0.7, 'aws:MultiFactorAuthAge', ['120', '7200']);
    maybe(0.2, 'aws:TokenIssueTime', ['2026-09-10T10:00:00Z', '2026-08-01T00:00:00Z']);
  }
  if (p.kind === 'user') maybe(0.15, 'aws:userid', ['AIDAEXAMPLE']);
  if (p.kind === 'session') maybe(0.15, 'aws:userid', ['AROAEXAMPLE:' + p.arn.split('/').pop()]);
  if (env.endpoint) maybe(0.8, 'aws:SourceVpce', ['vpce-1a2b3c4d', 'vpce-9z9z9z9z']);
  else maybe(0.05, 'aws:SourceVpce', ['vpce-1a2b3c4d']);
  if (p.kind === 'service') {
    maybe(0.6, 'aws:SourceAccount', [W.A1, W.A2]);
    maybe(0.5, 'aws:SourceArn', ['arn:aws:sns:us-east-1:111111111111:topic-a', 'arn:aws:s3:::bucket-1']);
  }
  maybe(0.2, 'aws:TagKeys', [['team'], ['team', 'env'], ['secretx', 'team']]);
  maybe(0.15, 'aws:RequestTag/team', ['payments', 'data']);
  maybe(0.1, 'aws:CalledVia', [['cloudformation.amazonaws.com'], ['athena.amazonaws.com', 'cloudformation.amazonaws.com']]);
  maybe(0.1, 'aws:ViaAWSService', ['true', 'false']);
  maybe(0.05, 'aws:CurrentTime', ['2025-06-01T00:00:00Z']);
  if (env.action === 's3:ListBucket') maybe(0.5, 's3:prefix', ['home/alice/', 'home/bob/x', 'reports/']);
  if (env.resourceType === 'kms-key') maybe(0.3, 'kms:ViaService', ['s3.us-east-1.amazonaws.com', 'sqs.us-east-1.amazonaws.com']);
  if (env.action === 'sts:AssumeRole') maybe(0.3, 'sts:ExternalId', ['ext-123', 'other']);
  return ctx;
}

// ---------------------------------------------------------------------------
// Organization attachments

function genOrg(rng, env) {
  const policies = {};
  const scps = {};
  const rcps = {};
  let n = 0;
  const nodes = [];
  const walk = (node) => {
    nodes.push(node.id);
    (node.children || []).forEach(walk);
  };
  walk(W.TREE);
  for (const id of nodes) {
    const s = rng.weighted([
      [55, 'default'],
      [30, 'full+deny'],
      [10, 'allowlist'],
      [5, 'full']
    ]);
    if (s === 'full+deny') {
      const name = `scp-deny-${n++}`;
      policies[name] = genPolicy(rng, env, 'scp-deny', 1, 2);
      scps[id] = ['FullAWSAccess', name];
    } else if (s === 'allowlist') {
      const name = `scp-allow-${n++}`;
      policies[name] = genPolicy(rng, env, 'scp-allow', 1, 2);
      scps[id] = [name];
    } else if (s === 'full') {
      scps[id] = ['FullAWSAccess'];
    }
    const r = rng.weighted([
      [75, 'default'],
      [20, 'full+deny'],
      [5, 'deny-only']
    ]);
    if (r !== 'default') {
      const name = `rcp-deny-${n++}`;
      policies[name] = genPolicy(rng, env, 'rcp', 1, 2);
      rcps[id] = r === 'full+deny' ? ['RCPFullAWSAccess', name] : [name];
    }
  }
  return { scps, rcps, policies };
}

// ---------------------------------------------------------------------------
// One case

function generateCase(seed, index) {
  const rng = new Rng(caseSeed(seed, index));
  const principal = genPrincipal(rng);

  // resource and action
  let tmpl;
  if (principal.kind === 'provider') tmpl = W.RESOURCES.find((r) => r.type === 'iam-role');
  else if (principal.kind === 'anonymous' || principal.kind === 'service')
    tmpl = rng.pick(W.RESOURCES.filter((r) => r.rp && r.type !== 'iam-role'));
  else
    tmpl = rng.weighted(
      W.RESOURCES.map((r) => [{ 's3-object': 16, 's3-bucket': 6, 'kms-key': 10, 'iam-role': 10, 'wildcard-only': 5 }[r.type] || 7, r])
    );
  const resAccount = rng.weighted([
    [50, principal.account || W.A1],
    [25, W.A2],
    [15, W.A3],
    [10, W.MGMT]
  ]);
  let action = rng.pick(tmpl.actions);
  if (principal.kind === 'provider') action = 'sts:AssumeRoleWithWebIdentity';
  const resArn = tmpl.arn(resAccount, rng);
  const resource = {
    type: tmpl.type,
    arn: resArn,
    account: resArn === '*' ? principal.account || W.A1 : resAccount,
    kind: tmpl.kind || null,
    kind_given: tmpl.kind ? rng.chance(0.85) : false,
    policy: null,
    tags: resArn !== '*' && rng.chance(0.4) ? { env: rng.pick(W.TAG_VALUES.env), team: rng.pick(W.TAG_VALUES.team) } : null
  };
  const c = {
    id: `s${seed}-${index}`,
    principal,
    action,
    resource,
    identity: [],
    boundary: null,
    session: null,
    endpoint: null,
    org: null,
    context: {}
  };
  const env = { principal, action, resource: resArn, resourceType: tmpl.type };

  if (hasIdentitySide(principal)) {
    // identity policies cannot be attached to the root user
    const n = principal.kind === 'root' ? 0 : rng.weighted([[10, 0], [60, 1], [30, 2]]);
    for (let i = 0; i < n; i++) c.identity.push(genPolicy(rng, env, 'identity', 1, 3));
    if (['user', 'session'].includes(principal.kind) && rng.chance(0.15)) c.boundary = genPolicy(rng, env, 'boundary', 1, 2);
    if (principal.kind === 'session' && rng.chance(0.2)) c.session = genPolicy(rng, env, 'session', 1, 2);
    if (principal.kind === 'federated-user' && rng.chance(0.85)) c.session = genPolicy(rng, env, 'session', 1, 2);
  }
  if (tmpl.rp) {
    const p = tmpl.type === 'iam-role' ? 0.97 : tmpl.type === 'kms-key' ? 0.85 : principal.kind === 'anonymous' || principal.kind === 'service' ? 0.9 : 0.6;
    if (rng.chance(p)) c.resource.policy = genPolicy(rng, env, tmpl.type === 'iam-role' ? 'trust' : 'resource', 1, 3);
  }
  if (rng.chance(0.1)) {
    c.endpoint = genPolicy(rng, env, 'endpoint', 1, 2);
    env.endpoint = true;
  }
  if (rng.chance(0.75)) c.org = genOrg(rng, env);
  c.context = genContext(rng, env);
  return c;
}

module.exports = { generateCase, hasIdentitySide, NOW, COND };
