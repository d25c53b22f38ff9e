'use strict';
// Categories of difference, each named after the rule that causes it.
//
// A category with `neutralize` is confirmed by an experiment: the construct
// is rewritten into a form both tools read alike, and the difference must
// disappear. A category without it is recognised by its shape alone, on the
// shrunk case (where only what the difference needs is left).

const { derivedContext } = require('./translate');

const clone = (x) => JSON.parse(JSON.stringify(x));

function allDocs(c) {
  const out = [];
  c.identity.forEach((d) => out.push(['identity', d]));
  if (c.boundary) out.push(['boundary', c.boundary]);
  if (c.session) out.push(['session', c.session]);
  if (c.resource.policy) out.push(['resource', c.resource.policy]);
  if (c.endpoint) out.push(['endpoint', c.endpoint]);
  if (c.org) for (const [n, d] of Object.entries(c.org.policies)) out.push([n.startsWith('rcp') ? 'rcp' : 'scp', d]);
  return out;
}

function allStatements(c) {
  const out = [];
  for (const [layer, d] of allDocs(c)) for (const st of d.Statement) out.push([layer, st, d]);
  return out;
}

function conditionEntries(st) {
  const out = [];
  for (const [op, block] of Object.entries(st.Condition || {})) {
    for (const [key, v] of Object.entries(block)) out.push({ op, key, values: [].concat(v) });
  }
  return out;
}

const CANON_OPS = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null'
];

function canonicalOp(op) {
  let rest = op;
  let prefix = '';
  const m = /^(forallvalues|foranyvalue):/i.exec(op);
  if (m) {
    prefix = m[1].toLowerCase() === 'forallvalues' ? 'ForAllValues:' : 'ForAnyValue:';
    rest = op.slice(m[0].length);
  }
  let suffix = '';
  if (/ifexists$/i.test(rest)) {
    suffix = 'IfExists';
    rest = rest.slice(0, -8);
  }
  const base = CANON_OPS.find((o) => o.toLowerCase() === rest.toLowerCase()) || rest;
  return prefix + base + suffix;
}

function mapConditions(c, fn) {
  const x = clone(c);
  for (const [, st] of allStatements(x)) {
    if (!st.Condition) continue;
    const next = {};
    for (const [op, block] of Object.entries(st.Condition)) {
      const nop = fn(op, block);
      next[nop] = Object.assign(next[nop] || {}, block);
    }
    st.Condition = next;
  }
  return x;
}

const VAR = /\$\{[^}]*\}/;

function resourceEntries(st) {
  return [].concat(st.Resource || [], st.NotResource || []);
}

// Split an ARN at its colons, except those inside ${…}.
function splitArn(arn) {
  const parts = [''];
  let depth = 0;
  for (let i = 0; i < arn.length; i++) {
    const ch = arn[i];
    if (ch === '$' && arn[i + 1] === '{') depth++;
    if (ch === '}' && depth > 0) depth--;
    if (ch === ':' && depth === 0 && parts.length < 6) parts.push('');
    else parts[parts.length - 1] += ch;
  }
  return parts;
}

function variableOutsideResourcePart(arn) {
  if (!arn.startsWith('arn:')) return false;
  return splitArn(arn).slice(0, 5).some((p) => VAR.test(p));
}

function keyPresent(c, key) {
  const ctx = derivedContext(c);
  const k = Object.keys(ctx).find((x) => x.toLowerCase() === key.toLowerCase());
  if (!k) return false;
  const v = ctx[k];
  return !(Array.isArray(v) && v.length === 0);
}

const MULTI = ['aws:tagkeys', 'aws:calledvia', 'aws:principalorgpaths', 'aws:resourceorgpaths', 'aws:principalservicenameslist'];

