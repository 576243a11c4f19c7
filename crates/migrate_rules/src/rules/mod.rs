//! One rule per file.

pub mod abstract_dtype;
pub mod array_copy_false;
pub mod array_finalize_none;
pub mod array_protocol;
pub mod call_shape;
pub mod can_cast_scalar;
pub mod changed_default;
pub mod cross_2d;
pub mod doctest_name;
pub mod dtype_alias;
pub mod dtype_spelling;
pub mod flat_float_index;
pub mod float_as_integer;
pub mod inexact_mode;
pub mod int_out_of_bounds;
pub mod ndarray_method;
pub mod nonzero_0d;
pub mod private_module;
pub mod removed_argument;
pub mod removed_name;
pub mod scalar_conversion;
pub mod timedelta_generic;
pub mod tuple_result;
pub mod ufunc_argument;
pub mod ufunc_where;
