//! Regular languages over printable ASCII as small automata, and the one
//! question the atom back end asks of them: is there a string inside every
//! positive language and outside every negative one — and if so, which is
//! the shortest (preferring letters, then digits)?
//!
//! Languages come from [`Regex`] (globs, formats, lengths, prefixes) as
//! nondeterministic automata, or from a finite set of strings as a trie
//! (the literal values a variable was compared with, all refused at once).
//! The search runs breadth first over tuples of states — each language
//! determinized lazily, one number per state set — so the first witness
//! found is a shortest one; it is bounded by a state budget
//! and reports [`Witness::GaveUp`] beyond it, never a wrong answer.
//!
//! Trusts nothing; depends only on `term::Regex`.

use super::term::Regex;
use hashbrown::HashTable;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

/// The characters requests are built from.
const FIRST: u8 = b' ';
const LAST: u8 = b'~';

/// A nondeterministic automaton with ε-moves already closed over.
#[derive(Debug, Clone)]
pub struct Automaton {
    /// Per state: (low, high, target) character-range moves.
    moves: Vec<Vec<(u8, u8, usize)>>,
    /// ε-closure of each state, as a bit set.
    closure: Vec<Vec<u64>>,
    accepting: Vec<bool>,
    start: usize,
    words: usize,
}

/// Thompson construction state.
struct Builder {
    moves: Vec<Vec<(u8, u8, usize)>>,
    empty: Vec<Vec<usize>>,
}

impl Builder {
    fn state(&mut self) -> usize {
        self.moves.push(Vec::new());
        self.empty.push(Vec::new());
        self.moves.len() - 1
    }

    /// Adds `regex` between two new states; returns (entry, exit).
    fn add(&mut self, regex: &Regex) -> (usize, usize) {
        match regex {
            Regex::Literal(text) => {
                let entry = self.state();
                let mut current = entry;
                for byte in text.bytes() {
                    let next = self.state();
                    self.moves[current].push((byte, byte, next));
                    current = next;
                }
                (entry, current)
            }
            Regex::Range(low, high) => {
                let entry = self.state();
                let exit = self.state();
                let low = u32::from(*low).clamp(0, 255) as u8;
                let high = u32::from(*high).clamp(0, 255) as u8;
                if low <= high {
                    self.moves[entry].push((low, high, exit));
                }
                (entry, exit)
            }
            Regex::Concat(parts) => {
                let entry = self.state();
                let mut current = entry;
                for part in parts {
                    let (part_entry, part_exit) = self.add(part);
                    self.empty[current].push(part_entry);
                    current = part_exit;
                }
                (entry, current)
            }
            Regex::Union(parts) => {
                let entry = self.state();
                let exit = self.state();
                for part in parts {
                    let (part_entry, part_exit) = self.add(part);
                    self.empty[entry].push(part_entry);
                    self.empty[part_exit].push(exit);
                }
                (entry, exit)
            }
            Regex::Star(inner) => {
                let entry = self.state();
                let exit = self.state();
                let (inner_entry, inner_exit) = self.add(inner);
                self.empty[entry].push(inner_entry);
                self.empty[entry].push(exit);
                self.empty[inner_exit].push(inner_entry);
                self.empty[inner_exit].push(exit);
                (entry, exit)
            }
        }
    }
}

fn set_bit(set: &mut [u64], index: usize) {
    set[index / 64] |= 1 << (index % 64);
}

fn has_bit(set: &[u64], index: usize) -> bool {
    set[index / 64] & (1 << (index % 64)) != 0
}

impl Automaton {
    pub fn from_regex(regex: &Regex) -> Automaton {
        let mut builder = Builder {
            moves: Vec::new(),
            empty: Vec::new(),
        };
        let (start, exit) = builder.add(regex);
        let count = builder.moves.len();
        let words = count.div_ceil(64);
        let mut closure = Vec::with_capacity(count);
        for state in 0..count {
            let mut set = vec![0u64; words];
            let mut stack = vec![state];
            set_bit(&mut set, state);
            while let Some(current) = stack.pop() {
                for &next in &builder.empty[current] {
                    if !has_bit(&set, next) {
                        set_bit(&mut set, next);
                        stack.push(next);
                    }
                }
            }
            closure.push(set);
        }
        let mut accepting = vec![false; count];
        accepting[exit] = true;
        Automaton {
            moves: builder.moves,
            closure,
            accepting,
            start,
            words,
        }
    }

    fn initial(&self) -> Vec<u64> {
        self.closure[self.start].clone()
    }

    fn step(&self, states: &[u64], character: u8) -> Vec<u64> {
        let mut next = vec![0u64; self.words];
        self.step_into(states, character, &mut next);
        next
    }

