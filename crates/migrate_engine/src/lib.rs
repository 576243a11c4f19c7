//! The engine of `migrate`: it knows Python, not NumPy.
//!
//! * [`source`]: a file's text, lines and positions;
//! * [`semantic`]: which names refer to which imported modules;
//! * [`checker`]: rules and the walk that runs them;
//! * [`edit`]: edits, fixes and applying them; [`syntax_edits`]: edits that know Python;
//! * [`prefilter`]: telling from the bytes that no rule can report in a file;
//! * [`project`]: the project's own modules, for the names they re-export;
//! * [`nesting`]: refusing sources too deeply nested to check;
//! * [`lint`]: check or fix one source text; [`notebook`]: the same for a Jupyter notebook.

pub mod assignments;
pub mod checker;
pub mod diagnostic;
pub mod edit;
pub mod lint;
pub mod nesting;
pub mod noqa;
pub mod notebook;
pub mod prefilter;
pub mod project;
pub mod semantic;
pub mod source;
pub mod syntax_edits;

pub use ruff_python_ast as ast;
pub use ruff_python_parser as parser;
pub use ruff_text_size as text_size;
