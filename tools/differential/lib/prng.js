'use strict';
// A small seeded PRNG (mulberry32) so that every generated case is reproducible
// from (seed, index).

function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  constructor(seed) {
    this.next = mulberry32(seed);
  }
  float() {
    return this.next();
  }
  chance(p) {
    return this.next() < p;
  }
  int(lo, hi) {
    // inclusive bounds
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(list) {
    return list[Math.floor(this.next() * list.length)];
  }
  // weighted: [[weight, value], ...]
  weighted(pairs) {
    const total = pairs.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of pairs) {
      if ((r -= w) < 0) return v;
    }
    return pairs[pairs.length - 1][1];
  }
  some(list, min, max) {
    const n = this.int(min, Math.min(max, list.length));
    const copy = list.slice();
    const out = [];
    for (let i = 0; i < n; i++) {
      out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0]);
    }
    return out;
  }
}

// Derive an independent seed for case `index` of run `seed`.
function caseSeed(seed, index) {
  let h = (seed * 0x9e3779b1) ^ (index * 0x85ebca77);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

module.exports = { Rng, caseSeed };
