//! Building the rules' [`Triggers`](migrate_engine::prefilter::Triggers).

use migrate_engine::prefilter::{Anchor, Atom, Inside};

/// A reference atom for these qualified names.
pub fn references<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Atom {
    Atom::Reference(owned(names))
}

/// A call of one of `functions` (qualified names) with one of `words` in its arguments.
pub fn call_with<S: AsRef<str>>(functions: impl IntoIterator<Item = S>, words: &[&str]) -> Atom {
    Atom::Within(Anchor::Call(owned(functions)), Inside::Texts(owned(words)))
}

fn owned<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Vec<String> {
    names
        .into_iter()
        .map(|name| name.as_ref().to_string())
        .collect()
}
