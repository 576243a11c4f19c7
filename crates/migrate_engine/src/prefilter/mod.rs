//! Deciding from the bytes alone that no rule can report anything in a file, so that it need
//! not be parsed. Most files of a code base need no migration; parsing is most of the cost.
//!
//! Each rule states when it can report ([`Triggers`]): combinations of words in the text,
//! of qualified names the file references through imports of tracked modules (see
//! [`imports`]), and of what the calls of such names hold (see [`regions`]). Every condition
//! over-approximates what the rule checks on the syntax tree: the prefilter may let a file
//! through that has nothing to report, never the reverse. One pass of one automaton finds
//! every word of every rule; the rest is computed only as far as the rules ask.

mod imports;
mod regions;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use memchr::memmem;
use rustc_hash::{FxHashMap, FxHashSet};

use self::imports::References;
/// How the prefilter reads Python from the bytes, for the rules' own checks ([`Atom::Where`],
/// [`Inside::Check`]).
pub use self::imports::{is_identifier_byte, loose_exports, skip_blanks, word_starts};
use self::regions::{End, Regions};
use crate::semantic::{ProjectImports, TrackedModules};

/// One condition on a file.
#[derive(Debug, Clone)]
pub enum Atom {
    /// The text contains this (as a whole word, see [`Edges`]).
    Text(String),
    /// The file references one of these qualified names, or a name inside one of them
    /// (`numpy.core` covers `numpy.core.numeric.asarray`), through imports.
    Reference(Vec<String>),
    /// What follows an anchor (the arguments of a call, the value of a keyword argument)
    /// holds something.
    Within(Anchor, Inside),
    /// The text occurs, and `holds(source, starts)` (given the start of every occurrence)
    /// says one occurrence may matter.
    Where(String, fn(&str, &[usize]) -> bool),
}

/// Where a region of the text starts.
#[derive(Debug, Clone)]
pub enum Anchor {
    /// A call of a referenced name (see [`Atom::Reference`]): the region is its arguments.
    Call(Vec<String>),
    /// A call of whatever is spelled so (`astype` in `x.astype(...)`): its arguments.
    Called(String),
    /// A keyword argument spelled so (`dtype` in `f(dtype=...)`): its value.
    Keyword(String),
}

/// What a region must hold.
#[derive(Debug, Clone)]
pub enum Inside {
    /// One of these texts (as whole words).
    Texts(Vec<String>),
    /// A keyword argument of this name (in this call or one inside it), with this value (as
    /// written, maybe in parentheses) if one is given.
    Keyword(String, Option<String>),
    /// At least this many commas outside inner brackets: more arguments than this.
    Commas(usize),
    /// Text for which this says `true`.
    Check(fn(&str) -> bool),
    /// The argument at this position (counting commas outside inner brackets), text for
    /// which this says `true`.
    Argument(usize, fn(&str) -> bool),
    /// A reference (through imports, as [`Atom::Reference`]) to one of these qualified names
    /// or a name inside one of them.
    References(Vec<String>),
}

/// When a rule may report: any of the alternatives, each of which needs all of its groups,
/// each of which needs any of its atoms.
#[derive(Debug, Clone, Default)]
pub struct Triggers {
    pub alternatives: Vec<Vec<Vec<Atom>>>,
}

impl Triggers {
    /// A rule that may report wherever one of `atoms` holds.
    pub fn any(atoms: Vec<Atom>) -> Self {
        Self {
            alternatives: vec![vec![atoms]],
        }
    }

    /// Also report where `groups` all hold.
    #[must_use]
    pub fn or(mut self, groups: Vec<Vec<Atom>>) -> Self {
        self.alternatives.push(groups);
        self
    }
}

/// Which ends of a text must be identifier boundaries: a text that starts (ends) with a
/// letter or `_` must not continue an identifier before (after) it, so `np.int` is not
/// found in `np.int64`, nor `sum(` in `cumsum(`.
#[derive(Debug, Clone, Copy)]
struct Edges {
    start: bool,
    end: bool,
}

impl Edges {
    fn of(text: &str) -> Self {
        let letter = |c: Option<char>| c.is_some_and(|c| c.is_alphabetic() || c == '_');
        Self {
            start: letter(text.chars().next()),
            end: letter(text.chars().next_back()),
        }
    }