    /// [`Automaton::step`] into a buffer of `words` u64s.
    fn step_into(&self, states: &[u64], character: u8, next: &mut [u64]) {
        next.fill(0);
        for (word_index, word) in states.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let state = word_index * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                for &(low, high, target) in &self.moves[state] {
                    if (low..=high).contains(&character) {
                        for (slot, add) in next.iter_mut().zip(&self.closure[target]) {
                            *slot |= add;
                        }
                    }
                }
            }
        }
    }

    fn accepts_states(&self, states: &[u64]) -> bool {
        self.accepting
            .iter()
            .enumerate()
            .any(|(state, accepting)| *accepting && has_bit(states, state))
    }

    pub fn accepts(&self, text: &str) -> bool {
        let mut states = self.initial();
        for byte in text.bytes() {
            states = self.step(&states, byte);
        }
        self.accepts_states(&states)
    }

    /// Character boundaries where this automaton's moves change.
    fn boundaries(&self, into: &mut Vec<u8>) {
        for moves in &self.moves {
            for &(low, high, _) in moves {
                into.push(low);
                into.push(high.saturating_add(1));
            }
        }
    }
}

/// A finite set of strings, as a trie.
#[derive(Debug, Clone, Default)]
pub struct Trie {
    children: Vec<Vec<(u8, usize)>>,
    terminal: Vec<bool>,
}

impl Trie {
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Trie {
        let mut trie = Trie {
            children: vec![Vec::new()],
            terminal: vec![false],
        };
        for word in words {
            let mut node = 0;
            for byte in word.bytes() {
                node = match trie.children[node].iter().find(|(b, _)| *b == byte) {
                    Some((_, child)) => *child,
                    None => {
                        trie.children.push(Vec::new());
                        trie.terminal.push(false);
                        let child = trie.children.len() - 1;
                        trie.children[node].push((byte, child));
                        child
                    }
                };
            }
            trie.terminal[node] = true;
        }
        trie
    }

    pub fn contains(&self, text: &str) -> bool {
        let mut node = Some(0);
        for byte in text.bytes() {
            node = node.and_then(|n| self.step(n, byte));
        }
        node.is_some_and(|n| self.terminal[n])
    }

    fn step(&self, node: usize, byte: u8) -> Option<usize> {
        self.children[node]
            .iter()
            .find(|(b, _)| *b == byte)
            .map(|(_, child)| *child)
    }

    fn boundaries(&self, into: &mut Vec<u8>) {
        for children in &self.children {
            for &(byte, _) in children {
                into.push(byte);
                into.push(byte.saturating_add(1));
            }
        }
    }
}

/// One language of a witness search.
#[derive(Debug, Clone, Copy)]
pub enum Language<'a> {
    Automaton(&'a Automaton),
    Words(&'a Trie),
}

impl Language<'_> {
    pub fn contains(&self, text: &str) -> bool {
        match self {
            Language::Automaton(automaton) => automaton.accepts(text),
            Language::Words(trie) => trie.contains(text),
        }
    }
}

/// The answer of [`find_witness`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Witness {
    /// A shortest string in every positive language and no negative one.
    Found(String),
    /// No such string exists.
    Empty,
    /// The search went over its state budget.
    GaveUp,
}

/// Search-state budget of one [`find_witness`] call.
pub const STATE_BUDGET: usize = 50_000;

