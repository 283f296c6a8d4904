//! Finds every diagnostic code the sources construct, by parsing them with
//! `syn` (so multi-line calls, `match` arms and helper closures are seen the
//! way the compiler sees them, and comments or test modules are not).
//!
//! A string literal is a code when it flows into one of these places:
//! - the first argument of `ValidationError::new(...)`, or of any other
//!   `Type::function(...)` whose parameter there is named `code` (so a new
//!   `Warning::new(code: &'static str, ..)` is followed without changes here);
//! - a struct field named `code` (`Problem { code: "schema", .. }`);
//! - a `let` or `for` binding named `code`, alone or inside a tuple
//!   (`let (code, msg) = match .. { .. => ("ecs-image-invalid", ..) }`,
//!   `for (code, what) in [("alb-too-many-rules", ..), ..]`);
//! - the argument at the position of a parameter named `code` of a function,
//!   method or closure (`err("vpc-cidr-invalid", ..)` where
//!   `let err = |code: &'static str, ..| ..`), or at the first `&'static str`
//!   input of a function parameter typed `impl FnMut(&'static str, ..)` (a
//!   reporting closure handed down to a helper).
//!
//! Literals reach those places through `if`/`else`, `match` arms, blocks,
//! parentheses, references, arrays, `vec![..]`, one level of local
//! variables and string constants (`codes::NO_EGRESS` where
//! `pub const NO_EGRESS: &str = "net-instances-no-egress"`, matched by name); the arguments of macros (`vec![..]`, `assert!(..)`) are
//! searched like any other expression. Items under `#[cfg(test)]` and `#[test]` functions are skipped:
//! a code only a test builds is not in use.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;
use syn::{Expr, Pat, Stmt};

/// Every code used, with the files that construct it.
pub fn codes_used(roots: &[&Path]) -> BTreeMap<String, BTreeSet<PathBuf>> {
    let mut files = Vec::new();
    for root in roots {
        rust_files(root, &mut files);
    }
    files.sort();
    let parsed: Vec<(PathBuf, syn::File)> = files
        .into_iter()
        .map(|f| {
            let text = fs::read_to_string(&f).unwrap_or_else(|e| panic!("read {}: {e}", f.display()));
            let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("parse {}: {e}", f.display()));
            (f, ast)
        })
        .collect();

    // Functions and methods with a `code` parameter, anywhere in the sources.
    let mut fns = CodeParams::default();
    for (_, ast) in &parsed {
        fns.visit_file(ast);
    }

    // String constants (`const NAME: &str = "..";`), by name.
    let mut consts = StrConsts::default();
    for (_, ast) in &parsed {
        consts.visit_file(ast);
    }

    let mut used: BTreeMap<String, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, ast) in &parsed {
        let mut finder =
            Finder { fns: &fns, consts: &consts.by_name, closures: Vec::new(), locals: Vec::new(), found: Vec::new() };
        finder.visit_file(ast);
        for code in finder.found {
            used.entry(code).or_default().insert(file.clone());
        }
    }
    used
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || (a.path().is_ident("cfg") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string() == "test"))
    })
}

/// The position of the parameter named `code`, if any.
fn code_param<'a>(pats: impl Iterator<Item = &'a Pat>) -> Option<usize> {
    pats.enumerate().find(|(_, p)| binds_code(p)).map(|(i, _)| i)
}

fn binds_code(p: &Pat) -> bool {
    match p {
        Pat::Ident(i) => i.ident == "code",
        Pat::Type(t) => binds_code(&t.pat),
        _ => false,
    }
}

/// Where `code` sits in a binding pattern: `Some(None)` for the whole value,
/// `Some(Some(i))` for element `i` of a tuple.
fn code_in_pattern(p: &Pat) -> Option<Option<usize>> {
    match p {
        Pat::Type(t) => code_in_pattern(&t.pat),
        Pat::Tuple(t) => t.elems.iter().position(binds_code).map(Some),
        p if binds_code(p) => Some(None),
        _ => None,
    }
}

