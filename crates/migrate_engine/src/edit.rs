//! Text edits, fixes (edits that must be applied together) and applying them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use ruff_text_size::{Ranged, TextRange, TextSize};

/// Replace `range` with `content` (an insertion when the range is empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    range: TextRange,
    content: Box<str>,
}

impl Edit {
    pub fn replace(range: TextRange, content: impl Into<Box<str>>) -> Self {
        Self {
            range,
            content: content.into(),
        }
    }

    pub fn insert(offset: TextSize, content: impl Into<Box<str>>) -> Self {
        Self::replace(TextRange::empty(offset), content)
    }

    pub fn delete(range: TextRange) -> Self {
        Self::replace(range, "")
    }

    pub fn content(&self) -> &str {
        &self.content
    }

    /// Whether the two edits cannot both be applied with a well-defined result.
    fn overlaps(&self, other: &Edit) -> bool {
        let (a, b) = (self.range, other.range);
        match (a.is_empty(), b.is_empty()) {
            (false, false) => a.start() < b.end() && b.start() < a.end(),
            // An insertion conflicts with a replacement only strictly inside it.
            (true, false) => b.start() < a.start() && a.start() < b.end(),
            (false, true) => a.start() < b.start() && b.start() < a.end(),
            // Two insertions at one offset would have an order nobody chose.
            (true, true) => a.start() == b.start(),
        }
    }
}

impl Ranged for Edit {
    fn range(&self) -> TextRange {
        self.range
    }
}

/// Edits that only make sense together: either all are applied or none. Cheap to clone: the
/// diagnostics that one fix resolves (an import and all its uses) share it.
#[derive(Debug, Clone, Eq)]
pub struct Fix {
    edits: Arc<[Edit]>,
}

impl PartialEq for Fix {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.edits, &other.edits) || self.edits == other.edits
    }
}

impl Fix {
    pub fn new(mut edits: Vec<Edit>) -> Self {
        edits.sort_by(compare_edits);
        edits.dedup();
        Self {
            edits: edits.into(),
        }
    }

    pub fn edit(edit: Edit) -> Self {
        Self {
            edits: Arc::new([edit]),
        }
    }

    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// The first offset the fix touches, for ordering.
    pub fn start(&self) -> TextSize {
        self.edits
            .first()
            .map_or(TextSize::default(), Ranged::start)
    }
}

/// Source order; an insertion comes before a replacement that starts at the same offset.
fn compare_edits(a: &Edit, b: &Edit) -> std::cmp::Ordering {
    (a.range.start(), a.range.end(), &a.content).cmp(&(b.range.start(), b.range.end(), &b.content))
}

/// The result of applying fixes to a source text.
pub struct Applied {
    pub text: String,
    /// Whether each of the given fixes, in the order given, was applied (a fix identical to
    /// an applied one counts as applied).
    pub taken: Vec<bool>,
}

/// Apply every fix that does not overlap an already accepted one, in source order.
///
/// An edit identical to an accepted edit is not a conflict (two diagnostics may share the
/// insertion of one import), and it is applied once.
pub fn apply_fixes<'f>(source: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> Applied {
    let mut fixes: Vec<(usize, &Fix)> = fixes.into_iter().enumerate().collect();
    fixes.sort_by_key(|(_, fix)| fix.start());

    // Accepted edits never overlap, so by start they are also ordered by end.
    let mut accepted: BTreeMap<(TextSize, TextSize), &Edit> = BTreeMap::new();
    // A fix shared by several diagnostics is decided once.
    let mut decided: HashMap<*const [Edit], bool> = HashMap::new();
    let mut taken_fixes = vec![false; fixes.len()];
    for (index, fix) in fixes {
        let taken = *decided.entry(Arc::as_ptr(&fix.edits)).or_insert_with(|| {
            if fix.edits().iter().any(|edit| conflicts(&accepted, edit)) {
                return false;
            }
            for edit in fix.edits() {
                accepted.entry((edit.start(), edit.end())).or_insert(edit);
            }
            true
        });
        taken_fixes[index] = taken;
    }

    let mut text = String::with_capacity(source.len() + 64);
    let mut last = TextSize::default();
    for edit in accepted.values() {
        text.push_str(&source[TextRange::new(last, edit.start())]);
        text.push_str(edit.content());
        last = edit.end();
    }
    text.push_str(&source[usize::from(last)..]);
    debug_assert!(
        unchanged_outside(source, accepted.values().copied(), &text),
        "applying edits changed bytes outside them"
    );
    Applied {
        text,
        taken: taken_fixes,
    }
}

