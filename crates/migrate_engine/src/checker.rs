//! Rules, and the walk that shows each rule the nodes it asked for.

use std::any::Any;
use std::cell::{OnceCell, RefCell};
use std::path::Path;
use std::rc::Rc;

use ruff_python_ast::visitor::source_order::{
    SourceOrderVisitor, TraversalSignal, walk_annotation, walk_expr, walk_stmt,
};
use ruff_python_ast::{self as ast, AnyNodeRef, Expr, ExprContext, Stmt};
use ruff_text_size::{Ranged, TextSize};
use rustc_hash::FxHashMap;

use crate::assignments::{Assigned, Assignments};
use crate::diagnostic::Diagnostic;
use crate::prefilter::{Prefilter, Triggers};
use crate::project::{Project, ProjectFile};
use crate::semantic::{Resolution, SemanticModel, TrackedModules};
use crate::source::SourceText;

/// A check over Python source. Each hook is called for every node of its kind.
pub trait Rule: Send + Sync {
    /// The code printed with each finding and accepted by `--select` and `# noqa: CODE`.
    fn code(&self) -> &'static str;

    /// Other `noqa` codes that silence this rule (e.g. Ruff's code for the same problem).
    fn noqa_aliases(&self) -> &'static [&'static str] {
        &[]
    }

    /// When the rule may report in a file, judged from its bytes (see [`Triggers`]); `None`:
    /// anywhere. A rule must never report where its triggers do not hold.
    fn triggers(&self) -> Option<Triggers> {
        None
    }

    /// A name or attribute chain that resolves to a tracked module or its members.
    fn reference<'a>(&self, _checker: &mut Checker<'a>, _reference: &Reference<'a>) {}

    fn stmt<'a>(&self, _checker: &mut Checker<'a>, _stmt: &'a Stmt) {}

    fn expr<'a>(&self, _checker: &mut Checker<'a>, _expr: &'a Expr) {}
}

/// The rules to run, the modules whose names they need resolved, and the prefilter of
/// files in which none of them can report.
pub struct RuleSet {
    rules: Vec<Box<dyn Rule>>,
    tracked: TrackedModules,
    prefilter: Option<Prefilter>,
    project: Project,
}

impl RuleSet {
    pub fn new(rules: Vec<Box<dyn Rule>>, tracked: TrackedModules) -> Self {
        let triggers: Vec<Option<Triggers>> = rules.iter().map(|rule| rule.triggers()).collect();
        let prefilter = Prefilter::new(&triggers, &tracked);
        Self {
            rules,
            tracked,
            prefilter: Some(prefilter),
            project: Project::default(),
        }
    }

    /// Read the project's modules again whenever they may have changed (for a process that
    /// outlives edits, the language server).
    #[must_use]
    pub fn revalidating_project_files(mut self) -> Self {
        self.project = Project::revalidating();
        self
    }

    /// Parse and check every file, even those the rules' triggers rule out.
    #[must_use]
    pub fn without_prefilter(mut self) -> Self {
        self.prefilter = None;
        self
    }

    /// Whether any rule may report in `source` at `path` (always, without the prefilter).
    pub fn may_report(&self, source: &str, path: &Path) -> bool {
        !self.active(source, &self.project_file(path)).is_empty()
    }

    /// The project's modules as the file at `path` imports them.
    pub fn project_file(&self, path: &Path) -> ProjectFile<'_> {
        self.project.file(path, &self.tracked)
    }

    /// The rules that may report in `source` (all, without the prefilter): only these run.
    pub(crate) fn active(&self, source: &str, project: &ProjectFile) -> Vec<&dyn Rule> {
        let Some(prefilter) = &self.prefilter else {
            return self.rules().collect();
        };
        self.rules()
            .zip(prefilter.rules_that_may_report(source, Some(project)))
            .filter_map(|(rule, may_report)| may_report.then_some(rule))
            .collect()
    }

    pub fn rules(&self) -> impl Iterator<Item = &dyn Rule> {
        self.rules.iter().map(Box::as_ref)
    }

    pub fn tracked(&self) -> &TrackedModules {
        &self.tracked
    }

    pub fn noqa_aliases(&self, code: &str) -> &'static [&'static str] {
        self.rules()
            .find(|rule| rule.code() == code)
            .map_or(&[], |rule| rule.noqa_aliases())
    }
}

/// A use of a tracked name: `np`, `np.float_`, `np.core.numeric.normalize_axis_index`, or a
/// name imported from a tracked module (`float_` after `from numpy import float_`).
pub struct Reference<'a> {
    /// The chain from its base name to the outermost attribute: `np`, `np.core`, `np.core.x`.
    links: Vec<&'a Expr>,
    /// The qualified name of the outermost link, e.g. `numpy.core.x`.
    qualified_name: String,
    /// `qualified_name[..ends[i]]` is the qualified name of `links[i]`.
    ends: Vec<usize>,
    pub resolution: Resolution<'a>,
}

