//! Scope- and flow-aware name resolution, limited to the names that can refer to a tracked
//! module (for `migrate`, NumPy).
//!
//! Python decides what a name means at run time; we approximate it the way a reader would:
//!
//! * Imports create bindings: `import numpy as np` binds `np` to the module `numpy`,
//!   `from numpy import float_ as F` binds `F` to the member `numpy.float_`.
//! * Module and class bodies run top to bottom: a use sees the bindings that reach it through
//!   the branches of `if`, `try`, loops and `match` (every one of them, merged).
//! * A function body runs later: a name assigned anywhere in the function is local to it;
//!   any other name may see every binding of its enclosing scope.
//!
//! A use resolves to a qualified name only when every binding that can reach it agrees (a
//! `name = None` fallback is ignored: it has no attributes to migrate). A parameter, a local,
//! a rebinding or another module of the same name makes the use unresolved.

mod imports;

pub use imports::{IMPORTING_CALLS, LooseExports, ModuleExports, ProjectImports};

use ruff_python_ast::name::Name;
use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{
    self as ast, Comprehension, ExceptHandler, Expr, ExprContext, Parameters, Pattern, Stmt,
};
use ruff_python_parser::typing::{ParsedAnnotation, parse_type_annotation};
use ruff_text_size::{Ranged, TextRange, TextSize};
use rustc_hash::{FxHashMap, FxHashSet};

use imports::{
    FileImports, absolute_module, bound_name_of_from_import, bound_name_of_import, project_bindings,
};

/// The modules whose names are resolved, and the names their star imports bring in.
#[derive(Debug, Default)]
pub struct TrackedModules {
    roots: FxHashSet<Box<str>>,
    exports: FxHashMap<Box<str>, FxHashSet<Name>>,
}

impl TrackedModules {
    /// Track the top-level package `root` (e.g. `numpy`) and its submodules.
    pub fn track(&mut self, root: &str) {
        self.roots.insert(root.into());
    }

    /// `from module import *` binds `name` (only the names rules care about are needed).
    pub fn add_export(&mut self, module: &str, name: &str) {
        let names = match self.exports.get_mut(module) {
            Some(names) => names,
            None => self.exports.entry(module.into()).or_default(),
        };
        names.insert(Name::new(name));
    }

    /// The tracked top-level packages.
    pub fn roots(&self) -> impl Iterator<Item = &str> {
        self.roots.iter().map(|root| &**root)
    }

    pub fn is_tracked(&self, module: &str) -> bool {
        let root = module.split('.').next().unwrap_or(module);
        self.roots.contains(root)
    }

    fn exports(&self, module: &str) -> impl Iterator<Item = &Name> {
        self.exports.get(module).into_iter().flatten()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BindingId(u32);

/// Marks "possibly not bound here" in a set of reaching bindings.
const UNBOUND: BindingId = BindingId(u32::MAX);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingKind {
    /// `import a.b as x` (path `a.b`), or `import a.b` (binds `a`, path `a`).
    Module(Box<str>),
    /// `from a import b as x` (path `a.b`); also each name of `from a import *`.
    Member(Box<str>),
    /// `x = None`: a placeholder (as in `except ImportError: np = None`).
    None,
    /// Anything else: a parameter, an assignment, a function, another import...
    Other,
}

impl BindingKind {
    /// The qualified name the binding stands for, for imports of tracked modules.
    pub fn qualified_name(&self) -> Option<&str> {
        match self {
            BindingKind::Module(path) | BindingKind::Member(path) => Some(path),
            BindingKind::None | BindingKind::Other => None,
        }
    }
}

/// One place where a name is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    pub range: TextRange,
    /// Only this binding can reach the use (renaming the binding may rename the use).
    pub exclusive: bool,
    /// The attribute read from it, when the use is `name.attribute`.
    pub attribute: Option<ast::Identifier>,
}

#[derive(Debug)]
pub struct Binding {
    pub name: Name,
    pub kind: BindingKind,
    /// The name as written where it is bound (for `import numpy as np`, the alias `numpy as np`).
    pub range: TextRange,
    /// Whether it binds a name of the module scope.
    pub module_level: bool,
    /// Every read this binding can reach, in source order.
    pub uses: Vec<Use>,
    /// Whether it is read where no edit can reach (inside an escaped string annotation).
    pub has_opaque_uses: bool,
}

/// A read of a name that resolves to a tracked module or member.
#[derive(Debug)]
struct Read {
    range: TextRange,
    /// Every binding that can reach this read (without `UNBOUND`).
    reaching: Vec<BindingId>,
    /// A name that, here, is bound to the root package of the resolved module, if any.
    root_alias: Option<Name>,
    /// The attribute read from the name, when the read is `name.attribute`.
    attribute: Option<ast::Identifier>,
}

/// What a name read refers to.
#[derive(Debug, Clone, Copy)]
pub struct Resolution<'m> {
    pub binding: BindingId,
    /// The qualified name of the binding (`numpy`, `numpy.float_`, `numpy.core.numeric`).
    pub qualified_name: &'m str,
    /// A name bound to the root package here, e.g. `np` for `numpy`, if any.
    pub root_alias: Option<&'m str>,
}

#[derive(Default)]
pub struct SemanticModel {
    bindings: Vec<Binding>,
    binding_at: FxHashMap<TextSize, BindingId>,
    reads: FxHashMap<TextSize, Read>,
    annotations: FxHashMap<TextSize, ParsedAnnotation>,
    bound_names: FxHashSet<Name>,
    loaded_names: FxHashSet<Name>,
    /// `from somewhere_else import *` can bind any name.
    foreign_star_import: bool,
    /// Names listed in the module's `__all__`.
    dunder_all: FxHashSet<Name>,
}

