'use strict';
// Greedy shrinking of a differing case: try simpler variants one at a time
// and keep a variant when both sides still give the same pair of outcomes.

const clone = (x) => JSON.parse(JSON.stringify(x));

function outcome(r) {
  if (r.decision !== 'Error') return r.decision;
  return 'Error';
}

function pairKey(res) {
  return outcome(res.iamz) + ' / ' + outcome(res.oracle);
}

// Every policy document of a case, with a setter to replace or remove it.
function policySlots(c) {
  const slots = [];
  c.identity.forEach((d, i) => slots.push({ doc: d, remove: (x) => x.identity.splice(i, 1), get: (x) => x.identity[i] }));
  if (c.boundary) slots.push({ doc: c.boundary, remove: (x) => (x.boundary = null), get: (x) => x.boundary });
  if (c.session) slots.push({ doc: c.session, remove: (x) => (x.session = null), get: (x) => x.session });
  if (c.resource.policy) slots.push({ doc: c.resource.policy, remove: (x) => (x.resource.policy = null), get: (x) => x.resource.policy });
  if (c.endpoint) slots.push({ doc: c.endpoint, remove: (x) => (x.endpoint = null), get: (x) => x.endpoint });
  if (c.org) {
    for (const name of Object.keys(c.org.policies)) {
      slots.push({
        doc: c.org.policies[name],
        remove: (x) => {
          delete x.org.policies[name];
          for (const m of [x.org.scps, x.org.rcps]) {
            for (const id of Object.keys(m)) {
              m[id] = m[id].filter((n) => n !== name);
              if (!m[id].length) delete m[id];
            }
          }
        },
        get: (x) => x.org.policies[name]
      });
    }
  }
  return slots;
}

function* candidates(c) {
  const edit = (fn) => {
    const x = clone(c);
    fn(x);
    return x;
  };
  if (c.org) yield edit((x) => (x.org = null));
  for (const s of policySlots(c)) yield edit((x) => s.remove(x));
  if (c.resource.tags) yield edit((x) => (x.resource.tags = null));
  if (c.principal.tags) yield edit((x) => (x.principal.tags = null));
  for (const k of Object.keys(c.context)) yield edit((x) => delete x.context[k]);
  if (c.org) {
    for (const m of ['scps', 'rcps']) {
      for (const id of Object.keys(c.org[m])) {
        yield edit((x) => delete x.org[m][id]);
        if (c.org[m][id].length > 1) {
          for (let i = 0; i < c.org[m][id].length; i++) yield edit((x) => x.org[m][id].splice(i, 1));
        }
      }
    }
  }
  const slots = policySlots(c);
  for (let si = 0; si < slots.length; si++) {
    const doc = slots[si].doc;
    const get = slots[si].get;
    if (doc.Statement.length > 1) {
      for (let j = 0; j < doc.Statement.length; j++) yield edit((x) => get(x).Statement.splice(j, 1));
    }
    for (let j = 0; j < doc.Statement.length; j++) {
      const st = doc.Statement[j];
      if (st.Sid) yield edit((x) => delete get(x).Statement[j].Sid);
      if (st.Condition) {
        yield edit((x) => delete get(x).Statement[j].Condition);
        const ops = Object.keys(st.Condition);
        for (const op of ops) {
          const keys = Object.keys(st.Condition[op]);
          if (ops.length > 1) yield edit((x) => delete get(x).Statement[j].Condition[op]);
          if (keys.length > 1) for (const k of keys) yield edit((x) => delete get(x).Statement[j].Condition[op][k]);
          for (const k of keys) {
            const v = st.Condition[op][k];
            if (Array.isArray(v) && v.length > 1) for (const e of v) yield edit((x) => (get(x).Statement[j].Condition[op][k] = e));
          }
        }
      }
      for (const el of ['Action', 'NotAction', 'Resource', 'NotResource']) {
        if (Array.isArray(st[el])) {
          for (const e of st[el]) yield edit((x) => (get(x).Statement[j][el] = e));
        }
      }
      for (const el of ['Principal', 'NotPrincipal']) {
        const p = st[el];
        if (p && typeof p === 'object') {
          const kinds = Object.keys(p);
          if (kinds.length > 1) for (const k of kinds) yield edit((x) => (get(x).Statement[j][el] = { [k]: p[k] }));
          for (const k of kinds) {
            if (Array.isArray(p[k])) for (const e of p[k]) yield edit((x) => (get(x).Statement[j][el] = { ...get(x).Statement[j][el], [k]: e }));
          }
        }
      }
    }
  }
}

async function shrink(c, res, evaluate, maxSteps = 400) {
  const target = pairKey(res);
  let cur = c;
  let curRes = res;
  let steps = 0;
  let improved = true;
  while (improved && steps < maxSteps) {
    improved = false;
    for (const cand of candidates(cur)) {
      steps++;
      const r = await evaluate(cand);
      if (pairKey(r) === target) {
        cur = cand;
        curRes = r;
        improved = true;
        break;
      }
      if (steps >= maxSteps) break;
    }
  }
  return { case: cur, result: curRes, steps };
}

module.exports = { shrink, pairKey };