    /// Whether the match at `start..end` of `source` respects the edges.
    fn hold(self, source: &str, start: usize, end: usize) -> bool {
        let is_identifier_char = |c: char| c.is_alphanumeric() || c == '_';
        let before = || {
            source
                .get(..start)
                .and_then(|text| text.chars().next_back())
        };
        let after = || source.get(end..).and_then(|text| text.chars().next());
        let joined_before = self.start && before().is_some_and(is_identifier_char);
        let joined_after = self.end && after().is_some_and(is_identifier_char);
        !joined_before && !joined_after
    }
}

/// A text searched inside regions only.
struct Needle {
    finder: Box<memmem::Finder<'static>>,
    edges: Edges,
}

impl Needle {
    fn new(text: &str) -> Self {
        Self {
            finder: Box::new(memmem::Finder::new(text.as_bytes()).into_owned()),
            edges: Edges::of(text),
        }
    }

    fn len(&self) -> usize {
        self.finder.needle().len()
    }

    /// Where the needle starts in `region`, a slice of `source`.
    fn starts_in<'a>(
        &'a self,
        source: &'a str,
        region: &'a str,
    ) -> impl Iterator<Item = usize> + 'a {
        let offset = region.as_ptr() as usize - source.as_ptr() as usize;
        self.finder
            .find_iter(region.as_bytes())
            .map(move |at| offset + at)
            .filter(|start| self.edges.hold(source, *start, start + self.len()))
    }

    /// Whether the needle is in `region`, a slice of `source`.
    fn found_in(&self, source: &str, region: &str) -> bool {
        self.starts_in(source, region).next().is_some()
    }
}

/// A compiled [`Atom`]; words are indices of the automaton's patterns, name sets indices of
/// [`NameSets`].
enum Condition {
    Text(usize),
    Reference(usize),
    Within(Start, Holds),
    Where(usize, fn(&str, &[usize]) -> bool),
}

enum Start {
    Call(usize),
    Called(usize),
    Keyword(usize),
}

enum Holds {
    Texts(Vec<Needle>),
    Keyword(Needle, Option<String>),
    Commas(usize),
    Check(fn(&str) -> bool),
    Argument(usize, fn(&str) -> bool),
    References(usize),
}

/// The words of every rule, found in one pass.
struct Words {
    automaton: AhoCorasick,
    /// Whether occurrences may overlap (see [`WordsBuilder::build`]).
    overlapping: bool,
    edges: Vec<Edges>,
    lengths: Vec<usize>,
    /// For words whose occurrences are needed, where they are kept.
    slots: Vec<Option<usize>>,
    slot_count: usize,
}

/// The qualified names of [`Atom::Reference`] and [`Anchor::Call`], numbered as sets, so that
/// one pass over a file's references tells which sets each matches.
#[derive(Default)]
struct NameSets {
    /// Each name, with the sets that hold it.
    sets_of: FxHashMap<String, Vec<usize>>,
    count: usize,
    /// Names whose uses (not only their imports) may match a set: the names above the names
    /// of [`Atom::Reference`] (an import of a name inside one already matches), and the
    /// names above, at and (`calls`) inside the names of calls (whose uses are the anchors).
    uses_matter: FxHashSet<String>,
    calls: FxHashSet<String>,
    /// The most dot-separated parts of any name above: no longer prefix can match.
    most_parts: usize,
}

impl NameSets {
    fn add(&mut self, names: &[String], calls: bool) -> usize {
        for name in names {
            self.most_parts = self.most_parts.max(name.split('.').count());
            self.sets_of
                .entry(name.clone())
                .or_default()
                .push(self.count);
            let mut above = name.as_str();
            while let Some((parent, _)) = above.rsplit_once('.') {
                self.uses_matter.insert(parent.to_string());
                above = parent;
            }
            if calls {
                self.uses_matter.insert(name.clone());
                self.calls.insert(name.clone());
            }
        }
        self.count += 1;
        self.count - 1
    }

    /// Whether the uses of an import of `qualified` may match a set.
    fn uses_matter(&self, qualified: &str) -> bool {
        self.uses_matter.contains(qualified)
            || self.prefixes(qualified).any(|p| self.calls.contains(p))
    }