impl SemanticModel {
    /// The model of `module`; `project` resolves the imports from the project's own modules.
    pub fn build(
        module: &ast::ModModule,
        source: &str,
        tracked: &TrackedModules,
        project: Option<&dyn ProjectImports>,
    ) -> Self {
        let imports = FileImports::new(&module.body, tracked, project);
        let interesting = &imports.interesting;
        let mut declarations = Declarations {
            tracked,
            imports: &imports,
            interesting,
            scopes: vec![Scope::new(ScopeKind::Module, None)],
            stack: vec![ScopeId(0)],
            scope_at: FxHashMap::default(),
            model: SemanticModel::default(),
            binding_none: false,
        };
        declarations.visit_body(&module.body);
        let Declarations {
            scopes,
            scope_at,
            mut model,
            ..
        } = declarations;
        if interesting.is_empty() {
            return model;
        }

        let mut flow = Flow {
            source,
            interesting,
            scopes: &scopes,
            scope_at: &scope_at,
            frames: vec![Frame {
                scope: ScopeId(0),
                state: State::default(),
            }],
            model: &mut model,
            in_annotation: false,
            replays: 0,
        };
        flow.body(&module.body);
        model.attach_uses();
        model
    }

    fn attach_uses(&mut self) {
        let mut reads: Vec<&Read> = self.reads.values().collect();
        reads.sort_by_key(|read| read.range.start());
        for read in reads {
            let exclusive = read.reaching.len() == 1;
            for id in &read.reaching {
                self.bindings[id.0 as usize].uses.push(Use {
                    range: read.range,
                    exclusive,
                    attribute: read.attribute.clone(),
                });
            }
        }
    }

    pub fn binding(&self, id: BindingId) -> &Binding {
        &self.bindings[id.0 as usize]
    }

    /// The binding an import alias (`numpy as np`, `float_`) creates.
    pub fn import_binding(&self, alias: &ast::Alias) -> Option<BindingId> {
        self.binding_at.get(&alias.start()).copied()
    }