impl<'a> Reference<'a> {
    /// The base name of the chain.
    pub fn base(&self) -> &'a ast::ExprName {
        self.links[0]
            .as_name_expr()
            .expect("a chain starts with a name")
    }

    /// The prefixes of the chain with their qualified names, longest first.
    pub fn prefixes(&self) -> impl Iterator<Item = (usize, &'a Expr, &str)> + '_ {
        (0..self.links.len()).rev().map(|index| {
            (
                index,
                self.links[index],
                &self.qualified_name[..self.ends[index]],
            )
        })
    }
}

/// Walks one module, runs the rules and collects what they report.
pub struct Checker<'a> {
    source: &'a SourceText<'a>,
    model: &'a SemanticModel,
    path: &'a Path,
    module: &'a ast::ModModule,
    /// The rules that may report in this module (see [`RuleSet::active`]).
    active: Vec<&'a dyn Rule>,
    /// The nodes enclosing the one being visited, outermost first.
    parents: Vec<AnyNodeRef<'a>>,
    /// The statements among them (and except handlers, elif clauses, lambdas), outermost
    /// first: a short list where `parents` can be as deep as the code nests expressions.
    statement_parents: Vec<AnyNodeRef<'a>>,
    in_annotation: bool,
    diagnostics: Vec<Diagnostic>,
    import_sites: OnceCell<FxHashMap<TextSize, ImportSite<'a>>>,
    /// Results rules compute once per file and share between findings (see [`Checker::memoized`]).
    memo: RefCell<Memo>,
    assignments: Assignments<'a>,
}

/// Results computed once per file, by kind and offset.
type Memo = FxHashMap<(&'static str, MemoKey), Box<dyn Any>>;

#[derive(PartialEq, Eq, Hash)]
enum MemoKey {
    Offset(TextSize),
    /// The address of a list of bindings, which lives as long as the checker, and a depth.
    Bindings(*const (), u32),
}

/// Where a name is imported: the statement, which of its names, and the block that holds it.
#[derive(Clone, Copy)]
pub struct ImportSite<'a> {
    pub stmt: &'a Stmt,
    pub alias: &'a ast::Alias,
    pub index: usize,
    pub body: &'a [Stmt],
    /// The statement is in the module's own body (not in a function, class or block).
    pub top_level: bool,
}

impl<'a> ImportSite<'a> {
    pub fn names(&self) -> &'a [ast::Alias] {
        match self.stmt {
            Stmt::Import(import) => &import.names,
            Stmt::ImportFrom(import) => &import.names,
            _ => &[],
        }
    }
}

impl<'a> Checker<'a> {
    pub(crate) fn new(
        source: &'a SourceText<'a>,
        model: &'a SemanticModel,
        path: &'a Path,
        module: &'a ast::ModModule,
        active: Vec<&'a dyn Rule>,
    ) -> Self {
        Self {
            source,
            model,
            path,
            module,
            active,
            parents: Vec::new(),
            statement_parents: Vec::new(),
            in_annotation: false,
            diagnostics: Vec::new(),
            import_sites: OnceCell::new(),
            memo: RefCell::new(FxHashMap::default()),
            assignments: Assignments::default(),
        }
    }

    pub(crate) fn run(mut self) -> Vec<Diagnostic> {
        self.visit_body(&self.module.body);
        self.diagnostics
    }

    pub fn source(&self) -> &'a SourceText<'a> {
        self.source
    }