    /// `name` and the names above it that are short enough to be in a set: hashing every
    /// prefix of a chain `np.a.a.a...` would cost the square of its length.
    fn prefixes<'n>(&self, name: &'n str) -> impl Iterator<Item = &'n str> {
        let short_enough = match name
            .match_indices('.')
            .nth(self.most_parts.saturating_sub(1))
        {
            Some((dot, _)) => &name[..dot],
            None => name,
        };
        prefixes(short_enough)
    }

    /// Which sets the references match, and where the matching references end.
    fn matched(&self, references: &References) -> Matched {
        let mut matched = Matched {
            unknown: false,
            sets: vec![false; self.count],
            ends: vec![Vec::new(); self.count],
        };
        match references {
            References::Unknown => {
                matched.unknown = true;
                matched.sets.fill(true);
            }
            References::Names(referenced) => {
                for (name, ends) in referenced {
                    for prefix in self.prefixes(name) {
                        for &set in self.sets_of.get(prefix).into_iter().flatten() {
                            matched.sets[set] = true;
                            matched.ends[set].extend(ends);
                        }
                    }
                }
            }
        }
        matched
    }
}

/// What a file's references match, per name set.
struct Matched {
    /// The file star-imports a tracked module: it may reference anything.
    unknown: bool,
    sets: Vec<bool>,
    ends: Vec<Vec<usize>>,
}

/// `name` and the names above it: `a.b.c`, `a.b`, `a`.
fn prefixes(name: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(name), |name| {
        name.rsplit_once('.').map(|(parent, _)| parent)
    })
}

/// Builds [`Words`], one pattern per distinct word.
#[derive(Default)]
struct WordsBuilder {
    patterns: Vec<String>,
    ids: FxHashMap<String, usize>,
    positional: FxHashSet<usize>,
}

impl WordsBuilder {
    fn word(&mut self, text: &str, positions: bool) -> usize {
        let id = match self.ids.get(text) {
            Some(id) => *id,
            None => {
                self.patterns.push(text.to_string());
                self.ids.insert(text.to_string(), self.patterns.len() - 1);
                self.patterns.len() - 1
            }
        };
        if positions {
            self.positional.insert(id);
        }
        id
    }

    fn build(self) -> Words {
        let mut slot_count = 0;
        let slots = (0..self.patterns.len())
            .map(|id| {
                self.positional.contains(&id).then(|| {
                    slot_count += 1;
                    slot_count - 1
                })
            })
            .collect();
        // Leftmost-first search is several times faster (it can skip ahead with SIMD), and
        // finds every occurrence when no word can overlap another; else search overlapping.
        let overlapping = self.patterns.iter().enumerate().any(|(i, first)| {
            self.patterns
                .iter()
                .enumerate()
                .any(|(j, second)| i != j && may_overlap(first, second))
        });
        let (kind, match_kind) = if overlapping {
            (Some(AhoCorasickKind::DFA), MatchKind::Standard)
        } else {
            (None, MatchKind::LeftmostFirst)
        };
        let automaton = AhoCorasick::builder()
            .kind(kind)
            .match_kind(match_kind)
            .build(&self.patterns)
            .expect("a few hundred words");
        Words {
            automaton,
            overlapping,
            edges: self.patterns.iter().map(|text| Edges::of(text)).collect(),
            lengths: self.patterns.iter().map(String::len).collect(),
            slots,
            slot_count,
        }
    }
}

/// Whether a whole-word occurrence of `second` (see [`Edges`]) may start inside one of
/// `first`, where a leftmost-first search, having found `first`, would miss it. Occurrences
/// of one word that overlap each other (`>>>` in `>>>>`) are found once.
fn may_overlap(first: &str, second: &str) -> bool {
    let edges = Edges::of(second);
    let is_identifier_char = |c: char| c.is_alphanumeric() || c == '_';
    (0..first.len())
        .filter(|start| first.is_char_boundary(*start))
        .any(|start| {
            let rest = &first[start..];
            let inside = rest.starts_with(second);
            if !(inside || (start > 0 && second.starts_with(rest))) {
                return false;
            }
            // Joined to the letters of `first` around it, it is no whole word anyway.
            let joined_before = edges.start
                && first[..start]
                    .chars()
                    .next_back()
                    .is_some_and(is_identifier_char);
            let joined_after = edges.end
                && inside
                && rest[second.len()..]
                    .chars()
                    .next()
                    .is_some_and(is_identifier_char);
            !joined_before && !joined_after
        })
}