    /// What the name read at `name` refers to, if it is a tracked module or member.
    pub fn resolve_name(&self, name: &ast::ExprName) -> Option<Resolution<'_>> {
        self.resolution_at(name.start())
    }

    /// What the name read that starts at `offset` refers to (see [`Self::resolve_name`]).
    pub fn resolution_at(&self, offset: TextSize) -> Option<Resolution<'_>> {
        let read = self.reads.get(&offset)?;
        let (first, rest) = read.reaching.split_first()?;
        let qualified_name = self.binding(*first).kind.qualified_name()?;
        let agree = rest
            .iter()
            .all(|id| self.binding(*id).kind.qualified_name() == Some(qualified_name));
        agree.then_some(Resolution {
            binding: *first,
            qualified_name,
            root_alias: read.root_alias.as_deref(),
        })
    }

    /// Every binding of an interesting name, in source order.
    pub fn bindings(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter()
    }

    /// Every binding of `name` in the file, in any scope (only names imports of tracked
    /// modules bind are followed).
    pub fn bindings_named<'m>(&'m self, name: &'m str) -> impl Iterator<Item = &'m Binding> + 'm {
        self.bindings
            .iter()
            .filter(move |binding| binding.name == name)
    }

    /// The parsed expression of the string annotation that starts at `offset`.
    pub fn string_annotation(&self, offset: TextSize) -> Option<&ParsedAnnotation> {
        self.annotations.get(&offset)
    }

    /// Whether `name` is nowhere bound or read in the file, so a new binding cannot clash.
    pub fn is_unused_name(&self, name: &str) -> bool {
        !self.foreign_star_import
            && !self.bound_names.contains(name)
            && !self.loaded_names.contains(name)
    }

    /// Whether `name` means the builtin everywhere in the file.
    pub fn is_builtin_visible(&self, name: &str) -> bool {
        !self.foreign_star_import && !self.bound_names.contains(name)
    }

    /// Whether a `from elsewhere import *` may bind any name.
    pub fn has_foreign_star_import(&self) -> bool {
        self.foreign_star_import
    }

    pub fn in_dunder_all(&self, name: &str) -> bool {
        self.dunder_all.contains(name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ScopeId(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    /// Functions and lambdas: their bodies run later.
    Function,
    /// Comprehensions and generator expressions: they run at once.
    Comprehension,
}

struct Scope {
    kind: ScopeKind,
    parent: Option<ScopeId>,
    /// Every binding of an interesting name made in this scope.
    bindings: FxHashMap<Name, Vec<BindingId>>,
    /// Names declared `global` or `nonlocal` here.
    declared_elsewhere: FxHashMap<Name, Declared>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Declared {
    Global,
    Nonlocal,
}

impl Scope {
    fn new(kind: ScopeKind, parent: Option<ScopeId>) -> Self {
        Self {
            kind,
            parent,
            bindings: FxHashMap::default(),
            declared_elsewhere: FxHashMap::default(),
        }
    }
}

/// First pass: every scope, every binding of an interesting name, every bound and read name.
struct Declarations<'t> {
    tracked: &'t TrackedModules,
    imports: &'t FileImports,
    interesting: &'t FxHashSet<Name>,
    scopes: Vec<Scope>,
    stack: Vec<ScopeId>,
    /// Scopes by the start of the node that opens them.
    scope_at: FxHashMap<TextRange, ScopeId>,
    model: SemanticModel,
    /// The names being stored are assigned `None`.
    binding_none: bool,
}

impl Declarations<'_> {
    fn current(&self) -> ScopeId {
        *self.stack.last().expect("the module scope is never popped")
    }

    fn push_scope(&mut self, kind: ScopeKind, at: TextRange) {
        let id = ScopeId(u32::try_from(self.scopes.len()).expect("fewer than 2^32 scopes"));
        self.scopes.push(Scope::new(kind, Some(self.current())));
        self.scope_at.insert(at, id);
        self.stack.push(id);
    }

    fn pop_scope(&mut self) {
        self.stack.pop();
    }

    fn bind(&mut self, name: &Name, range: TextRange, kind: BindingKind) {
        self.model.bound_names.insert(name.clone());
        if !self.interesting.contains(name) {
            return;
        }
        let mut scope = self.current();
        if self.scopes[scope.0 as usize].declared_elsewhere.get(name) == Some(&Declared::Global) {
            scope = ScopeId(0);
        }
        let id =
            BindingId(u32::try_from(self.model.bindings.len()).expect("fewer than 2^32 bindings"));
        self.model.bindings.push(Binding {
            name: name.clone(),
            kind,
            range,
            module_level: scope == ScopeId(0),
            uses: Vec::new(),
            has_opaque_uses: false,
        });
        self.model.binding_at.entry(range.start()).or_insert(id);
        self.scopes[scope.0 as usize]
            .bindings
            .entry(name.clone())
            .or_default()
            .push(id);
    }

    fn bind_identifier(&mut self, identifier: &ast::Identifier) {
        self.bind(&identifier.id, identifier.range, BindingKind::Other);
    }

    fn bind_parameters(&mut self, parameters: &Parameters) {
        for parameter in parameters.iter() {
            self.bind_identifier(parameter.name());
        }
    }

    fn visit_parameter_defaults(&mut self, parameters: &Parameters) {
        for parameter in parameters.iter() {
            if let Some(default) = parameter.default() {
                self.visit_expr(default);
            }
            if let Some(annotation) = parameter.annotation() {
                self.visit_expr(annotation);
            }
        }
    }

    fn record_dunder_all(&mut self, value: &Expr) {
        let elements = match value {
            Expr::List(list) => &list.elts,
            Expr::Tuple(tuple) => &tuple.elts,
            _ => return,
        };
        for element in elements {
            if let Expr::StringLiteral(string) = element {
                self.model
                    .dunder_all
                    .insert(Name::new(string.value.to_str()));
            }
        }
    }
}

fn is_dunder_all(target: &Expr) -> bool {
    matches!(target, Expr::Name(name) if &name.id == "__all__")
}

impl<'a> Visitor<'a> for Declarations<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_decorator(decorator);
                }
                self.visit_parameter_defaults(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_expr(returns);
                }
                self.bind_identifier(&function.name);
                self.push_scope(ScopeKind::Function, function.range());
                self.bind_parameters(&function.parameters);
                self.visit_body(&function.body);
                self.pop_scope();
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.push_scope(ScopeKind::Class, class.range());
                self.visit_body(&class.body);
                self.pop_scope();
                self.bind_identifier(&class.name);
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let kind = if self.tracked.is_tracked(&alias.name) {
                        let path = match &alias.asname {
                            Some(_) => alias.name.as_str(),
                            None => alias.name.split('.').next().unwrap_or(&alias.name),
                        };
                        BindingKind::Module(path.into())
                    } else {
                        BindingKind::Other
                    };
                    self.bind(&bound_name_of_import(alias), alias.range, kind);
                }
            }
            Stmt::ImportFrom(import) => {
                if let Some(exports) = self.imports.project_module(import) {
                    for alias in &import.names {
                        for (name, kind) in project_bindings(exports, alias) {
                            self.bind(&name, alias.range, kind);
                        }
                        // Names a star import binds that the module does not export to us.
                        if &alias.name == "*" {
                            self.model.foreign_star_import = true;
                        }
                    }
                    return;
                }
                let module =
                    absolute_module(import).filter(|module| self.tracked.is_tracked(module));
                for alias in &import.names {
                    if &alias.name == "*" {
                        match module {
                            Some(module) => {
                                for name in self.tracked.exports(module) {
                                    let kind =
                                        BindingKind::Member(format!("{module}.{name}").into());
                                    self.bind(name, alias.range, kind);
                                }
                            }
                            None => self.model.foreign_star_import = true,
                        }
                        continue;
                    }
                    let kind = match module {
                        Some(module) => {
                            BindingKind::Member(format!("{module}.{}", alias.name).into())
                        }
                        None => BindingKind::Other,
                    };
                    self.bind(bound_name_of_from_import(alias), alias.range, kind);
                }
            }
            Stmt::Global(global) => {
                for name in &global.names {
                    let scope = self.current();
                    self.scopes[scope.0 as usize]
                        .declared_elsewhere
                        .insert(name.id.clone(), Declared::Global);
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    let scope = self.current();
                    self.scopes[scope.0 as usize]
                        .declared_elsewhere
                        .insert(name.id.clone(), Declared::Nonlocal);
                }
            }
            Stmt::Assign(assign) => {
                self.visit_expr(&assign.value);
                self.binding_none = assign.value.is_none_literal_expr();
                let imported = self.imports.imported_by_call(&assign.value);
                for target in &assign.targets {
                    match (target, imported) {
                        (Expr::Name(name), Some(module)) => {
                            self.bind(&name.id, name.range, BindingKind::Module(module.into()));
                        }
                        _ => self.visit_expr(target),
                    }
                }
                self.binding_none = false;
                if self.current() == ScopeId(0) && assign.targets.iter().any(is_dunder_all) {
                    self.record_dunder_all(&assign.value);
                }
            }
            Stmt::AugAssign(assign)
                if self.current() == ScopeId(0) && is_dunder_all(&assign.target) =>
            {
                self.record_dunder_all(&assign.value);
                walk_stmt(self, stmt);
            }
            Stmt::Try(try_stmt) => {
                self.visit_body(&try_stmt.body);
                for handler in &try_stmt.handlers {
                    let ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(type_) = &handler.type_ {
                        self.visit_expr(type_);
                    }
                    if let Some(name) = &handler.name {
                        self.bind_identifier(name);
                    }
                    self.visit_body(&handler.body);
                }
                self.visit_body(&try_stmt.orelse);
                self.visit_body(&try_stmt.finalbody);
            }
            Stmt::Match(match_stmt) => {
                self.visit_expr(&match_stmt.subject);
                for case in &match_stmt.cases {
                    self.visit_pattern(&case.pattern);
                    if let Some(guard) = &case.guard {
                        self.visit_expr(guard);
                    }
                    self.visit_body(&case.body);
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        for name in pattern_names(pattern) {
            self.bind_identifier(name);
        }
        ruff_python_ast::visitor::walk_pattern(self, pattern);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => {
                    self.model.loaded_names.insert(name.id.clone());
                }
                ExprContext::Store | ExprContext::Del => {
                    let kind = if self.binding_none {
                        BindingKind::None
                    } else {
                        BindingKind::Other
                    };
                    self.bind(&name.id, name.range, kind);
                }
                ExprContext::Invalid => {}
            },
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    self.visit_parameter_defaults(parameters);
                }
                self.push_scope(ScopeKind::Function, lambda.range());
                if let Some(parameters) = &lambda.parameters {
                    self.bind_parameters(parameters);
                }
                self.visit_expr(&lambda.body);
                self.pop_scope();
            }
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. })
            | Expr::Generator(ast::ExprGenerator { generators, .. }) => {
                let (first, rest) = generators
                    .split_first()
                    .expect("a comprehension has a generator");
                self.visit_expr(&first.iter);
                self.push_scope(ScopeKind::Comprehension, expr.range());
                self.visit_expr(&first.target);
                for condition in &first.ifs {
                    self.visit_expr(condition);
                }
                for generator in rest {
                    self.visit_comprehension(generator);
                }
                visit_comprehension_element(self, expr);
                self.pop_scope();
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                // An assignment expression binds in the enclosing function, not the comprehension.
                let depth = self
                    .stack
                    .iter()
                    .rposition(|id| self.scopes[id.0 as usize].kind != ScopeKind::Comprehension)
                    .unwrap_or(0);
                let saved = self.stack.split_off(depth + 1);
                self.visit_expr(&named.target);
                self.stack.extend(saved);
            }
            _ => walk_expr(self, expr),
        }
    }
}

