//! The small template language of fixes in `rules/numpy2.toml`:
//! `{numpy}` the file's numpy, `{args}` a call's arguments as written, `{0}`, `{1}` its
//! positional arguments (`{0:atom}` parenthesised unless atomic) and `{index}` a subscript.

use migrate_engine::ast::{self as ast, Expr};
use migrate_engine::source::SourceText;
use migrate_engine::syntax_edits::inside_parentheses;
use migrate_engine::text_size::Ranged;

/// The values a template is filled with, taken from the code being fixed.
#[derive(Default)]
pub struct Values<'s> {
    pub numpy: Option<&'s str>,
    pub call: Option<&'s ast::ExprCall>,
    pub index: Option<&'s Expr>,
    /// With `{args}`: the keywords that may be passed on (all when `None`).
    pub keywords: Option<&'s [String]>,
}

/// The number of positional arguments a template needs, when it names them one by one;
/// `None` when it takes the argument list as a whole (`{args}`) or none at all.
pub fn positional_arity(template: &str) -> Option<usize> {
    placeholders(template)
        .filter_map(|placeholder| placeholder.split(':').next()?.parse::<usize>().ok())
        .max()
        .map(|max| max + 1)
}

fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// Whether the template reads `{numpy}`.
pub fn uses_numpy(template: &str) -> bool {
    placeholders(template).any(|placeholder| placeholder == "numpy")
}

/// Fill `template`; `None` when the code does not have the shape the template needs.
pub fn render(template: &str, source: &SourceText, values: &Values) -> Option<String> {
    if let Some(arity) = positional_arity(template) {
        let call = values.call?;
        let exact = call.arguments.keywords.is_empty()
            && call.arguments.args.len() == arity
            && !call.arguments.args.iter().any(Expr::is_starred_expr);
        if !exact {
            return None;
        }
    }
    if let (Some(allowed), Some(call)) = (values.keywords, values.call) {
        let passes_others = call.arguments.keywords.iter().any(|keyword| {
            keyword
                .arg
                .as_ref()
                .is_none_or(|arg| !allowed.iter().any(|allowed| allowed == arg.as_str()))
        });
        if passes_others {
            return None;
        }
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let (name, after) = rest[open + 1..].split_once('}')?;
        out.push_str(&value(name, source, values)?);
        rest = after;
    }
    out.push_str(rest);
    Some(out)
}

fn value(name: &str, source: &SourceText, values: &Values) -> Option<String> {
    match name {
        "numpy" => values.numpy.map(str::to_string),
        "args" => {
            let arguments = &values.call?.arguments;
            Some(source.slice(inside_parentheses(arguments)).to_string())
        }
        "index" => values.index.and_then(|index| index_text(source, index)),
        _ => {
            let (position, format) = match name.split_once(':') {
                Some((position, format)) => (position, Some(format)),
                None => (name, None),
            };
            let arg = values
                .call?
                .arguments
                .args
                .get(position.parse::<usize>().ok()?)?;
            let text = argument_text(source, arg);
            match format {
                None => Some(text),
                Some("atom") if is_atomic(arg) => Some(text),
                Some("atom") => Some(format!("({text})")),
                Some(_) => None,
            }
        }
    }
}

/// An argument as written, parenthesised where it needs to be once it stands among other
/// arguments: a bare generator (`f(x for x in y)`), `yield`, an assignment expression.
fn argument_text(source: &SourceText, arg: &Expr) -> String {
    let text = source.slice(arg.range());
    match arg {
        Expr::Generator(generator) if !generator.parenthesized => format!("({text})"),
        Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Named(_) | Expr::Lambda(_) => {
            format!("({text})")
        }
        _ => text.to_string(),
    }
}

/// A subscript's index as one argument: `np.nbytes[a, b]` indexes with the tuple `(a, b)`;
/// a slice is no value at all (`None`).
fn index_text(source: &SourceText, index: &Expr) -> Option<String> {
    match index {
        Expr::Slice(_) | Expr::Starred(_) => None,
        Expr::Tuple(tuple)
            if tuple
                .elts
                .iter()
                .any(|elt| elt.is_slice_expr() || elt.is_starred_expr()) =>
        {
            None
        }
        Expr::Tuple(tuple) if !tuple.parenthesized => {
            Some(format!("({})", source.slice(index.range())))
        }
        _ => Some(argument_text(source, index)),
    }
}

/// Whether `expr` can take `.attribute` without parentheses.
fn is_atomic(expr: &Expr) -> bool {
    match expr {
        Expr::NumberLiteral(number) => !number.value.is_int(),
        Expr::Generator(generator) => generator.parenthesized,
        Expr::Tuple(tuple) => tuple.parenthesized,
        _ => matches!(
            expr,
            Expr::Name(_)
                | Expr::Attribute(_)
                | Expr::Call(_)
                | Expr::Subscript(_)
                | Expr::List(_)
                | Expr::Dict(_)
                | Expr::Set(_)
                | Expr::ListComp(_)
                | Expr::SetComp(_)
                | Expr::DictComp(_)
                | Expr::StringLiteral(_)
                | Expr::BytesLiteral(_)
                | Expr::FString(_)
                | Expr::NoneLiteral(_)
                | Expr::BooleanLiteral(_)
                | Expr::EllipsisLiteral(_)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arity_comes_from_positional_placeholders() {
        assert_eq!(positional_arity("{numpy}.sort({0}, axis=0)"), Some(1));
        assert_eq!(
            positional_arity("{numpy}.transpose({0:atom}, {1})"),
            Some(2)
        );
        assert_eq!(positional_arity("{numpy}.isin({args}).ravel()"), None);
        assert!(uses_numpy("{numpy}.isin({args})"));
        assert!(!uses_numpy("print({0})"));
    }
}