pub struct Prefilter {
    tracked: Vec<Box<str>>,
    words: Words,
    names: NameSets,
    /// Each group: any of its conditions.
    groups: Vec<Vec<Condition>>,
    /// Per rule, its alternatives as lists of groups; `None`: the rule may report anywhere.
    rules: Vec<Option<Vec<Vec<usize>>>>,
}

/// What one file has: the words in one pass, the rest only as far as the rules ask.
struct Scan<'s> {
    source: &'s str,
    project: Option<&'s dyn ProjectImports>,
    found: Vec<bool>,
    positions: Vec<Vec<usize>>,
    matched: Option<Matched>,
    regions: Regions<'s>,
    groups: Vec<Option<bool>>,
}

impl Prefilter {
    /// The prefilter of rules whose triggers are `rules` (`None` for a rule that may report
    /// anywhere).
    pub fn new(rules: &[Option<Triggers>], tracked: &TrackedModules) -> Self {
        let mut words = WordsBuilder::default();
        let mut names = NameSets::default();
        let mut groups = Vec::new();
        let rules = rules
            .iter()
            .map(|triggers| {
                let triggers = triggers.as_ref()?;
                let alternatives = triggers
                    .alternatives
                    .iter()
                    .map(|alternative| {
                        alternative
                            .iter()
                            .map(|atoms| {
                                groups.push(
                                    atoms
                                        .iter()
                                        .map(|atom| compile(atom, &mut words, &mut names))
                                        .collect(),
                                );
                                groups.len() - 1
                            })
                            .collect()
                    })
                    .collect();
                Some(alternatives)
            })
            .collect();
        Self {
            tracked: tracked.roots().map(Box::from).collect(),
            words: words.build(),
            names,
            groups,
            rules,
        }
    }

    /// Whether any rule may report in `source`: `false` means that no rule can, and the file
    /// need not be parsed.
    pub fn may_report(&self, source: &str) -> bool {
        self.rules_that_may_report(source, None).contains(&true)
    }

    /// For each rule, whether it may report in `source`: a rule that cannot need not run.
    /// `project` resolves the file's imports from the project's own modules.
    pub fn rules_that_may_report(
        &self,
        source: &str,
        project: Option<&dyn ProjectImports>,
    ) -> Vec<bool> {
        if self.rules.iter().all(Option::is_none) {
            return vec![true; self.rules.len()];
        }
        let mut scan = Scan {
            source,
            project,
            found: vec![false; self.words.edges.len()],
            positions: vec![Vec::new(); self.words.slot_count],
            matched: None,
            regions: Regions::new(source),
            groups: vec![None; self.groups.len()],
        };
        let mut record = |found: aho_corasick::Match| {
            let word = found.pattern().as_usize();
            if self.words.edges[word].hold(source, found.start(), found.end()) {
                scan.found[word] = true;
                if let Some(slot) = self.words.slots[word] {
                    scan.positions[slot].push(found.start());
                }
            }
        };
        let automaton = &self.words.automaton;
        if automaton.patterns_len() == 0 {
            // No word to find (searching would still read every byte).
        } else if self.words.overlapping {
            automaton
                .find_overlapping_iter(source)
                .for_each(&mut record);
        } else {
            automaton.find_iter(source).for_each(&mut record);
        }
        self.rules
            .iter()
            .map(|alternatives| {
                alternatives.as_ref().is_none_or(|alternatives| {
                    alternatives.iter().any(|groups| {
                        groups
                            .iter()
                            .all(|group| self.group_holds(&mut scan, *group))
                    })
                })
            })
            .collect()
    }

    fn group_holds(&self, scan: &mut Scan, group: usize) -> bool {
        if let Some(holds) = scan.groups[group] {
            return holds;
        }
        let holds = self.groups[group]
            .iter()
            .any(|condition| self.condition_holds(scan, condition));
        scan.groups[group] = Some(holds);
        holds
    }

    fn condition_holds(&self, scan: &mut Scan, condition: &Condition) -> bool {
        match condition {
            Condition::Text(word) => scan.found[*word],
            Condition::Reference(set) => self.matched(scan).sets[*set],
            Condition::Where(word, holds) => {
                scan.found[*word] && holds(scan.source, &scan.positions[self.slot(*word)])
            }
            Condition::Within(start, holds) => self.within(scan, start, holds),
        }
    }