fn visit_comprehension_element<'a, V: Visitor<'a> + ?Sized>(visitor: &mut V, expr: &'a Expr) {
    match expr {
        Expr::ListComp(comp) => visitor.visit_expr(&comp.elt),
        Expr::SetComp(comp) => visitor.visit_expr(&comp.elt),
        Expr::Generator(comp) => visitor.visit_expr(&comp.elt),
        Expr::DictComp(comp) => {
            if let Some(key) = &comp.key {
                visitor.visit_expr(key);
            }
            visitor.visit_expr(&comp.value);
        }
        _ => {}
    }
}

/// The names a pattern binds directly (not those of nested patterns).
fn pattern_names(pattern: &Pattern) -> impl Iterator<Item = &ast::Identifier> {
    let name = match pattern {
        Pattern::MatchAs(pattern) => pattern.name.as_ref(),
        Pattern::MatchStar(pattern) => pattern.name.as_ref(),
        Pattern::MatchMapping(pattern) => pattern.rest.as_ref(),
        _ => None,
    };
    name.into_iter()
}

/// Reaching bindings of the interesting names, for one running scope.
type State = FxHashMap<Name, Vec<BindingId>>;

struct Frame {
    scope: ScopeId,
    state: State,
}

/// Second pass: follow each scope's bindings in execution order and resolve every read.
struct Flow<'t> {
    source: &'t str,
    interesting: &'t FxHashSet<Name>,
    scopes: &'t [Scope],
    scope_at: &'t FxHashMap<TextRange, ScopeId>,
    frames: Vec<Frame>,
    model: &'t mut SemanticModel,
    in_annotation: bool,
    /// How many loop bodies are being walked a second time (bounded: each doubles the work).
    replays: u32,
}

/// Loops nested deeper than this are walked once, not twice.
const MAX_REPLAYS: u32 = 3;

fn merge(states: impl IntoIterator<Item = State>) -> State {
    let states: Vec<State> = states.into_iter().collect();
    let mut merged = State::default();
    for state in &states {
        for name in state.keys() {
            if merged.contains_key(name) {
                continue;
            }
            let mut reaching = Vec::new();
            for other in &states {
                match other.get(name) {
                    Some(ids) => reaching.extend(ids.iter().copied()),
                    None => reaching.push(UNBOUND),
                }
            }
            reaching.sort_unstable();
            reaching.dedup();
            merged.insert(name.clone(), reaching);
        }
    }
    merged
}

/// Whether control never falls off the end of `body`.
fn terminates(body: &[Stmt]) -> bool {
    matches!(
        body.last(),
        Some(Stmt::Return(_) | Stmt::Raise(_) | Stmt::Break(_) | Stmt::Continue(_))
    )
}

