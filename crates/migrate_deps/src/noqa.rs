//! `# noqa` in dependency files: `# noqa` silences every finding on its line, `# noqa: NP301`
//! (codes separated by commas or spaces) the findings of those codes. For intentional pins,
//! such as a test of the oldest supported versions.

/// Whether a comment on `line` silences a finding of `code`.
pub fn suppresses(line: &str, code: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let mut search = 0;
    while let Some(at) = lower[search..].find('#') {
        let comment = lower[search + at + 1..].trim_start();
        search += at + 1;
        let Some(rest) = comment.strip_prefix("noqa") else {
            continue;
        };
        let Some(codes) = rest.trim_start().strip_prefix(':') else {
            // `# noqa` alone (or followed by prose): every code.
            return rest
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
        };
        return codes
            .split(|c: char| c == ',' || c.is_whitespace())
            .take_while(|word| word.is_empty() || is_code(word))
            .any(|word| word.eq_ignore_ascii_case(code));
    }
    false
}

/// `NP301`, `npy201`: letters, then digits.
fn is_code(word: &str) -> bool {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < word.len() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::suppresses;

    #[test]
    fn directives() {
        assert!(suppresses("numpy<2  # noqa", "NP301"));
        assert!(suppresses("numpy<2  # NOQA: NP301", "NP301"));
        assert!(suppresses("'numpy<2',  # noqa: NP303, NP301", "NP301"));
        assert!(suppresses(
            "numpy==1.20.0 # minimum versions # noqa:NP301 NP303",
            "NP303"
        ));
        assert!(!suppresses("numpy<2  # noqa: NP303", "NP301"));
        assert!(!suppresses("numpy<2  # no qa", "NP301"));
        assert!(!suppresses("numpy<2  # noqaz", "NP301"));
        assert!(!suppresses("numpy<2", "NP301"));
        assert!(!suppresses(
            "numpy<2  # noqa: NP303 because NP301 is fine",
            "NP301"
        ));
    }
}