    /// Whether a region after `start` holds what `holds` asks.
    fn within(&self, scan: &mut Scan, start: &Start, holds: &Holds) -> bool {
        let source = scan.source;
        let bytes = source.as_bytes();
        if matches!(holds, Holds::References(_)) {
            // The references, resolved once, are what the regions are searched for.
            self.matched(scan);
        }
        // Where the anchors end.
        let mut anchors: Vec<usize> = Vec::new();
        let keyword = match start {
            Start::Call(set) => {
                let matched = self.matched(scan);
                if matched.unknown {
                    return true;
                }
                anchors.extend(&matched.ends[*set]);
                None
            }
            Start::Called(word) | Start::Keyword(word) => {
                let length = self.words.lengths[*word];
                let positions = &scan.positions[self.slot(*word)];
                anchors.extend(positions.iter().map(|position| position + length));
                matches!(start, Start::Keyword(_)).then_some(length)
            }
        };
        anchors.into_iter().any(|end| {
            let at = skip_blanks(bytes, end, true);
            let region_start = match keyword {
                Some(length) if is_keyword_argument(bytes, end - length, length) => at + 1,
                Some(_) => return false,
                None if bytes.get(at) == Some(&b'(') => at + 1,
                None => return false,
            };
            let regions = &mut scan.regions;
            // The text from `start` to the end of the arguments, or (`one`) of the argument.
            let region = |regions: &mut Regions, start, one| match regions.end(start, one) {
                End::At(end) => Some(&source[start..end]),
                End::Unknown => None,
            };
            // A keyword anchor's region is its value, one argument.
            let one_argument = keyword.is_some();
            match holds {
                Holds::Texts(needles) => region(regions, region_start, one_argument)
                    .is_none_or(|text| needles.iter().any(|needle| needle.found_in(source, text))),
                Holds::Check(check) => {
                    region(regions, region_start, one_argument).is_none_or(check)
                }
                Holds::Keyword(name, value) => {
                    let Some(text) = region(regions, region_start, one_argument) else {
                        return true;
                    };
                    let keywords: Vec<usize> = name
                        .starts_in(source, text)
                        .filter(|start| is_keyword_argument(bytes, *start, name.len()))
                        .collect();
                    let Some(value) = value else {
                        return !keywords.is_empty();
                    };
                    keywords.into_iter().any(|start| {
                        let equals = skip_blanks(bytes, start + name.len(), true);
                        region(regions, equals + 1, true)
                            .is_none_or(|text| may_be_spelled(text, value))
                    })
                }
                Holds::Commas(count) => regions
                    .commas(region_start)
                    .is_none_or(|commas| commas >= *count),
                Holds::Argument(position, check) => {
                    match regions.argument(region_start, *position) {
                        End::At(start) => region(regions, start, true).is_none_or(check),
                        End::Unknown => true,
                    }
                }
                Holds::References(set) => match regions.end(region_start, one_argument) {
                    End::At(region_end) => {
                        let matched = scan.matched.as_ref().expect("matched before the regions");
                        matched.unknown
                            || matched.ends[*set]
                                .iter()
                                .any(|end| (region_start..=region_end).contains(end))
                    }
                    End::Unknown => true,
                },
            }
        })
    }

    fn matched<'a>(&self, scan: &'a mut Scan) -> &'a Matched {
        scan.matched.get_or_insert_with(|| {
            let references =
                imports::references(scan.source, &self.tracked, scan.project, |qualified| {
                    self.names.uses_matter(qualified)
                });
            self.names.matched(&references)
        })
    }

    fn slot(&self, word: usize) -> usize {
        self.words.slots[word].expect("the word's occurrences are kept")
    }
}