impl Flow<'_> {
    fn frame(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("a frame is always running")
    }

    fn state(&mut self) -> &mut State {
        &mut self.frame().state
    }

    fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.0 as usize]
    }

    /// The binding created at `range` (by the first pass) now reaches later reads.
    fn assign(&mut self, name: &Name, at: TextSize) {
        if !self.interesting.contains(name) {
            return;
        }
        let Some(&id) = self.model.binding_at.get(&at) else {
            return;
        };
        // Star imports bind several names at one offset: find this name's binding.
        let id = if self.model.bindings[id.0 as usize].name == *name {
            id
        } else {
            let scope = self.frames.last().expect("a frame is running").scope;
            match self.scope(scope).bindings.get(name).and_then(|ids| {
                ids.iter()
                    .copied()
                    .find(|id| self.model.bindings[id.0 as usize].range.start() == at)
            }) {
                Some(id) => id,
                None => return,
            }
        };
        self.state().insert(name.clone(), vec![id]);
    }

    fn unbind(&mut self, name: &Name) {
        if self.interesting.contains(name) {
            self.state().insert(name.clone(), vec![UNBOUND]);
        }
    }

    /// Every binding that may reach a read of `name` in the running frame.
    fn lookup(&self, name: &Name) -> Vec<BindingId> {
        let mut reaching = Vec::new();
        for frame in self.frames.iter().rev() {
            let scope = self.scope(frame.scope);
            match scope.kind {
                ScopeKind::Function => {
                    match scope.declared_elsewhere.get(name) {
                        Some(Declared::Global) => {
                            reaching.extend(self.all_bindings(ScopeId(0), name))
                        }
                        Some(Declared::Nonlocal) => {
                            reaching.extend(self.enclosing_bindings(scope.parent, name));
                        }
                        None if scope.bindings.contains_key(name) => {
                            reaching.extend(frame.state.get(name).into_iter().flatten().copied());
                        }
                        None => reaching.extend(self.enclosing_bindings(scope.parent, name)),
                    }
                    return reaching;
                }
                ScopeKind::Module => {
                    match frame.state.get(name) {
                        Some(ids) => reaching.extend(ids.iter().copied()),
                        None => reaching.push(UNBOUND),
                    }
                    return reaching;
                }
                // Class bodies and comprehensions run at once: a name they do not bind is
                // looked up in the enclosing frame as it is now.
                ScopeKind::Class | ScopeKind::Comprehension => match frame.state.get(name) {
                    Some(ids) if !ids.contains(&UNBOUND) => {
                        reaching.extend(ids.iter().copied());
                        return reaching;
                    }
                    Some(ids) => reaching.extend(ids.iter().copied()),
                    None => {}
                },
            }
        }
        reaching
    }

    fn all_bindings(&self, scope: ScopeId, name: &Name) -> impl Iterator<Item = BindingId> + '_ {
        self.scope(scope)
            .bindings
            .get(name)
            .into_iter()
            .flatten()
            .copied()
    }

    /// The bindings a function body may see for a free name: all of those of the nearest
    /// enclosing function or module scope that binds it (class scopes are not visible).
    fn enclosing_bindings(&self, mut scope: Option<ScopeId>, name: &Name) -> Vec<BindingId> {
        while let Some(id) = scope {
            let data = self.scope(id);
            let binds = data.bindings.contains_key(name);
            match data.kind {
                ScopeKind::Module => return self.all_bindings(id, name).collect(),
                ScopeKind::Function | ScopeKind::Comprehension if binds => {
                    return self.all_bindings(id, name).collect();
                }
                _ => scope = data.parent,
            }
        }
        Vec::new()
    }

    fn read(&mut self, name: &ast::ExprName, attribute: Option<&ast::Identifier>) {
        if !self.interesting.contains(&name.id) {
            return;
        }
        let mut reaching = self.lookup(&name.id);
        reaching.retain(|id| {
            *id != UNBOUND && self.model.bindings[id.0 as usize].kind != BindingKind::None
        });
        reaching.sort_unstable();
        reaching.dedup();
        if reaching.is_empty() {
            return;
        }
        let root_alias = self.root_alias_for(&reaching);
        self.model.reads.insert(
            name.start(),
            Read {
                range: name.range,
                reaching,
                root_alias,
                attribute: attribute.cloned(),
            },
        );
    }

    /// For a read of a member or submodule, a name bound here to its root package.
    fn root_alias_for(&self, reaching: &[BindingId]) -> Option<Name> {
        let kind = &self.model.bindings[reaching[0].0 as usize].kind;
        let qualified = kind.qualified_name()?;
        let root = qualified.split('.').next()?;
        if matches!(kind, BindingKind::Module(path) if &**path == root) {
            return None;
        }
        let mut candidates: Vec<&Name> = self
            .model
            .bindings
            .iter()
            .filter(|binding| matches!(&binding.kind, BindingKind::Module(path) if &**path == root))
            .map(|binding| &binding.name)
            .collect();
        candidates.dedup();
        candidates.into_iter().find_map(|candidate| {
            let mut ids = self.lookup(candidate);
            ids.retain(|id| *id != UNBOUND && self.model.bindings[id.0 as usize].kind != BindingKind::None);
            let only_root = !ids.is_empty()
                && ids.iter().all(|id| {
                    matches!(&self.model.bindings[id.0 as usize].kind, BindingKind::Module(path) if &**path == root)
                });
            only_root.then(|| candidate.clone())
        })
    }

    fn body(&mut self, body: &[Stmt]) {
        for stmt in body {
            self.stmt(stmt);
        }
    }

    /// Walk a branch from `entry`, returning its state at the end, or `None` if it never
    /// falls through.
    fn branch(
        &mut self,
        entry: &State,
        walk: impl FnOnce(&mut Self),
        body: &[Stmt],
    ) -> Option<State> {
        *self.state() = entry.clone();
        walk(self);
        let end = std::mem::take(self.state());
        (!terminates(body)).then_some(end)
    }

    fn merge_into_current(&mut self, before: State, ends: Vec<State>) {
        *self.state() = if ends.is_empty() { before } else { merge(ends) };
    }

    /// A loop body runs zero or more times: a read in it may see a binding made later in
    /// the body during an earlier iteration, so the body is walked again from the merged state.
    fn loop_body(&mut self, bind_target: impl Fn(&mut Self), body: &[Stmt]) {
        let before = self.state().clone();
        bind_target(self);
        self.body(body);
        if *self.state() != before && self.replays < MAX_REPLAYS {
            let after_first = std::mem::take(self.state());
            *self.state() = merge([before.clone(), after_first]);
            self.replays += 1;
            bind_target(self);
            self.body(body);
            self.replays -= 1;
        }
        let after = std::mem::take(self.state());
        *self.state() = merge([before, after]);
    }

    fn with_frame(&mut self, at: TextRange, walk: impl FnOnce(&mut Self)) {
        let Some(&scope) = self.scope_at.get(&at) else {
            return;
        };
        self.frames.push(Frame {
            scope,
            state: State::default(),
        });
        walk(self);
        self.frames.pop();
    }

    fn bind_parameters(&mut self, parameters: &Parameters) {
        for parameter in parameters.iter() {
            let name = parameter.name();
            self.assign(&name.id, name.start());
        }
    }

    fn parameter_defaults(&mut self, parameters: &Parameters) {
        for parameter in parameters.iter() {
            if let Some(default) = parameter.default() {
                self.expr(default);
            }
            if let Some(annotation) = parameter.annotation() {
                self.annotation(annotation);
            }
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.expr(&decorator.expression);
                }
                if let Some(type_params) = &function.type_params {
                    self.type_params(type_params);
                }
                self.parameter_defaults(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.annotation(returns);
                }
                self.with_frame(function.range(), |flow| {
                    flow.bind_parameters(&function.parameters);
                    flow.body(&function.body);
                });
                self.assign(&function.name.id, function.name.start());
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.expr(&decorator.expression);
                }
                if let Some(type_params) = &class.type_params {
                    self.type_params(type_params);
                }
                if let Some(arguments) = &class.arguments {
                    for argument in arguments.iter_source_order() {
                        match argument {
                            ast::ArgOrKeyword::Arg(arg) => self.expr(arg),
                            ast::ArgOrKeyword::Keyword(keyword) => self.expr(&keyword.value),
                        }
                    }
                }
                self.with_frame(class.range(), |flow| flow.body(&class.body));
                self.assign(&class.name.id, class.name.start());
            }
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    self.expr(value);
                }
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    self.expr(target);
                }
            }
            Stmt::TypeAlias(alias) => {
                if let Some(type_params) = &alias.type_params {
                    self.type_params(type_params);
                }
                self.annotation(&alias.value);
                self.expr(&alias.name);
            }
            Stmt::Assign(assign) => {
                self.expr(&assign.value);
                for target in &assign.targets {
                    self.expr(target);
                }
            }
            Stmt::AugAssign(assign) => {
                if let Expr::Name(name) = &*assign.target {
                    self.read(name, None);
                }
                self.expr(&assign.value);
                self.expr(&assign.target);
            }
            Stmt::AnnAssign(assign) => {
                self.annotation(&assign.annotation);
                if let Some(value) = &assign.value {
                    self.expr(value);
                    self.expr(&assign.target);
                } else if !matches!(&*assign.target, Expr::Name(_)) {
                    self.expr(&assign.target);
                }
            }
            Stmt::For(for_stmt) => {
                self.expr(&for_stmt.iter);
                self.loop_body(|flow| flow.expr(&for_stmt.target), &for_stmt.body);
                self.body(&for_stmt.orelse);
            }
            Stmt::While(while_stmt) => {
                self.expr(&while_stmt.test);
                self.loop_body(|flow| flow.expr(&while_stmt.test), &while_stmt.body);
                self.body(&while_stmt.orelse);
            }
            Stmt::If(if_stmt) => {
                self.expr(&if_stmt.test);
                let before = self.state().clone();
                let mut ends = Vec::new();
                ends.extend(self.branch(&before, |flow| flow.body(&if_stmt.body), &if_stmt.body));
                let mut has_else = false;
                for clause in &if_stmt.elif_else_clauses {
                    *self.state() = before.clone();
                    if let Some(test) = &clause.test {
                        self.expr(test);
                    } else {
                        has_else = true;
                    }
                    let entry = self.state().clone();
                    ends.extend(self.branch(&entry, |flow| flow.body(&clause.body), &clause.body));
                }
                if !has_else {
                    ends.push(before.clone());
                }
                self.merge_into_current(before, ends);
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.expr(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        self.expr(vars);
                    }
                }
                self.body(&with.body);
            }
            Stmt::Match(match_stmt) => {
                self.expr(&match_stmt.subject);
                let before = self.state().clone();
                let mut ends = vec![before.clone()];
                for case in &match_stmt.cases {
                    let end = self.branch(
                        &before,
                        |flow| {
                            flow.pattern(&case.pattern);
                            if let Some(guard) = &case.guard {
                                flow.expr(guard);
                            }
                            flow.body(&case.body);
                        },
                        &case.body,
                    );
                    ends.extend(end);
                }
                self.merge_into_current(before, ends);
            }
            Stmt::Raise(raise) => {
                if let Some(exc) = &raise.exc {
                    self.expr(exc);
                }
                if let Some(cause) = &raise.cause {
                    self.expr(cause);
                }
            }
            Stmt::Try(try_stmt) => self.try_stmt(try_stmt),
            Stmt::Assert(assert) => {
                self.expr(&assert.test);
                if let Some(msg) = &assert.msg {
                    self.expr(msg);
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    self.assign(&bound_name_of_import(alias), alias.start());
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    if &alias.name == "*" {
                        for name in self.interesting.iter() {
                            self.assign(name, alias.start());
                        }
                    } else {
                        self.assign(bound_name_of_from_import(alias), alias.start());
                    }
                }
            }
            Stmt::Expr(expr) => self.expr(&expr.value),
            Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Pass(_)
            | Stmt::Break(_)
            | Stmt::Continue(_)
            | Stmt::IpyEscapeCommand(_) => {}
        }
    }

    fn try_stmt(&mut self, try_stmt: &ast::StmtTry) {
        let before = self.state().clone();
        self.body(&try_stmt.body);
        let after_body = self.state().clone();
        let mut ends = Vec::new();
        // An exception may come from anywhere in the body.
        let handler_entry = merge([before.clone(), after_body.clone()]);
        for handler in &try_stmt.handlers {
            let ExceptHandler::ExceptHandler(handler) = handler;
            let end = self.branch(
                &handler_entry,
                |flow| {
                    if let Some(type_) = &handler.type_ {
                        flow.expr(type_);
                    }
                    if let Some(name) = &handler.name {
                        flow.assign(&name.id, name.start());
                    }
                    flow.body(&handler.body);
                    if let Some(name) = &handler.name {
                        flow.unbind(&name.id);
                    }
                },
                &handler.body,
            );
            ends.extend(end);
        }
        let else_end = self.branch(
            &after_body,
            |flow| flow.body(&try_stmt.orelse),
            &try_stmt.orelse,
        );
        let body_falls_through = !terminates(&try_stmt.body);
        if body_falls_through {
            ends.extend(else_end);
        }
        self.merge_into_current(before, ends);
        self.body(&try_stmt.finalbody);
    }

    fn type_params(&mut self, type_params: &ast::TypeParams) {
        for type_param in &type_params.type_params {
            if let ast::TypeParam::TypeVar(type_var) = type_param {
                if let Some(bound) = &type_var.bound {
                    self.annotation(bound);
                }
                if let Some(default) = &type_var.default {
                    self.annotation(default);
                }
            }
        }
    }

    fn pattern(&mut self, pattern: &Pattern) {
        for name in pattern_names(pattern) {
            self.assign(&name.id, name.start());
        }
        match pattern {
            Pattern::MatchValue(value) => self.expr(&value.value),
            Pattern::MatchSingleton(_) => {}
            Pattern::MatchSequence(sequence) => {
                sequence.patterns.iter().for_each(|p| self.pattern(p))
            }
            Pattern::MatchMapping(mapping) => {
                mapping.keys.iter().for_each(|key| self.expr(key));
                mapping.patterns.iter().for_each(|p| self.pattern(p));
            }
            Pattern::MatchClass(class) => {
                self.expr(&class.cls);
                class
                    .arguments
                    .patterns
                    .iter()
                    .for_each(|p| self.pattern(p));
                class
                    .arguments
                    .keywords
                    .iter()
                    .for_each(|keyword| self.pattern(&keyword.pattern));
            }
            Pattern::MatchStar(_) => {}
            Pattern::MatchAs(as_pattern) => {
                if let Some(inner) = &as_pattern.pattern {
                    self.pattern(inner);
                }
            }
            Pattern::MatchOr(or) => or.patterns.iter().for_each(|p| self.pattern(p)),
        }
    }

    fn annotation(&mut self, expr: &Expr) {
        let outer = std::mem::replace(&mut self.in_annotation, true);
        self.expr(expr);
        self.in_annotation = outer;
    }

    fn string_annotation(&mut self, string: &ast::ExprStringLiteral) {
        let Ok(parsed) = parse_type_annotation(string, self.source) else {
            return;
        };
        if parsed.kind().is_simple() {
            self.expr(parsed.expression());
        } else {
            // Its nodes all span the whole string: uses there cannot be edited one by one.
            let mut names = Vec::new();
            collect_names(parsed.expression(), &mut names);
            for name in names {
                for id in self.lookup(&name) {
                    if id != UNBOUND {
                        self.model.bindings[id.0 as usize].has_opaque_uses = true;
                    }
                }
            }
        }
        self.model.annotations.insert(string.start(), parsed);
    }

    fn expr(&mut self, expr: &Expr) {
        ExprWalker { flow: self }.visit_expr(expr);
    }
}

