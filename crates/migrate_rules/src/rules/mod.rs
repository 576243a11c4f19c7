//! One rule per file.

pub mod dtype_alias;
pub mod private_module;
pub mod removed_name;