    pub fn model(&self) -> &'a SemanticModel {
        self.model
    }

    pub fn module(&self) -> &'a ast::ModModule {
        self.module
    }

    pub fn path(&self) -> &'a Path {
        self.path
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The nodes that enclose the node being visited, innermost first.
    pub fn ancestors(&self) -> impl Iterator<Item = AnyNodeRef<'a>> + '_ {
        self.parents.iter().rev().copied()
    }

    /// Every binding of the local name `name` where it is read now: see
    /// [`Assignments::of`].
    pub fn assignments(&self, name: &str) -> Option<Rc<[Assigned<'a>]>> {
        self.assignments
            .of(name, self.statement_ancestors(), self.module)
    }

    /// The statements (and except handlers, elif clauses, lambdas) that enclose the node being
    /// visited, innermost first.
    pub fn statement_ancestors(&self) -> impl Iterator<Item = AnyNodeRef<'a>> + '_ {
        self.statement_parents.iter().rev().copied()
    }

    /// The node that directly encloses the node being visited.
    pub fn parent(&self) -> Option<AnyNodeRef<'a>> {
        self.parents.last().copied()
    }

    /// Where a new top-level import goes: the start of the first statement that is not the
    /// module docstring or a `from __future__` import, or the end of the file. `None` when
    /// that statement does not start a line (`"""doc"""; import x`).
    pub fn import_insertion(&self) -> Option<ImportInsertion> {
        let body = &self.module.body;
        let skip = body
            .iter()
            .enumerate()
            .take_while(|(index, stmt)| {
                is_future_import(stmt) || (*index == 0 && is_docstring(stmt))
            })
            .count();
        match body.get(skip) {
            Some(stmt) => {
                self.source
                    .indentation_before(stmt.start())
                    .filter(|indent| indent.is_empty())?;
                Some(ImportInsertion {
                    offset: stmt.start(),
                    before_statement: true,
                })
            }
            None => {
                let offset = match body.last() {
                    Some(last) => self.source.line_end(last.end()),
                    None => TextSize::default(),
                };
                Some(ImportInsertion {
                    offset,
                    before_statement: body.is_empty(),
                })
            }
        }
    }

    /// `compute()`, or its result from an earlier call with the same `kind` and `at`: for
    /// work that many findings share, such as the fix of an import and all its uses.
    pub fn memoized<T: Clone + 'static>(
        &self,
        kind: &'static str,
        at: TextSize,
        compute: impl FnOnce() -> T,
    ) -> T {
        self.memoized_by((kind, MemoKey::Offset(at)), compute)
    }

    /// `compute(bindings)` for the bindings of `name` where it is read now (see
    /// [`Checker::assignments`]), once per `kind`, `depth` and list of bindings: for a fact
    /// about a name that each of its reads would otherwise derive from all its bindings again.
    /// `depth` tells apart the results of a proof that stops some names deep.
    pub fn memoized_over_assignments<T: Clone + 'static>(
        &self,
        kind: &'static str,
        depth: u32,
        name: &str,
        compute: impl FnOnce(&[Assigned<'a>]) -> T,
    ) -> Option<T> {
        let assigned = self.assignments(name)?;
        let key = MemoKey::Bindings(Rc::as_ptr(&assigned).cast::<()>(), depth);
        Some(self.memoized_by((kind, key), || compute(&assigned)))
    }

    /// Whether `name` is bound where it is read now and every binding `holds` (memoized as
    /// [`Checker::memoized_over_assignments`]).
    pub fn every_assignment(
        &self,
        kind: &'static str,
        depth: u32,
        name: &str,
        holds: impl Fn(&Assigned<'a>) -> bool,
    ) -> bool {
        self.memoized_over_assignments(kind, depth, name, |assigned| {
            !assigned.is_empty() && assigned.iter().all(holds)
        })
        .unwrap_or(false)
    }

    fn memoized_by<T: Clone + 'static>(
        &self,
        key: (&'static str, MemoKey),
        compute: impl FnOnce() -> T,
    ) -> T {
        if let Some(value) = self
            .memo
            .borrow()
            .get(&key)
            .and_then(|value| value.downcast_ref::<T>())
        {
            return value.clone();
        }
        let value = compute();
        self.memo.borrow_mut().insert(key, Box::new(value.clone()));
        value
    }

    /// The import statement that binds a name at `alias_start` (the start of its alias).
    pub fn import_site(&self, alias_start: TextSize) -> Option<ImportSite<'a>> {
        self.import_sites
            .get_or_init(|| collect_import_sites(&self.module.body))
            .get(&alias_start)
            .copied()
    }

    /// The qualified name of a name or attribute chain that resolves to a tracked module or
    /// member (`numpy.dtype` for `np.dtype`).
    pub fn qualified_name(&self, expr: &'a Expr) -> Option<String> {
        self.reference_at(expr)
            .map(|reference| reference.qualified_name)
    }

    fn reference_at(&self, expr: &'a Expr) -> Option<Reference<'a>> {
        let mut links = Vec::new();
        let mut current = expr;
        loop {
            links.push(current);
            match current {
                Expr::Attribute(attribute) => current = &attribute.value,
                Expr::Name(_) => break,
                _ => return None,
            }
        }
        links.reverse();
        let base = links[0].as_name_expr()?;
        let resolution = self.model.resolve_name(base)?;
        let mut qualified_name = resolution.qualified_name.to_string();
        let mut ends = vec![qualified_name.len()];
        for link in &links[1..] {
            let attribute = link.as_attribute_expr()?;
            qualified_name.push('.');
            qualified_name.push_str(&attribute.attr);
            ends.push(qualified_name.len());
        }
        Some(Reference {
            links,
            qualified_name,
            ends,
            resolution,
        })
    }

    /// Whether `expr` is the outermost link of a load chain (not the value of an attribute).
    fn is_outermost_load_chain(&self, expr: &Expr) -> bool {
        let loads = match expr {
            Expr::Name(name) => name.ctx == ExprContext::Load,
            Expr::Attribute(attribute) => attribute.ctx == ExprContext::Load,
            _ => false,
        };
        loads
            && !matches!(self.parent(), Some(AnyNodeRef::ExprAttribute(parent)) if parent.value.range() == expr.range())
    }
}

/// Where and how to insert a new top-level import.
#[derive(Debug, Clone, Copy)]
pub struct ImportInsertion {
    pub offset: TextSize,
    /// The import goes before a statement (`import x<newline>`), otherwise after the last
    /// line (`<newline>import x`).
    pub before_statement: bool,
}

impl ImportInsertion {
    pub fn text(&self, import: &str, newline: &str) -> String {
        if self.before_statement {
            format!("{import}{newline}")
        } else {
            format!("{newline}{import}")
        }
    }
}

fn collect_import_sites(body: &[Stmt]) -> FxHashMap<TextSize, ImportSite<'_>> {
    fn walk<'a>(
        body: &'a [Stmt],
        top_level: bool,
        sites: &mut FxHashMap<TextSize, ImportSite<'a>>,
    ) {
        for stmt in body {
            let names = match stmt {
                Stmt::Import(import) => &import.names[..],
                Stmt::ImportFrom(import) => &import.names[..],
                _ => &[],
            };
            for (index, alias) in names.iter().enumerate() {
                sites.insert(
                    alias.start(),
                    ImportSite {
                        stmt,
                        alias,
                        index,
                        body,
                        top_level,
                    },
                );
            }
            for block in child_blocks(stmt) {
                walk(block, false, sites);
            }
        }
    }
    let mut sites = FxHashMap::default();
    walk(body, true, &mut sites);
    sites
}