fn collect_names(expr: &Expr, names: &mut Vec<Name>) {
    struct Names<'n>(&'n mut Vec<Name>);
    impl<'a> Visitor<'a> for Names<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Name(name) = expr {
                self.0.push(name.id.clone());
            }
            walk_expr(self, expr);
        }
    }
    Names(names).visit_expr(expr);
}

/// Walks one expression for the flow pass (reads, stores, nested scopes).
struct ExprWalker<'f, 't> {
    flow: &'f mut Flow<'t>,
}

impl<'a> Visitor<'a> for ExprWalker<'_, '_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        let flow = &mut *self.flow;
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => flow.read(name, None),
                ExprContext::Store => flow.assign(&name.id, name.start()),
                ExprContext::Del => {
                    flow.read(name, None);
                    flow.unbind(&name.id);
                }
                ExprContext::Invalid => {}
            },
            Expr::Attribute(attribute) => match &*attribute.value {
                Expr::Name(name) if name.ctx == ExprContext::Load => {
                    flow.read(name, Some(&attribute.attr))
                }
                value => self.visit_expr(value),
            },
            Expr::StringLiteral(string) if flow.in_annotation => flow.string_annotation(string),
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    flow.parameter_defaults(parameters);
                }
                let outer = std::mem::replace(&mut flow.in_annotation, false);
                flow.with_frame(lambda.range(), |flow| {
                    if let Some(parameters) = &lambda.parameters {
                        flow.bind_parameters(parameters);
                    }
                    flow.expr(&lambda.body);
                });
                flow.in_annotation = outer;
            }
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. })
            | Expr::Generator(ast::ExprGenerator { generators, .. }) => {
                let (first, rest) = generators
                    .split_first()
                    .expect("a comprehension has a generator");
                flow.expr(&first.iter);
                flow.with_frame(expr.range(), |flow| {
                    flow.comprehension_target(first);
                    for generator in rest {
                        flow.expr(&generator.iter);
                        flow.comprehension_target(generator);
                    }
                    visit_comprehension_element(&mut ExprWalker { flow }, expr);
                });
            }
            Expr::Named(named) => {
                flow.expr(&named.value);
                // Binds in the nearest enclosing frame that is not a comprehension.
                let depth = flow
                    .frames
                    .iter()
                    .rposition(|frame| {
                        flow.scopes[frame.scope.0 as usize].kind != ScopeKind::Comprehension
                    })
                    .unwrap_or(0);
                let saved = flow.frames.split_off(depth + 1);
                flow.expr(&named.target);
                flow.frames.extend(saved);
            }
            _ => walk_expr(self, expr),
        }
    }
}