/// One representative character per class of characters no language
/// tells apart, letters first, then digits, then the rest.
fn representatives(languages: &[(Language<'_>, bool)], first: u8) -> Vec<u8> {
    let mut boundaries = vec![first, LAST + 1];
    for (language, _) in languages {
        match language {
            Language::Automaton(automaton) => automaton.boundaries(&mut boundaries),
            Language::Words(trie) => trie.boundaries(&mut boundaries),
        }
    }
    boundaries.retain(|byte| (first..=LAST + 1).contains(byte));
    boundaries.sort_unstable();
    boundaries.dedup();
    let rank = |byte: u8| match byte {
        b'a'..=b'z' => 0,
        b'0'..=b'9' => 1,
        b'A'..=b'Z' => 2,
        b'-' | b'_' | b'.' | b'/' => 3,
        _ => 4,
    };
    let mut chosen: Vec<u8> = boundaries
        .windows(2)
        .map(|pair| {
            let (low, high) = (pair[0], pair[1] - 1);
            // Within a class every character behaves alike: take the most
            // readable one ('x' style letters before symbols).
            (low..=high)
                .min_by_key(|byte| (rank(*byte), *byte))
                .unwrap_or(low)
        })
        .collect();
    chosen.sort_by_key(|byte| (rank(*byte), *byte));
    chosen
}

/// One language of a search, determinized lazily: each set of automaton
/// states (or trie node) reached gets a number, and each (number,
/// character) move is computed once. A product state is then one number
/// per language, and most moves of the search are table lookups: the
/// product has tens of thousands of states, but each language alone only
/// a few hundred.
struct LazyDeterminized<'a> {
    language: Language<'a>,
    positive: bool,
    /// Automata: the state sets, `words` u64s each, in one arena.
    sets: Vec<u64>,
    words: usize,
    numbers: HashTable<u32>,
    /// Per number: inside the language, and whether no string from here is.
    accepting: Vec<bool>,
    dead: Vec<bool>,
    /// Per number and character index: the next number (`UNKNOWN` until asked).
    moves: Vec<u32>,
    characters: usize,
    /// Tries: trie node per number (`usize::MAX`: left the trie), and the
    /// number of each node met.
    nodes: Vec<usize>,
    numbered_nodes: Vec<u32>,
}

const UNKNOWN: u32 = u32::MAX;

fn hash_words(words: &[u64]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    words.hash(&mut hasher);
    hasher.finish()
}

impl<'a> LazyDeterminized<'a> {
    fn new(language: Language<'a>, positive: bool, characters: usize) -> (Self, u32) {
        let words = match language {
            Language::Automaton(automaton) => automaton.words,
            Language::Words(_) => 0,
        };
        let mut lazy = LazyDeterminized {
            language,
            positive,
            sets: Vec::new(),
            words,
            numbers: HashTable::new(),
            accepting: Vec::new(),
            dead: Vec::new(),
            moves: Vec::new(),
            characters,
            nodes: Vec::new(),
            numbered_nodes: Vec::new(),
        };
        let initial = match language {
            Language::Automaton(automaton) => lazy.intern_set(&automaton.initial()),
            Language::Words(_) => lazy.intern_node(Some(0)),
        };
        (lazy, initial)
    }

    fn add_number(&mut self, accepting: bool, dead: bool) -> u32 {
        self.accepting.push(accepting);
        self.dead.push(dead);
        self.moves
            .extend(std::iter::repeat_n(UNKNOWN, self.characters));
        (self.accepting.len() - 1) as u32
    }

    fn intern_set(&mut self, set: &[u64]) -> u32 {
        let Language::Automaton(automaton) = self.language else {
            unreachable!("state sets belong to automata")
        };
        let words = self.words;
        let hash = hash_words(set);
        let sets = &self.sets;
        if let Some(&number) = self.numbers.find(hash, |&other| {
            &sets[other as usize * words..][..words] == set
        }) {
            return number;
        }
        let number = self.add_number(
            automaton.accepts_states(set),
            set.iter().all(|word| *word == 0),
        );
        self.sets.extend_from_slice(set);
        let sets = &self.sets;
        self.numbers.insert_unique(hash, number, |&other| {
            hash_words(&sets[other as usize * words..][..words])
        });
        number
    }

    /// Trie nodes are already deterministic: numbered in the order met
    /// (`numbered_nodes`, by node, with one more slot for "left the trie").
    fn intern_node(&mut self, node: Option<usize>) -> u32 {
        let Language::Words(trie) = self.language else {
            unreachable!("nodes belong to word sets")
        };
        if self.numbered_nodes.is_empty() {
            self.numbered_nodes = vec![UNKNOWN; trie.terminal.len() + 1];
        }
        let slot = node.unwrap_or(trie.terminal.len());
        if self.numbered_nodes[slot] != UNKNOWN {
            return self.numbered_nodes[slot];
        }
        // A node of a finite set: outside it the string can never return.
        let accepting = node.is_some_and(|node| trie.terminal[node]);
        let number = self.add_number(accepting, node.is_none());
        self.nodes.push(node.unwrap_or(usize::MAX));
        self.numbered_nodes[slot] = number;
        number
    }

    fn step(&mut self, number: u32, character_index: usize, character: u8) -> u32 {
        let slot = number as usize * self.characters + character_index;
        if self.moves[slot] != UNKNOWN {
            return self.moves[slot];
        }
        let next = match self.language {
            Language::Automaton(automaton) => {
                let words = self.words;
                let mut target = vec![0u64; words];
                automaton.step_into(
                    &self.sets[number as usize * words..][..words],
                    character,
                    &mut target,
                );
                self.intern_set(&target)
            }
            Language::Words(trie) => {
                let node = self.nodes[number as usize];
                let stepped = (node != usize::MAX)
                    .then(|| trie.step(node, character))
                    .flatten();
                self.intern_node(stepped)
            }
        };
        self.moves[slot] = next;
        next
    }
}

/// Finds a shortest string inside every language marked `true` and outside
/// every language marked `false`.
pub fn find_witness(languages: &[(Language<'_>, bool)]) -> Witness {
    find_witness_over(languages, FIRST)
}

/// [`find_witness`] over the characters from `first` to `~` (below the
/// space: stand-in letters for unknown values, see `generalize.rs`).
///
/// Breadth first over product states (one number per language, see
/// [`LazyDeterminized`]), stored flat in one arena and looked up by hash.
pub fn find_witness_over(languages: &[(Language<'_>, bool)], first: u8) -> Witness {
    let characters = representatives(languages, first);
    let width = languages.len();
    let mut lazy = Vec::with_capacity(width);
    let mut arena: Vec<u32> = Vec::with_capacity(width * 64);
    for (language, positive) in languages {
        let (determinized, initial) = LazyDeterminized::new(*language, *positive, characters.len());
        lazy.push(determinized);
        arena.push(initial);
    }
    let hash_of = |state: &[u32]| {
        let mut hasher = rustc_hash::FxHasher::default();
        state.hash(&mut hasher);
        hasher.finish()
    };
    // Parent links rebuild the witness: (parent state, character).
    let mut parents: Vec<(usize, u8)> = vec![(usize::MAX, 0)];
    let mut seen: HashTable<usize> = HashTable::new();
    seen.insert_unique(hash_of(&arena[..width]), 0, |_| 0);
    let mut next = vec![0u32; width];
    let mut queue = VecDeque::from([0usize]);
    while let Some(index) = queue.pop_front() {
        let state = &arena[index * width..][..width];
        let accepted = lazy
            .iter()
            .zip(state)
            .all(|(language, number)| language.accepting[*number as usize] == language.positive);
        if accepted {
            let mut bytes = Vec::new();
            let mut current = index;
            while current != 0 {
                bytes.push(parents[current].1);
                current = parents[current].0;
            }
            bytes.reverse();
            return Witness::Found(String::from_utf8_lossy(&bytes).into_owned());
        }
        'characters: for (character_index, &character) in characters.iter().enumerate() {
            for position in 0..width {
                let number = arena[index * width + position];
                let language = &mut lazy[position];
                let stepped = language.step(number, character_index, character);
                // A positive language that can accept nothing more prunes
                // the branch.
                if language.positive && language.dead[stepped as usize] {
                    continue 'characters;
                }
                next[position] = stepped;
            }
            let hash = hash_of(&next);
            let present = seen
                .find(hash, |&other| arena[other * width..][..width] == next[..])
                .is_some();
            if present {
                continue;
            }
            if parents.len() >= STATE_BUDGET {
                return Witness::GaveUp;
            }
            let added = parents.len();
            arena.extend_from_slice(&next);
            parents.push((index, character));
            seen.insert_unique(hash, added, |&other| {
                hash_of(&arena[other * width..][..width])
            });
            queue.push_back(added);
        }
    }
    Witness::Empty
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::symbolic::term::{glob_regex, GlobPiece};

    fn glob(pattern: &str) -> Automaton {
        let pieces: Vec<GlobPiece> = pattern
            .chars()
            .map(|c| match c {
                '*' => GlobPiece::Many {
                    crosses_colons: true,
                },
                '?' => GlobPiece::One {
                    crosses_colons: true,
                },
                other => GlobPiece::Literal(other.to_string()),
            })
            .collect();
        Automaton::from_regex(&glob_regex(&pieces))
    }

    #[test]
    fn membership_agrees_with_regex_matching() {
        for (pattern, text) in [
            ("get*", "getobject"),
            ("get*", "put"),
            ("a*b?c", "axxbyc"),
            ("a*b?c", "abc"),
            ("*", ""),
            ("?", ""),
        ] {
            let automaton = glob(pattern);
            let expected = crate::policy::pattern::Glob::compile(
                pattern,
                crate::policy::pattern::WildcardRule::Plain,
            )
            .matches(text);
            assert_eq!(automaton.accepts(text), expected, "{pattern} {text}");
        }
    }

    #[test]
    fn finds_shortest_witnesses_and_proves_emptiness() {
        let get = glob("get*");
        let get_object = glob("getobject*");
        let words = Trie::new(["get", "geta"]);
        let answer = find_witness(&[
            (Language::Automaton(&get), true),
            (Language::Automaton(&get_object), false),
            (Language::Words(&words), false),
        ]);
        assert_eq!(answer, Witness::Found("getb".into()));
        let answer = find_witness(&[
            (Language::Automaton(&get_object), true),
            (Language::Automaton(&get), false),
        ]);
        assert_eq!(answer, Witness::Empty);
    }
}