/// The blocks of statements directly inside a compound statement.
pub fn child_blocks(stmt: &Stmt) -> Vec<&[Stmt]> {
    match stmt {
        Stmt::FunctionDef(function) => vec![&function.body],
        Stmt::ClassDef(class) => vec![&class.body],
        Stmt::For(for_stmt) => vec![&for_stmt.body, &for_stmt.orelse],
        Stmt::While(while_stmt) => vec![&while_stmt.body, &while_stmt.orelse],
        Stmt::If(if_stmt) => std::iter::once(&if_stmt.body[..])
            .chain(
                if_stmt
                    .elif_else_clauses
                    .iter()
                    .map(|clause| &clause.body[..]),
            )
            .collect(),
        Stmt::With(with) => vec![&with.body],
        Stmt::Match(match_stmt) => match_stmt.cases.iter().map(|case| &case.body[..]).collect(),
        Stmt::Try(try_stmt) => std::iter::once(&try_stmt.body[..])
            .chain(try_stmt.handlers.iter().map(|handler| {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                &handler.body[..]
            }))
            .chain([&try_stmt.orelse[..], &try_stmt.finalbody[..]])
            .collect(),
        _ => Vec::new(),
    }
}

fn is_block_node(node: AnyNodeRef) -> bool {
    node.is_statement()
        || matches!(
            node,
            AnyNodeRef::ExceptHandlerExceptHandler(_)
                | AnyNodeRef::ElifElseClause(_)
                | AnyNodeRef::ExprLambda(_)
        )
}

fn is_future_import(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::ImportFrom(import) if import.module.as_ref().is_some_and(|module| module.as_str() == "__future__"))
}

fn is_docstring(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Expr(expr) if expr.value.is_string_literal_expr())
}

impl<'a> SourceOrderVisitor<'a> for Checker<'a> {
    fn enter_node(&mut self, node: AnyNodeRef<'a>) -> TraversalSignal {
        self.parents.push(node);
        if is_block_node(node) {
            self.statement_parents.push(node);
        }
        TraversalSignal::Traverse
    }

    fn leave_node(&mut self, node: AnyNodeRef<'a>) {
        self.parents.pop();
        if is_block_node(node) {
            self.statement_parents.pop();
        }
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        for index in 0..self.active.len() {
            self.active[index].stmt(self, stmt);
        }
        walk_stmt(self, stmt);
    }

    fn visit_annotation(&mut self, expr: &'a Expr) {
        let outer = std::mem::replace(&mut self.in_annotation, true);
        walk_annotation(self, expr);
        self.in_annotation = outer;
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.is_outermost_load_chain(expr)
            && let Some(reference) = self.reference_at(expr)
        {
            for index in 0..self.active.len() {
                self.active[index].reference(self, &reference);
            }
        }
        for index in 0..self.active.len() {
            self.active[index].expr(self, expr);
        }
        if let Expr::StringLiteral(string) = expr
            && self.in_annotation
        {
            let model = self.model;
            if let Some(parsed) = model.string_annotation(string.start())
                && parsed.kind().is_simple()
            {
                self.visit_expr(parsed.expression());
            }
            return;
        }
        walk_expr(self, expr);
    }
}