impl Flow<'_> {
    fn comprehension_target(&mut self, generator: &Comprehension) {
        self.expr(&generator.target);
        for condition in &generator.ifs {
            self.expr(condition);
        }
    }
}

#[cfg(test)]
mod tests {
    use ruff_python_ast::visitor::{Visitor, walk_expr};
    use ruff_python_ast::{Expr, PySourceType};
    use ruff_python_parser::parse_unchecked_source;

    use super::*;

    /// What each read of `name` resolves to, in source order (`-` when it does not).
    fn resolutions(source: &str, name: &str) -> Vec<String> {
        let parsed = parse_unchecked_source(source, PySourceType::Python);
        assert!(parsed.errors().is_empty(), "{:?}", parsed.errors());
        let mut tracked = TrackedModules::default();
        tracked.track("numpy");
        tracked.add_export("numpy", "float_");
        let model = SemanticModel::build(parsed.syntax(), source, &tracked, None);

        struct Reads<'n>(&'n str, Vec<TextSize>);
        impl<'a> Visitor<'a> for Reads<'_> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                if let Expr::Name(name) = expr
                    && name.id.as_str() == self.0
                    && name.ctx == ExprContext::Load
                {
                    self.1.push(name.start());
                }
                walk_expr(self, expr);
            }
        }
        let mut reads = Reads(name, Vec::new());
        reads.visit_body(&parsed.syntax().body);
        reads.1.sort();
        reads
            .1
            .iter()
            .map(|offset| {
                model
                    .resolution_at(*offset)
                    .map_or("-".to_string(), |r| r.qualified_name.to_string())
            })
            .collect()
    }

    #[test]
    fn imports_bind_modules_and_members() {
        let source = "import numpy as np\nimport numpy.linalg\nfrom numpy import float_ as f\nnp; numpy; f\n";
        assert_eq!(resolutions(source, "np"), ["numpy"]);
        assert_eq!(resolutions(source, "numpy"), ["numpy"]);
        assert_eq!(resolutions(source, "f"), ["numpy.float_"]);
    }

    #[test]
    fn calls_that_import_a_module_bind_it() {
        let source = "\
import importlib, pytest
from importlib import import_module as load
np = pytest.importorskip('numpy')
core = importlib.import_module('numpy.core.numeric')
linalg = load('numpy.linalg')
root = __import__('numpy.linalg')
other = importlib.import_module('scipy')
relative = importlib.import_module('.numpy', 'pkg')
dynamic = importlib.import_module('num' + 'py')
np; core; linalg; root; other; relative; dynamic
";
        assert_eq!(resolutions(source, "np"), ["numpy"]);
        assert_eq!(resolutions(source, "core"), ["numpy.core.numeric"]);
        assert_eq!(resolutions(source, "linalg"), ["numpy.linalg"]);
        assert_eq!(resolutions(source, "root"), ["numpy"]);
        for unresolved in ["other", "relative", "dynamic"] {
            assert_eq!(resolutions(source, unresolved), ["-"], "{unresolved}");
        }
        // Without an import of `pytest`, `pytest.importorskip` is some other object's method.
        let source = "pytest = object()\nnp = pytest.importorskip('numpy')\nnp\n";
        assert_eq!(resolutions(source, "np"), ["-"]);
    }

    #[test]
    fn module_bodies_follow_rebinding_and_branches() {
        let source = "\
import numpy as np
np
np = 1
np
if c:
    import numpy as np
np
try:
    import numpy as np
except ImportError:
    np = None
np
";
        assert_eq!(resolutions(source, "np"), ["numpy", "-", "-", "numpy"]);
    }

    #[test]
    fn functions_see_locals_parameters_and_every_enclosing_binding() {
        let source = "\
import numpy as np
def parameter(np):
    np
def local():
    np
    np = 1
def free():
    np
def nested():
    import numpy as inner
    def deeper():
        inner
    inner = 2
";
        assert_eq!(resolutions(source, "np"), ["-", "-", "numpy"]);
        // `inner` may be numpy or 2 when `deeper` runs.
        assert_eq!(resolutions(source, "inner"), ["-"]);
    }

    #[test]
    fn class_scopes_are_not_visible_from_methods() {
        let source = "\
class C:
    import numpy as cnp
    cnp
    def method(self):
        cnp
";
        assert_eq!(resolutions(source, "cnp"), ["numpy", "-"]);
    }

    #[test]
    fn loops_see_bindings_from_earlier_iterations() {
        let source = "\
import numpy as np
for i in range(2):
    np
    np = 1
np
";
        assert_eq!(resolutions(source, "np"), ["-", "-"]);
    }

    #[test]
    fn comprehensions_and_assignment_expressions() {
        let source = "\
import numpy as np
[np for np in range(3)]
[np for x in range(3)]
(np := 1)
np
";
        assert_eq!(resolutions(source, "np"), ["-", "numpy", "-"]);
    }

    #[test]
    fn star_imports_bind_the_exported_names() {
        let source = "from numpy import *\nfloat_\ndef f():\n    float_ = 1\n    float_\n";
        assert_eq!(resolutions(source, "float_"), ["numpy.float_", "-"]);
    }

    #[test]
    fn global_declarations_use_the_module_bindings() {
        let source = "\
def setup():
    global np
    import numpy as np
def use():
    np
";
        assert_eq!(resolutions(source, "np"), ["numpy"]);
    }

    #[test]
    fn names_in_string_annotations_resolve() {
        let source = "import numpy as np\ndef f(x: 'np.float_') -> None: ...\n";
        let parsed = parse_unchecked_source(source, PySourceType::Python);
        let mut tracked = TrackedModules::default();
        tracked.track("numpy");
        let model = SemanticModel::build(parsed.syntax(), source, &tracked, None);
        let np_in_string = TextSize::try_from(source.find("np.float_").unwrap()).unwrap();
        assert_eq!(
            model.resolution_at(np_in_string).unwrap().qualified_name,
            "numpy"
        );
    }
}
