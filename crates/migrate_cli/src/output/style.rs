//! Colors for the human-readable formats: on a terminal, unless `NO_COLOR` says otherwise;
//! anywhere when `FORCE_COLOR` asks (as Ruff decides).

use std::fmt::Display;

use anstyle::{AnsiColor, Style};

pub const CODE: Style = AnsiColor::Red.on_default().bold();
pub const FIXABLE: Style = AnsiColor::Cyan.on_default();
pub const EMPHASIS: Style = Style::new().bold();
pub const GUTTER: Style = AnsiColor::Blue.on_default().bold();
pub const UNDERLINE: Style = AnsiColor::Red.on_default().bold();
pub const HELP: Style = AnsiColor::Cyan.on_default().bold();
pub const REMOVED: Style = AnsiColor::Red.on_default();
pub const ADDED: Style = AnsiColor::Green.on_default();
pub const DONE: Style = AnsiColor::Green.on_default().bold();

/// Whether to color output that goes to a terminal (`is_terminal`) or not, given the
/// environment: a non-empty `FORCE_COLOR` forces colors, a non-empty `NO_COLOR` forbids them.
pub fn color_wanted(is_terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|value| !value.is_empty());
    if set("FORCE_COLOR") {
        true
    } else if set("NO_COLOR") {
        false
    } else {
        is_terminal
    }
}

/// Styles text, or leaves it plain.
pub struct Paint {
    enabled: bool,
}

impl Paint {
    pub fn new(enabled: bool) -> Self {
        Self { enabled }
    }

    pub fn paint(&self, style: Style, text: impl Display) -> String {
        if self.enabled {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(is_terminal: bool, vars: &[(&str, &str)]) -> bool {
        color_wanted(is_terminal, |name| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn terminals_get_colors_unless_the_environment_says_otherwise() {
        assert!(wanted(true, &[]));
        assert!(!wanted(false, &[]));
        assert!(!wanted(true, &[("NO_COLOR", "1")]));
        assert!(wanted(true, &[("NO_COLOR", "")]));
        assert!(wanted(false, &[("FORCE_COLOR", "1")]));
        assert!(wanted(false, &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
        assert!(!wanted(false, &[("FORCE_COLOR", "")]));
    }

    #[test]
    fn plain_paint_adds_nothing() {
        assert_eq!(Paint::new(false).paint(CODE, "NP201"), "NP201");
        assert_eq!(
            Paint::new(true).paint(CODE, "NP201"),
            "\u{1b}[1m\u{1b}[31mNP201\u{1b}[0m"
        );
    }
}