/// For a parameter typed `impl FnMut(&'static str, ..)` (or `&mut impl ..`,
/// `&dyn Fn(..)`), the position of its first `&'static str` input.
fn reporter_code_position(ty: &syn::Type) -> Option<usize> {
    let bounds = match ty {
        syn::Type::Reference(r) => return reporter_code_position(&r.elem),
        syn::Type::ImplTrait(t) => &t.bounds,
        syn::Type::TraitObject(t) => &t.bounds,
        _ => return None,
    };
    bounds.iter().find_map(|b| {
        let syn::TypeParamBound::Trait(t) = b else { return None };
        let last = t.path.segments.last()?;
        let syn::PathArguments::Parenthesized(args) = &last.arguments else { return None };
        args.inputs.iter().position(|a| {
            matches!(a, syn::Type::Reference(r)
                if r.lifetime.as_ref().is_some_and(|l| l.ident == "static")
                    && matches!(&*r.elem, syn::Type::Path(p) if p.path.is_ident("str")))
        })
    })
}

/// Pass 1: named functions and methods with a `code` parameter, by name
/// (`report`) and, inside an `impl`, by type and name (`ValidationError::new`).
/// Bare `new` is too common a name to follow: a constructor counts only when
/// called through its type.
#[derive(Default)]
struct CodeParams {
    by_name: HashMap<String, usize>,
    by_type: HashMap<String, usize>,
    self_ty: Option<String>,
}

impl<'ast> Visit<'ast> for CodeParams {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test_only(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let ty = match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        let outer = std::mem::replace(&mut self.self_ty, ty);
        syn::visit::visit_item_impl(self, i);
        self.self_ty = outer;
    }
    fn visit_signature(&mut self, sig: &'ast syn::Signature) {
        let pats = sig.inputs.iter().filter_map(|a| match a {
            syn::FnArg::Typed(t) => Some(&*t.pat),
            syn::FnArg::Receiver(_) => None,
        });
        if let Some(i) = code_param(pats) {
            if let Some(ty) = &self.self_ty {
                self.by_type.insert(format!("{ty}::{}", sig.ident), i);
            }
            if sig.ident != "new" {
                self.by_name.insert(sig.ident.to_string(), i);
            }
        }
    }
}

/// Pass 2: the literals that flow into a code position.
/// Every `const NAME: &str = "literal";` of the sources, by name (a name
/// defined twice keeps both values).
#[derive(Default)]
struct StrConsts {
    by_name: HashMap<String, Vec<String>>,
}

impl<'ast> Visit<'ast> for StrConsts {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test_only(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        if let Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &*c.expr {
            self.by_name.entry(c.ident.to_string()).or_default().push(s.value());
        }
    }
}

struct Finder<'f> {
    fns: &'f CodeParams,
    /// String constants, by name.
    consts: &'f HashMap<String, Vec<String>>,
    /// Closures with a `code` parameter, per enclosing function body.
    closures: Vec<HashMap<String, usize>>,
    /// Local `let NAME = EXPR` bindings, per enclosing function body.
    locals: Vec<HashMap<String, Expr>>,
    found: Vec<String>,
}

/// Collects the closures and local bindings of one function body.
#[derive(Default)]
struct Locals {
    closures: HashMap<String, usize>,
    locals: HashMap<String, Expr>,
}

impl<'ast> Visit<'ast> for Locals {
    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (Pat::Ident(name), Some(init)) = (&l.pat, &l.init) {
            if let Expr::Closure(c) = &*init.expr {
                if let Some(i) = code_param(c.inputs.iter()) {
                    self.closures.insert(name.ident.to_string(), i);
                }
            } else {
                self.locals.insert(name.ident.to_string(), (*init.expr).clone());
            }
        }
        syn::visit::visit_local(self, l);
    }
}

