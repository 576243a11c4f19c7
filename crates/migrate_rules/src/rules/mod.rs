//! One rule per file.

pub mod abstract_dtype;
pub mod array_copy_false;
pub mod array_protocol;
pub mod call_shape;
pub mod doctest_name;
pub mod dtype_alias;
pub mod dtype_spelling;
pub mod inexact_mode;
pub mod ndarray_method;
pub mod private_module;
pub mod removed_argument;
pub mod removed_name;
pub mod ufunc_argument;