const CATEGORIES = [
  {
    id: 'operator-name-case',
    title: 'Condition operator written in another case (ForAnyValue:Stringlike)',
    applies: (c, r) => r.iamz.decision === 'Error' && /unknown condition operator/.test(r.iamz.error),
    neutralize: (c) => mapConditions(c, canonicalOp)
  },
  {
    id: 'oracle-refuses-endpoint-principal',
    title: 'VPC endpoint policy whose Principal is not "*" (the oracle refuses the policy)',
    applies: (c, r) => r.oracle.decision === 'Error' && /endpoint policy/.test(JSON.stringify(r.oracle.errors || '')),
    neutralize: (c) => {
      const x = clone(c);
      for (const st of x.endpoint.Statement) st.Principal = '*';
      return x;
    }
  },
  {
    id: 'variable-in-arn-prefix',
    title: 'Policy variable outside the resource part of a Resource ARN (arn:aws:sqs:*:${aws:PrincipalAccount}:*)',
    applies: (c) => allStatements(c).some(([, st]) => resourceEntries(st).some(variableOutsideResourcePart)),
    neutralize: (c) => {
      // write the variable's value in: both tools then read the same text
      const x = clone(c);
      const ctx = derivedContext(x);
      const value = (name) => {
        const k = Object.keys(ctx).find((y) => y.toLowerCase() === name.toLowerCase());
        return k ? [].concat(ctx[k])[0] : 'unresolved';
      };
      for (const [, st] of allStatements(x)) {
        for (const el of ['Resource', 'NotResource']) {
          if (!st[el]) continue;
          const fix = (arn) => {
            if (!variableOutsideResourcePart(arn)) return arn;
            const parts = splitArn(arn);
            for (let i = 0; i < 5; i++) parts[i] = parts[i].replace(/\$\{([^},]*)[^}]*\}/g, (_, n) => value(n.trim()));
            return parts.join(':');
          };
          st[el] = Array.isArray(st[el]) ? st[el].map(fix) : fix(st[el]);
        }
      }
      return x;
    }
  },
  {
    id: 'variables-without-version',
    title: 'Policy variables in a policy without "Version": "2012-10-17"',
    applies: (c) => allDocs(c).some(([, d]) => d.Version !== '2012-10-17' && VAR.test(JSON.stringify(d.Statement))),
    neutralize: (c) => {
      const x = clone(c);
      for (const [, d] of allDocs(x)) if (d.Version !== '2012-10-17' && VAR.test(JSON.stringify(d.Statement))) d.Version = '2012-10-17';
      return x;
    }
  },
  {
    id: 'resource-kind-not-inferred',
    title: 'KMS key or IAM role (sts:AssumeRole…) without `resource.kind`: iamz treats it as a generic resource',
    applies: (c) => !!c.resource.kind && !c.resource.kind_given,
    neutralize: (c) => {
      const x = clone(c);
      x.resource.kind_given = true;
      return x;
    }
  },
  {
    id: 'statement-without-principal',
    title: 'Resource-policy statement without Principal or NotPrincipal',
    applies: (c) => {
      const docs = [c.resource.policy].filter(Boolean);
      return docs.some((d) => d.Statement.some((st) => !st.Principal && !st.NotPrincipal));
    },
    neutralize: (c) => {
      const x = clone(c);
      for (const st of x.resource.policy.Statement) if (!st.Principal && !st.NotPrincipal) st.Principal = '*';
      return x;
    }
  },
  {
    id: 'foranyvalue-ifexists-absent-key',
    title: 'ForAnyValue:…IfExists on a key the request does not have',
    applies: (c) =>
      allStatements(c).some(([, st]) => conditionEntries(st).some((e) => /^foranyvalue:.*ifexists$/i.test(e.op) && !keyPresent(c, e.key))),
    neutralize: (c) => mapConditions(c, (op) => (/^foranyvalue:.*ifexists$/i.test(op) ? op.slice(0, -8) : op))
  },
  {
    id: 'oracle-drops-context-key',
    title: 'A context key the oracle drops because its catalog does not list it for the action (aws:ResourceTag on an S3 bucket)',
    applies: (c, r) => !!(r.oracle.ignored && r.oracle.ignored.length),
    neutralize: (c, r) => {
      const x = clone(c);
      const ign = new Set(r.oracle.ignored.map((k) => k.toLowerCase()));
      for (const k of Object.keys(x.context)) if (ign.has(k.toLowerCase())) delete x.context[k];
      if (x.resource.tags) {
        for (const t of Object.keys(x.resource.tags)) {
          if (ign.has(`aws:resourcetag/${t}`.toLowerCase()) || ign.has(`s3:existingobjecttag/${t}`.toLowerCase())) delete x.resource.tags[t];
        }
      }
      return x;
    }
  },
  {
    id: 'plain-operator-on-multivalued-key',
    title: 'Operator without ForAnyValue/ForAllValues on a multivalued key (aws:TagKeys)',
    applies: (c) =>
      allStatements(c).some(([, st]) =>
        conditionEntries(st).some((e) => !e.op.includes(':') && e.op !== 'Null' && MULTI.includes(e.key.toLowerCase()) && keyPresent(c, e.key))
      ),
    neutralize: (c) => {
      const x = clone(c);
      for (const [, st] of allStatements(x)) {
        if (!st.Condition) continue;
        for (const [op, block] of Object.entries(st.Condition)) {
          if (op.includes(':') || op === 'Null') continue;
          for (const key of Object.keys(block)) {
            if (MULTI.includes(key.toLowerCase())) {
              const nop = 'ForAnyValue:' + op;
              st.Condition[nop] = Object.assign(st.Condition[nop] || {}, { [key]: block[key] });
              delete block[key];
            }
          }
          if (!Object.keys(block).length) delete st.Condition[op];
        }
      }
      return x;
    }
  },
  {
    id: 'root-assumes-role',
    title: 'The root user calling sts:AssumeRole / sts:TagSession',
    applies: (c) => c.principal.kind === 'root' && /^sts:(AssumeRole|TagSession)/i.test(c.action)
  },
  {
    id: 'root-needs-no-identity-policy',
    title: 'The root user, who has no identity policies, acting on its own account (or granted by a resource policy)',
    applies: (c, r) => c.principal.kind === 'root' && r.iamz.decision === 'Allow' && r.oracle.decision === 'ImplicitDeny',
    // give the root user, explicitly, the full access AWS gives it implicitly
    neutralize: (c) => {
      const x = clone(c);
      x.identity.push({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
      return x;
    }
  },
  {
    id: 'web-identity-provider-principal',
    title: 'Web-identity provider outside amazonaws.com (accounts.google.com) calling sts:AssumeRoleWithWebIdentity',
    applies: (c) => c.principal.kind === 'provider' && !c.principal.arn.endsWith('amazonaws.com'),
    neutralize: (c) => {
      const x = JSON.parse(JSON.stringify(c).split(c.principal.arn).join('cognito-identity.amazonaws.com'));
      return x;
    }
  },
  {
    id: 'federated-user-without-session-policy',
    title: 'GetFederationToken session (federated-user) without a session policy',
    applies: (c) => c.principal.kind === 'federated-user' && !c.session,
    neutralize: (c) => {
      const x = clone(c);
      x.session = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
      return x;
    }
  },
  {
    id: 'role-without-trust-policy',
    title: 'sts:AssumeRole/TagSession on a role that has no trust policy in the scenario',
    applies: (c) => c.resource.kind === 'iam-role' && c.resource.kind_given && !c.resource.policy
  },
  {
    id: 'notprincipal-with-allow',
    title: 'NotPrincipal in an Allow statement',
    applies: (c) => allStatements(c).some(([, st]) => !!st.NotPrincipal && st.Effect === 'Allow'),
    // the same statement with the listed principals taken out by a Deny instead
    neutralize: (c) => {
      const x = clone(c);
      for (const [, st] of allStatements(x)) {
        if (st.NotPrincipal && st.Effect === 'Allow') {
          delete st.NotPrincipal;
          st.Principal = '*';
        }
      }
      return x;
    },
    fallback: true
  },
  {
    id: 'notprincipal-deny-partial-chain',
    title: "Deny with NotPrincipal listing only part of the requester's chain (only the account, or only the user/session ARN)",
    applies: (c) => allStatements(c).some(([, st]) => !!st.NotPrincipal && st.Effect === 'Deny'),
    // list the requester's whole chain (account, user or role, session): both tools then exclude it
    neutralize: (c) => {
      const x = clone(c);
      const p = x.principal;
      const chain = [p.account, p.account && `arn:aws:iam::${p.account}:root`, p.arn, p.role_arn].filter(Boolean);
      for (const [, st] of allStatements(x)) {
        if (!st.NotPrincipal || st.NotPrincipal === '*') continue;
        const listed = [].concat(st.NotPrincipal.AWS || []);
        if (listed.some((e) => chain.includes(e))) st.NotPrincipal.AWS = [...new Set([...listed, ...chain])];
      }
      return x;
    },
    fallback: true
  },
  {
    id: 'federated-user-matches-its-iam-user',
    title: 'Federated user (GetFederationToken) against a resource policy naming the IAM user of the same name',
    applies: (c) =>
      c.principal.kind === 'federated-user' &&
      JSON.stringify(c.resource.policy || {}).includes(`arn:aws:iam::${c.principal.account}:user/${c.principal.arn.split('/').pop()}`),
    neutralize: (c) => {
      const name = `arn:aws:iam::${c.principal.account}:user/${c.principal.arn.split('/').pop()}`;
      return JSON.parse(JSON.stringify(c).split(`"${name}"`).join(`"arn:aws:iam::${c.principal.account}:user/someone-else"`));
    }
  },
  {
    id: 'exact-session-grant-vs-session-policy',
    title: 'Resource policy naming the session (or federated-user) ARN itself, for a session whose session policy does not allow',
    applies: (c) =>
      !!(c.session || c.boundary) &&
      !!c.resource.policy &&
      c.resource.policy.Statement.some((st) => st.Effect === 'Allow' && st.Principal && [].concat(st.Principal.AWS || []).includes(c.principal.arn)),
    neutralize: (c) => {
      const x = clone(c);
      x.session = null;
      x.boundary = null;
      return x;
    }
  },
  {
    id: 'principal-star-vs-session-or-boundary',
    title: 'Principal "*" grant in the same account for a principal with a session policy or permissions boundary',
    applies: (c) =>
      (c.session || c.boundary) &&
      c.resource.policy &&
      c.resource.policy.Statement.some(
        (st) => st.Effect === 'Allow' && (st.Principal === '*' || (st.Principal && st.Principal.AWS === '*') || (st.Principal && [].concat(st.Principal.AWS || []).includes('*')))
      ),
    neutralize: (c) => {
      const x = clone(c);
      x.session = null;
      x.boundary = null;
      return x;
    }
  },
  {
    id: 'unresolved-variable',
    title: 'A condition value whose policy variable cannot be resolved (the key is absent)',
    applies: (c) =>
      allStatements(c).some(([, st]) =>
        conditionEntries(st).some((e) =>
          e.values.some((v) => {
            const m = /\$\{([^},]*)\}/.exec(v);
            return m && !keyPresent(c, m[1].trim());
          })
        )
      )
  }
];