fn compile(atom: &Atom, words: &mut WordsBuilder, names: &mut NameSets) -> Condition {
    match atom {
        Atom::Text(text) => Condition::Text(words.word(text, false)),
        Atom::Reference(qualified) => Condition::Reference(names.add(qualified, false)),
        Atom::Where(text, holds) => Condition::Where(words.word(text, true), *holds),
        Atom::Within(anchor, inside) => {
            let start = match anchor {
                Anchor::Call(qualified) => Start::Call(names.add(qualified, true)),
                Anchor::Called(text) => Start::Called(words.word(text, true)),
                Anchor::Keyword(text) => Start::Keyword(words.word(text, true)),
            };
            let holds = match inside {
                Inside::Texts(texts) => {
                    Holds::Texts(texts.iter().map(|text| Needle::new(text)).collect())
                }
                Inside::Keyword(name, value) => Holds::Keyword(Needle::new(name), value.clone()),
                Inside::Commas(count) => Holds::Commas(*count),
                Inside::Check(check) => Holds::Check(*check),
                Inside::Argument(position, check) => Holds::Argument(*position, *check),
                Inside::References(qualified) => Holds::References(names.add(qualified, true)),
            };
            Condition::Within(start, holds)
        }
    }
}

/// Whether an argument's text may be `value`, maybe in parentheses or before a comment.
fn may_be_spelled(text: &str, value: &str) -> bool {
    let text = text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '\\'));
    text == value || text.contains('#')
}

/// Whether the name at `start` may be a keyword argument: `(name=` or `, name=`, not
/// `name ==`.
fn is_keyword_argument(bytes: &[u8], start: usize, length: usize) -> bool {
    let at = skip_blanks(bytes, start + length, true);
    bytes.get(at) == Some(&b'=')
        && bytes.get(at + 1) != Some(&b'=')
        && may_start_argument(bytes, start)
}