/// Whether `after` is `before` with `edits` (sorted, not overlapping) applied and nothing
/// else changed: every byte outside the edits is where it was, shifted by the edits before it.
pub fn unchanged_outside<'e>(
    before: &str,
    edits: impl IntoIterator<Item = &'e Edit>,
    after: &str,
) -> bool {
    let (before, after) = (before.as_bytes(), after.as_bytes());
    let mut in_before = 0;
    let mut in_after = 0;
    for edit in edits {
        let start = edit.start().to_usize();
        let gap = start - in_before;
        let content = edit.content().as_bytes();
        if before.get(in_before..start) != after.get(in_after..in_after + gap)
            || after.get(in_after + gap..in_after + gap + content.len()) != Some(content)
        {
            return false;
        }
        in_before = edit.end().to_usize();
        in_after += gap + content.len();
    }
    before.get(in_before..) == after.get(in_after..)
}

/// Whether `edit` conflicts with an accepted edit (an identical one is not a conflict).
fn conflicts(accepted: &BTreeMap<(TextSize, TextSize), &Edit>, edit: &Edit) -> bool {
    for taken in accepted
        .range(..=(edit.end(), TextSize::new(u32::MAX)))
        .rev()
        .map(|(_, taken)| *taken)
    {
        if taken.end() < edit.start() {
            return false;
        }
        if taken != edit && taken.overlaps(edit) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: u32, end: u32) -> TextRange {
        TextRange::new(start.into(), end.into())
    }

    #[test]
    fn applies_in_order_and_skips_overlaps() {
        let source = "abcdef";
        let first = Fix::edit(Edit::replace(range(0, 2), "X"));
        let overlapping = Fix::edit(Edit::replace(range(1, 3), "Y"));
        let later = Fix::edit(Edit::replace(range(4, 6), "Z"));
        let applied = apply_fixes(source, [&later, &overlapping, &first]);
        assert_eq!(applied.text, "XcdZ");
        assert_eq!(applied.taken, [true, false, true]);
    }

    #[test]
    fn unchanged_outside_checks_every_gap() {
        let edits = [
            Edit::replace(range(1, 2), "XY"),
            Edit::insert(3.into(), "+"),
        ];
        assert!(unchanged_outside("abcd", &edits, "aXYc+d"));
        assert!(!unchanged_outside("abcd", &edits, "aXYc+e"));
        assert!(!unchanged_outside("abcd", &edits, "bXYc+d"));
    }

    #[test]
    fn shared_edits_are_applied_once() {
        let import = Edit::insert(0.into(), "import ast\n");
        let a = Fix::new(vec![import.clone(), Edit::replace(range(0, 1), "A")]);
        let b = Fix::new(vec![import, Edit::replace(range(2, 3), "C")]);
        let applied = apply_fixes("abc", [&a, &b]);
        assert_eq!(applied.text, "import ast\nAbC");
        assert_eq!(applied.taken, [true, true]);
    }

    #[test]
    fn insertion_at_the_edge_of_a_replacement_is_not_a_conflict() {
        let a = Fix::edit(Edit::replace(range(0, 2), "X"));
        let b = Fix::edit(Edit::insert(2.into(), "+"));
        let applied = apply_fixes("abc", [&a, &b]);
        assert_eq!(applied.text, "X+c");
    }
}