async function classify(c, r, evaluate) {
  // 1. one construct explains the difference: its rewrite alone removes it
  for (const cat of CATEGORIES) {
    if (!cat.applies(c, r)) continue;
    if (!cat.neutralize) return { category: cat.id, confirmed: false };
    const nr = await evaluate(cat.neutralize(c, r));
    if (nr.iamz.decision === nr.oracle.decision) return { category: cat.id, confirmed: true };
  }
  // 2. several constructs together: rewrite them one after the other
  let x = c;
  let xr = r;
  const applied = [];
  for (const cat of CATEGORIES) {
    if (!cat.neutralize || !cat.applies(x, xr)) continue;
    x = cat.neutralize(x, xr);
    applied.push(cat.id);
    xr = await evaluate(x);
    if (xr.iamz.decision === xr.oracle.decision) {
      return { category: applied.length === 1 ? applied[0] : 'several:' + applied.join('+'), confirmed: true };
    }
  }
  // 3. recognised by shape alone
  for (const cat of CATEGORIES) {
    if (cat.fallback && cat.applies(c, r)) return { category: cat.id, confirmed: false };
  }
  return { category: `unclassified:${r.iamz.decision}/${r.oracle.decision}`, confirmed: false };
}

module.exports = { CATEGORIES, classify, canonicalOp };