/// Whether a keyword argument may start at `at`: after `(` or `,`, maybe on an earlier line
/// and before a comment. A line with a quote before its first `#` is not read (the quote
/// may open a string that holds the `#`): it may end with anything.
fn may_start_argument(bytes: &[u8], mut at: usize) -> bool {
    let mut line_break = false;
    while at > 0 {
        at -= 1;
        match bytes[at] {
            b' ' | b'\t' | b'\x0c' | b'\\' => {}
            b'\n' | b'\r' => line_break = true,
            last => {
                let line_start = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |n| n + 1);
                let line = &bytes[line_start..=at];
                let Some(comment) = memchr::memchr(b'#', line).filter(|_| line_break) else {
                    return matches!(last, b'(' | b',');
                };
                let code = &line[..comment];
                if memchr::memchr2(b'"', b'\'', code).is_some() {
                    return true;
                }
                // Before the comment, or on the line before if the comment is alone.
                at = line_start + comment;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefilter(triggers: Triggers) -> Prefilter {
        let mut tracked = TrackedModules::default();
        tracked.track("numpy");
        Prefilter::new(&[Some(triggers)], &tracked)
    }

    fn names(names: &[&str]) -> Atom {
        Atom::Reference(names.iter().map(|name| name.to_string()).collect())
    }

    #[test]
    fn words_match_whole() {
        let filter = prefilter(Triggers::any(vec![
            Atom::Text("ptp".into()),
            Atom::Text(">>>".into()),
        ]));
        assert!(filter.may_report("x = a.ptp()"));
        assert!(!filter.may_report("x = a.ptp_max()"));
        assert!(filter.may_report("'''\n>>> x\n'''"));
        assert!(!filter.may_report("x = 1"));
        assert!(filter.may_report("\u{feff}x = a.ptp()"));
        assert!(!filter.may_report("x = éptp()"));
        let spelled = prefilter(Triggers::any(vec![
            Atom::Text("np.int".into()),
            Atom::Text("sum(".into()),
        ]));
        assert!(spelled.may_report("x = np.int(3)"));
        assert!(!spelled.may_report("x = np.int64(3) + np.cumsum(y)"));
        assert!(spelled.may_report("x = np.sum(y)"));
    }

    #[test]
    fn references_follow_imports_and_chains() {
        let filter = prefilter(Triggers::any(vec![names(&["numpy.float_", "numpy.core"])]));
        assert!(filter.may_report("import numpy as np\nx = np.float_"));
        assert!(filter.may_report("import numpy as np\nx = (np\n  .float_)"));
        assert!(filter.may_report("import os, numpy \\\n  as xp\nx = xp . float_"));
        assert!(filter.may_report("from numpy import (\n  int8,  # small\n  float_ as f,\n)"));
        assert!(
            filter.may_report("def f():\n    import numpy.core.numeric as nx\n    return nx.x")
        );
        assert!(filter.may_report("from numpy import core\ncore.numeric.x"));
        assert!(filter.may_report("import numpy.ma\nx = numpy.float_"));
        assert!(filter.may_report("import numpy.core\n"));
        assert!(!filter.may_report("import numpy.ma\nx = numpy.float64"));
        assert!(filter.may_report("from numpy.core.numeric import asarray"));
        assert!(filter.may_report("from numpy import *\n"));
        assert!(!filter.may_report("import numpy as np\nx = np.float64"));
        assert!(!filter.may_report("import jax.numpy as np\nx = np.zeros"));
        assert!(!filter.may_report("x = 'numpy.float_'  # numpy is only mentioned"));
        // Over-approximation: a rebound name still counts.
        assert!(filter.may_report("import numpy as np\nnp = 1\nnp.float_"));
    }

    #[test]
    fn references_inside_a_call() {
        let filter = prefilter(Triggers::any(vec![Atom::Within(
            Anchor::Called("int".into()),
            Inside::References(vec!["numpy.where".into()]),
        )]));
        assert!(filter.may_report("import numpy as np\nint(np.where(m)[0])"));
        assert!(filter.may_report("from numpy import where as w\nint(\n  w(m)[0])"));
        assert!(!filter.may_report("import numpy as np\nint(x)\nnp.where(m)"));
        assert!(!filter.may_report("import numpy as np\nint(where(m))"));
        assert!(filter.may_report("from numpy import *\nint(x)"));
    }

    #[test]
    fn calls_that_import_bind_names() {
        let filter = prefilter(Triggers::any(vec![names(&["numpy.float_"])]));
        assert!(filter.may_report("np = pytest.importorskip('numpy')\nnp.float_"));
        assert!(filter.may_report("a = b = importlib . import_module(\n  \"numpy\")\nb.float_"));
        assert!(filter.may_report("a = b = importlib.import_module('numpy')\na.float_"));
        assert!(filter.may_report("m = __import__('numpy.linalg')\nm.float_"));
        assert!(!filter.may_report("m = __import__('numpy.linalg')\nnp.float_"));
        assert!(!filter.may_report("m == pytest.importorskip('numpy')\nm.float_"));
        assert!(!filter.may_report("m = load('numpy')\nm.float_"));
    }

    #[test]
    fn from_imports_are_told_by_what_precedes_import() {
        let filter = prefilter(Triggers::any(vec![names(&["numpy.float_"])]));
        assert!(filter.may_report("from numpy import float_"));
        assert!(filter.may_report("\u{feff}from numpy import float_"));
        assert!(filter.may_report("x = 1; from numpy import float_"));
        assert!(filter.may_report("if x:from  numpy\\\n import float_"));
        assert!(!filter.may_report("from  numpy . core\\\n import float_"));
        assert!(filter.may_report("from\tnumpy \\\r\n  import float_"));
        // Relative imports are of the package itself, never of NumPy.
        assert!(!filter.may_report("from .numpy import float_"));
        assert!(!filter.may_report("from . import numpy\nnumpy.float_"));
        assert!(!filter.may_report("from ..numpy import float_"));
        assert!(!filter.may_report("from numpy_extra import float_"));
        // Text that is no import statement does not hide the real ones.
        assert!(
            filter.may_report("'''text from which numpy import'''\nimport numpy\nnumpy.float_")
        );
    }

    #[test]
    fn uses_of_names_that_cannot_matter_are_not_searched() {
        let sets = |atom: Atom| {
            let mut sets = NameSets::default();
            match atom {
                Atom::Reference(names) => sets.add(&names, false),
                Atom::Within(Anchor::Call(names), _) => sets.add(&names, true),
                _ => unreachable!(),
            };
            sets
        };
        let removed = sets(names(&["numpy.core.numeric", "numpy.float_"]));
        assert!(removed.uses_matter("numpy"));
        assert!(removed.uses_matter("numpy.core"));
        // An import of these (or of a name inside them) is already a reference.
        assert!(!removed.uses_matter("numpy.float_"));
        assert!(!removed.uses_matter("numpy.core.numeric.asarray"));
        assert!(!removed.uses_matter("numpy.zeros"));
        let call = Atom::Within(
            Anchor::Call(vec!["numpy.fft.fftn".into()]),
            Inside::Commas(1),
        );
        let calls = sets(call);
        assert!(calls.uses_matter("numpy.fft"));
        // Its uses are the calls.
        assert!(calls.uses_matter("numpy.fft.fftn"));
        assert!(calls.uses_matter("numpy.fft.fftn.inner"));
        assert!(!calls.uses_matter("numpy.fft.ifftn"));
        // Through a name that is not searched, the anchor is still found.
        let filter = prefilter(Triggers::any(vec![
            names(&["numpy.float_"]),
            Atom::Within(
                Anchor::Call(vec!["numpy.array".into()]),
                Inside::Texts(vec!["copy".into()]),
            ),
        ]));
        assert!(filter.may_report("from numpy import array, zeros\nzeros(3)\narray(x, copy=1)"));
        assert!(!filter.may_report("from numpy import array, zeros\narray(x)\nzeros(copy)"));
    }

    #[test]
    fn groups_must_all_hold() {
        let triggers = Triggers {
            alternatives: vec![vec![
                vec![names(&["numpy.array"])],
                vec![Atom::Text("copy".into())],
            ]],
        };
        let filter = prefilter(triggers);
        assert!(filter.may_report("import numpy as np\nnp.array(x, copy=False)"));
        assert!(!filter.may_report("import numpy as np\nnp.array(x)"));
        assert!(!filter.may_report("import numpy as np\nnp.asarray(x, copy=False)"));
    }

    #[test]
    fn within_the_arguments_of_a_call() {
        let copy = Atom::Within(
            Anchor::Call(vec!["numpy.array".into()]),
            Inside::Texts(vec!["copy".into()]),
        );
        let filter = prefilter(Triggers::any(vec![copy]));
        assert!(filter.may_report("import numpy as np\nnp.array(x, copy= False)"));
        assert!(filter.may_report("from numpy import array as A\nA(\n  x,  # )\n  copy=False)"));
        assert!(!filter.may_report("import numpy as np\nnp.array(x).astype(y, copy=False)"));
        assert!(!filter.may_report("import numpy as np\nnp.array(x, ')', copy_=1)"));
        // Where the scan is lost, the call may hold anything.
        assert!(filter.may_report("import numpy as np\nnp.array(f'{x)"));
        assert!(!filter.may_report("import numpy as np\nnp.array(f'{x:{y}}')"));
        let commas = Atom::Within(
            Anchor::Call(vec!["numpy.maximum".into()]),
            Inside::Commas(2),
        );
        let filter = prefilter(Triggers::any(vec![commas]));
        assert!(filter.may_report("import numpy as np\nnp.maximum(a, b, out)"));
        assert!(!filter.may_report("import numpy as np\nnp.maximum(f(a, b), c)"));
    }

    #[test]
    fn within_a_keyword_value_or_method_call() {
        let aliases = || Inside::Texts(vec!["\"a\"".into()]);
        let filter = prefilter(Triggers::any(vec![
            Atom::Within(Anchor::Keyword("dtype".into()), aliases()),
            Atom::Within(Anchor::Called("astype".into()), aliases()),
        ]));
        assert!(filter.may_report("f(x, dtype = [('x', \"a\")])"));
        assert!(filter.may_report("x.astype(\"a\")"));
        assert!(!filter.may_report("f(dtype=x, mode=\"a\")"));
        assert!(!filter.may_report("if dtype == \"a\": pass"));
        assert!(!filter.may_report("open(p, \"a\").astype"));
    }

    #[test]
    fn where_a_check_holds() {
        fn after_dot(source: &str, starts: &[usize]) -> bool {
            starts.iter().any(|start| source[..*start].ends_with('.'))
        }
        let filter = prefilter(Triggers::any(vec![Atom::Where("shape".into(), after_dot)]));
        assert!(filter.may_report("a.shape = 1"));
        assert!(!filter.may_report("shape = 1"));
    }

    #[test]
    fn overlapping_words() {
        assert!(!may_overlap("__array__", "__array_wrap__"));
        assert!(!may_overlap("dtype", "type"));
        assert!(may_overlap("np.float_", "float_"));
        assert!(may_overlap("a.b", "b.c"));
        assert!(may_overlap("sum(", "sum"));
        // Found either way: occurrences of `>>>` overlap only each other.
        let filter = prefilter(Triggers::any(vec![
            Atom::Text(">>>".into()),
            Atom::Text("__array__".into()),
        ]));
        assert!(filter.may_report(">>>>"));
    }
}
