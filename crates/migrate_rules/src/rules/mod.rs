//! One rule per file.

pub mod dtype_alias;
pub mod removed_name;
