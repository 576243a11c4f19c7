//! One rule per file.

pub mod removed_name;