impl Finder<'_> {
    fn body<F: FnOnce(&mut Self)>(&mut self, sig: &syn::Signature, block: &syn::Block, visit: F) {
        let mut l = Locals::default();
        for input in &sig.inputs {
            if let syn::FnArg::Typed(t) = input {
                if let (Pat::Ident(name), Some(i)) = (&*t.pat, reporter_code_position(&t.ty)) {
                    l.closures.insert(name.ident.to_string(), i);
                }
            }
        }
        l.visit_block(block);
        self.closures.push(l.closures);
        self.locals.push(l.locals);
        visit(self);
        self.closures.pop();
        self.locals.pop();
    }

    fn local(&self, e: &Expr) -> Option<&Expr> {
        let Expr::Path(p) = e else { return None };
        let name = p.path.get_ident()?.to_string();
        self.locals.last()?.get(&name)
    }

    /// The string literals `e` may evaluate to.
    fn values(&self, e: &Expr, depth: u8, out: &mut Vec<String>) {
        self.values_at(e, None, depth, out);
    }

    /// The literals `e` (or element `at` of the tuples it evaluates to) may be.
    fn values_at(&self, e: &Expr, at: Option<usize>, depth: u8, out: &mut Vec<String>) {
        let tail = |b: &syn::Block| match b.stmts.last() {
            Some(Stmt::Expr(e, None)) => Some(e.clone()),
            _ => None,
        };
        match e {
            Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if at.is_none() => out.push(s.value()),
            Expr::Tuple(t) => {
                if let Some(el) = at.and_then(|i| t.elems.iter().nth(i)) {
                    self.values(el, depth, out);
                }
            }
            Expr::Array(a) if at.is_some() => a.elems.iter().for_each(|el| self.values_at(el, at, depth, out)),
            Expr::Macro(m) if at.is_some() && m.mac.path.is_ident("vec") => {
                let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
                if let Ok(elems) = m.mac.parse_body_with(parser) {
                    elems.iter().for_each(|el| self.values_at(el, at, depth, out));
                }
            }
            Expr::If(i) => {
                if let Some(t) = tail(&i.then_branch) {
                    self.values_at(&t, at, depth, out);
                }
                if let Some((_, el)) = &i.else_branch {
                    self.values_at(el, at, depth, out);
                }
            }
            Expr::Match(m) => m.arms.iter().for_each(|a| self.values_at(&a.body, at, depth, out)),
            Expr::Block(b) => {
                if let Some(t) = tail(&b.block) {
                    self.values_at(&t, at, depth, out);
                }
            }
            Expr::Paren(p) => self.values_at(&p.expr, at, depth, out),
            Expr::Group(g) => self.values_at(&g.expr, at, depth, out),
            Expr::Reference(r) => self.values_at(&r.expr, at, depth, out),
            Expr::Path(p) if depth > 0 => {
                if let Some(l) = self.local(e) {
                    self.values_at(&l.clone(), at, depth - 1, out);
                } else if let (None, Some(last)) = (at, p.path.segments.last()) {
                    if let Some(values) = self.consts.get(&last.ident.to_string()) {
                        out.extend(values.iter().cloned());
                    }
                }
            }
            _ => {}
        }
    }

    fn found(&mut self, e: &Expr, at: Option<usize>) {
        let mut out = Vec::new();
        self.values_at(e, at, 1, &mut out);
        self.found.extend(out);
    }

    fn param_of(&self, name: &str) -> Option<usize> {
        self.closures.last().and_then(|c| c.get(name)).or_else(|| self.fns.by_name.get(name)).copied()
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test_only(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_test_only(&f.attrs) {
            self.body(&f.sig, &f.block, |s| syn::visit::visit_item_fn(s, f));
        }
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_test_only(&f.attrs) {
            self.body(&f.sig, &f.block, |s| syn::visit::visit_impl_item_fn(s, f));
        }
    }
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let Expr::Path(p) = &*c.func {
            let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
            let n = segs.len();
            let typed = (n >= 2).then(|| format!("{}::{}", segs[n - 2], segs[n - 1]));
            let position = match typed.and_then(|t| self.fns.by_type.get(&t).copied()) {
                Some(i) => Some(i),
                None => segs.last().and_then(|name| self.param_of(name)),
            };
            if let Some(arg) = position.and_then(|i| c.args.iter().nth(i)) {
                self.found(arg, None);
            }
        }
        syn::visit::visit_expr_call(self, c);
    }
    fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
        if let Some(arg) = self.fns.by_name.get(&c.method.to_string()).and_then(|&i| c.args.iter().nth(i)) {
            self.found(arg, None);
        }
        syn::visit::visit_expr_method_call(self, c);
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let parser = syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated;
        if let Ok(exprs) = m.parse_body_with(parser) {
            exprs.iter().for_each(|e| self.visit_expr(e));
        }
    }
    fn visit_field_value(&mut self, f: &'ast syn::FieldValue) {
        if matches!(&f.member, syn::Member::Named(n) if n == "code") {
            self.found(&f.expr, None);
        }
        syn::visit::visit_field_value(self, f);
    }
    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (Some(at), Some(init)) = (code_in_pattern(&l.pat), &l.init) {
            self.found(&init.expr, at);
        }
        syn::visit::visit_local(self, l);
    }
    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        if let Some(at) = code_in_pattern(&f.pat) {
            self.found(&f.expr, at);
        }
        syn::visit::visit_expr_for_loop(self, f);
    }
}
