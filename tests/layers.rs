//! The library and the binary are layered: a module imports only modules of
//! its own layer or below, and no two files import each other, directly or
//! through others.
//!
//! Every `.rs` file of `constructs/src` and `src` is parsed with `syn`; each
//! path it names that starts with `crate::`, `super::` or `self::` (in `use`
//! items, expressions, types, patterns and macro-free code; `#[cfg(test)]`
//! items are skipped: tests may reach anywhere) is resolved to the file that
//! defines the item, following `pub use` re-exports. That gives a graph of
//! file → file edges, which is checked against the layer tables below
//! ([`CONSTRUCTS`], [`BINARY`]) and searched for cycles.
//!
//! To see the graph: `RCDK_LAYERS_VERBOSE=1 cargo test --test layers --
//! --nocapture` prints the imports between top-level modules, and
//! `RCDK_LAYERS_FILES=elbv2 ...` every edge from the files under `elbv2`
//! with the path that made it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The library's layers, bottom first. A top-level module of
/// `rcdk-constructs` may import modules of its own layer and of the layers
/// below it, never above.
const CONSTRUCTS: &[(&str, &[&str])] = &[
    ("cfn: template model, provider schemas, template reading, rendering; region data", &["cfn", "region"]),
    ("core: app, stack, construct paths, tags, diagnostics, validation hooks", &["core", "error"]),
    ("resources: services other resources build on", &["iam", "logs", "sns", "acm", "route53", "cloudwatch"]),
    ("resources: network and stores", &["ec2", "s3", "dynamodb", "ecr"]),
    ("resources: compute, traffic and data in the network", &["ecs", "elbv2", "rds", "cloudfront"]),
    ("resources: scaling of services", &["applicationautoscaling"]),
    ("patterns", &["patterns"]),
    ("consumers of templates: analysis, diff, the cloud assembly", &["analysis", "diff", "assembly"]),
    ("the app-file front door and its schema", &["app", "schema"]),
    ("the registry of every diagnostic", &["diagnostics"]),
    ("the crate root", &["lib"]),
];

/// The binary's layers, bottom first. The commands (the last layer) share
/// code only through the layers below: a command never imports another.
const BINARY: &[(&str, &[&str])] = &[
    ("failure and output; the deploy- and destroy-time codes", &["failure", "write", "without_aws", "deploy_time"]),
    (
        "flags, inputs and adapters; rule packs over stacks",
        &["cli", "app_file", "template_file", "context", "aws", "compliance"],
    ),
    ("where an app comes from; every diagnostic; reports", &["app_source", "diagnostics", "report", "security"]),
    ("deployed stacks, shared by deploy, destroy and diff --against-stack", &["stacks"]),
    (
        "commands",
        &[
            "synth",
            "diff",
            "deploy",
            "destroy",
            "list",
            "ami",
            "check",
            "explain",
            "schema",
            "completions",
            "man",
            "init",
        ],
    ),
    ("dispatch", &["lib", "main"]),
];

/// Layers whose modules may not import each other (the commands).
const ISOLATED: &[&str] = &["commands"];

#[test]
fn modules_import_only_their_layer_and_below_and_files_have_no_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for (name, dir, layers) in [("rcdk-constructs", "constructs/src", CONSTRUCTS), ("rcdk", "src", BINARY)] {
        let krate = Crate::load(&root.join(dir));
        let edges = krate.edges();
        found.extend(check_layers(name, &krate, &edges, layers));
        found.extend(check_cycles(name, &edges));
        if std::env::var_os("RCDK_LAYERS_VERBOSE").is_some() {
            print_edges(name, &edges, layers);
        }
        if let Some(prefix) = std::env::var_os("RCDK_LAYERS_FILES") {
            let prefix = prefix.to_string_lossy().into_owned();
            for (from, tos) in &edges {
                if from.starts_with(&prefix) {
                    for (to, via) in tos {
                        println!("{name}: {from} -> {to}  (via {via})");
                    }
                }
            }
        }
    }
    let new: Vec<&String> = found.iter().filter(|p| !KNOWN.contains(&p.as_str())).collect();
    let fixed: Vec<&&str> = KNOWN.iter().filter(|k| !found.iter().any(|p| p == *k)).collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "{} new layering problem(s):\n{}\n{} known problem(s) are gone: remove them from KNOWN:\n{}",
        new.len(),
        new.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
        fixed.len(),
        fixed.iter().map(|s| **s).collect::<Vec<_>>().join("\n"),
    );
}

/// Problems known when this test was written, being fixed one by one. The
/// test fails when a problem appears that is not listed, and when a listed
/// one is gone (so the list only shrinks).
const KNOWN: &[&str] = &[];

/// The layer of a top-level module, and the layer's name.
fn layer_of<'a>(layers: &[(&'a str, &[&str])], module: &str) -> Option<(usize, &'a str)> {
    layers.iter().position(|(_, mods)| mods.contains(&module)).map(|i| (i, layers[i].0))
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

fn check_layers(
    krate_name: &str,
    krate: &Crate,
    edges: &BTreeMap<String, BTreeMap<String, String>>,
    layers: &[(&str, &[&str])],
) -> Vec<String> {
    let mut problems = Vec::new();
    for m in krate.files.keys() {
        if layer_of(layers, top(m)).is_none() {
            problems.push(format!(
                "{krate_name}: module `{}` is in no layer: add it to the table in tests/layers.rs",
                top(m)
            ));
        }
    }
    for (from, tos) in edges {
        let Some((lf, _)) = layer_of(layers, top(from)) else { continue };
        for (to, via) in tos {
            let Some((lt, name)) = layer_of(layers, top(to)) else { continue };
            let name = name.split(':').next().unwrap_or(name);
            if lt > lf {
                problems.push(format!("{krate_name}: `{from}` imports `{to}` (a layer above: {name}) via `{via}`"));
            } else if lt == lf && top(from) != top(to) && ISOLATED.contains(&name) {
                problems.push(format!(
                    "{krate_name}: `{from}` imports `{to}`, another module of layer `{name}`, via `{via}`"
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

/// Every elementary cycle found by a depth-first search (one per back edge).
fn check_cycles(krate_name: &str, edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 on the stack, 2 done
    let mut stack: Vec<&str> = Vec::new();
    fn dfs<'a>(
        n: &'a str,
        edges: &'a BTreeMap<String, BTreeMap<String, String>>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
        out: &mut Vec<Vec<String>>,
    ) {
        state.insert(n, 1);
        stack.push(n);
        for to in edges.get(n).into_iter().flat_map(|m| m.keys()) {
            match state.get(to.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|s| *s == to).unwrap_or(0);
                    out.push(stack[start..].iter().map(|s| s.to_string()).collect());
                }
                Some(_) => {}
                None => dfs(to, edges, state, stack, out),
            }
        }
        stack.pop();
        state.insert(n, 2);
    }
    let mut cycles = Vec::new();
    for n in edges.keys() {
        if !state.contains_key(n.as_str()) {
            dfs(n, edges, &mut state, &mut stack, &mut cycles);
        }
    }
    for c in cycles {
        problems.push(format!("{krate_name}: files import each other in a cycle: {} → {}", c.join(" → "), c[0]));
    }
    problems
}

fn print_edges(krate_name: &str, edges: &BTreeMap<String, BTreeMap<String, String>>, layers: &[(&str, &[&str])]) {
    let mut between: BTreeSet<(String, String)> = BTreeSet::new();
    for (from, tos) in edges {
        for to in tos.keys() {
            if top(from) != top(to) {
                between.insert((top(from).to_owned(), top(to).to_owned()));
            }
        }
    }
    println!("{krate_name}: imports between top-level modules:");
    for (a, b) in between {
        let la = layer_of(layers, &a).map_or(99, |l| l.0);
        let lb = layer_of(layers, &b).map_or(99, |l| l.0);
        println!("  {a} ({la}) -> {b} ({lb})");
    }
}

/// A crate's files by module path (`core::app`; the crate root is `lib` or `main`).
struct Crate {
    files: BTreeMap<String, Module>,
}

#[derive(Default)]
struct Module {
    /// Child modules declared in this file, by name → module path.
    children: BTreeSet<String>,
    /// `pub use` re-exports: name → absolute path of the item it names.
    reexports: BTreeMap<String, Vec<String>>,
    /// Glob re-exports (`pub use x::*`): absolute module paths.
    globs: Vec<Vec<String>>,
    /// Absolute paths this file names (already made absolute).
    uses: Vec<Vec<String>>,
    /// `#[macro_export]` macros defined here (they live at the crate root).
    exported_macros: Vec<String>,
}

impl Crate {
    fn load(dir: &Path) -> Crate {
        let mut paths = Vec::new();
        rust_files(dir, &mut paths);
        let mut files = BTreeMap::new();
        for p in paths {
            let rel = p.strip_prefix(dir).expect("under dir");
            let module = module_path(rel);
            let text = fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
            let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("parse {}: {e}", p.display()));
            let here: Vec<String> = if module == "lib" || module == "main" {
                Vec::new()
            } else {
                module.split("::").map(str::to_owned).collect()
            };
            let mut v = Collect { here: here.clone(), module: Module::default(), depth: Vec::new() };
            v.visit_file(&ast);
            files.insert(module, v.module);
        }
        // `crate::name!` names an exported macro at the root: resolve it to its file.
        let exported: Vec<(String, String)> = files
            .iter()
            .flat_map(|(m, f)| f.exported_macros.iter().map(move |name| (name.clone(), m.clone())))
            .collect();
        for root in ["lib", "main"] {
            if let Some(r) = files.get_mut(root) {
                for (name, module) in &exported {
                    r.reexports
                        .insert(name.clone(), module.split("::").map(str::to_owned).chain([name.clone()]).collect());
                }
            }
        }
        Crate { files }
    }

    /// The module path (as in `files`) that defines `path`, following re-exports.
    fn resolve(&self, path: &[String], hops: usize) -> Option<String> {
        if hops > 16 {
            return None;
        }
        let key = |segs: &[String]| if segs.is_empty() { "lib".to_owned() } else { segs.join("::") };
        // The longest prefix that is a file.
        let mut at = 0;
        for i in (0..=path.len()).rev() {
            if self.files.contains_key(&key(&path[..i])) || (i == 0) {
                at = i;
                break;
            }
        }
        let module_key = if at == 0 && !self.files.contains_key("lib") { "main".to_owned() } else { key(&path[..at]) };
        let module = self.files.get(&module_key)?;
        if at == path.len() {
            return Some(module_key);
        }
        let name = &path[at];
        if let Some(target) = module.reexports.get(name) {
            let mut full = target.clone();
            full.extend(path[at + 1..].iter().cloned());
            return self.resolve(&full, hops + 1).or(Some(module_key));
        }
        if module.children.contains(name) {
            // A module declared inline or a file we did not find.
            return Some(module_key);
        }
        for g in &module.globs {
            let mut full = g.clone();
            full.extend(path[at..].iter().cloned());
            if let Some(r) = self.resolve(&full, hops + 1) {
                if r != key(g) {
                    return Some(r);
                }
            }
        }
        Some(module_key)
    }

    /// File → (file it imports → one path that made the edge).
    fn edges(&self) -> BTreeMap<String, BTreeMap<String, String>> {
        let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (name, m) in &self.files {
            for u in &m.uses {
                let Some(to) = self.resolve(u, 0) else { continue };
                if &to != name {
                    out.entry(name.clone()).or_default().entry(to).or_insert_with(|| u.join("::"));
                }
            }
        }
        out
    }
}

fn module_path(rel: &Path) -> String {
    let mut segs: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    let last = segs.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs").to_owned();
    if stem != "mod" {
        segs.push(stem);
    }
    if segs.is_empty() {
        return "lib".into();
    }
    if segs.len() == 1 && (segs[0] == "lib" || segs[0] == "main") {
        return segs[0].clone();
    }
    segs.join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Collects the paths one file names, made absolute.
struct Collect {
    /// The file's module path.
    here: Vec<String>,
    module: Module,
    /// Inline modules we are inside (`mod x { .. }`), appended to `here`.
    depth: Vec<String>,
}

impl Collect {
    fn current(&self) -> Vec<String> {
        let mut c = self.here.clone();
        c.extend(self.depth.iter().cloned());
        c
    }

    /// Makes `segs` absolute, or `None` when it does not start at the crate.
    fn absolute(&self, segs: &[String]) -> Option<Vec<String>> {
        let first = segs.first()?;
        let mut base = match first.as_str() {
            "crate" => Vec::new(),
            "self" | "super" => self.current(),
            _ => return None,
        };
        let mut rest = segs;
        if first == "crate" {
            rest = &segs[1..];
        } else {
            while let Some(s) = rest.first() {
                match s.as_str() {
                    "self" => rest = &rest[1..],
                    "super" => {
                        base.pop();
                        rest = &rest[1..];
                    }
                    _ => break,
                }
            }
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, public: bool) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, public);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = prefix.clone();
                let name = n.ident.to_string();
                if name != "self" {
                    full.push(name.clone());
                }
                self.record_use(&full, public, if name == "self" { prefix.last().cloned() } else { Some(name) });
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                self.record_use(&full, public, Some(r.rename.to_string()));
            }
            syn::UseTree::Glob(_) => {
                if let Some(abs) = self.absolute_use(prefix) {
                    if public && self.depth.is_empty() {
                        self.module.globs.push(abs.clone());
                    }
                    self.module.uses.push(abs);
                }
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, public);
                }
            }
        }
    }

    /// `use` paths are relative to the current module when they start with
    /// one of its children (2018 edition uniform paths).
    fn absolute_use(&self, segs: &[String]) -> Option<Vec<String>> {
        if let Some(abs) = self.absolute(segs) {
            return Some(abs);
        }
        let first = segs.first()?;
        if self.module.children.contains(first) && self.depth.is_empty() {
            let mut base = self.current();
            base.extend(segs.iter().cloned());
            return Some(base);
        }
        None
    }

    fn record_use(&mut self, full: &[String], public: bool, alias: Option<String>) {
        let Some(abs) = self.absolute_use(full) else { return };
        if public && self.depth.is_empty() {
            if let Some(a) = alias {
                self.module.reexports.insert(a, abs.clone());
            }
        }
        self.module.uses.push(abs);
    }
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test")
            || (a.path().is_ident("cfg")
                && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == "test")))
    })
}

impl<'ast> Visit<'ast> for Collect {
    fn visit_file(&mut self, f: &'ast syn::File) {
        // Declared children first, so `use child::X` resolves.
        for item in &f.items {
            if let syn::Item::Mod(m) = item {
                if !is_test(&m.attrs) {
                    self.module.children.insert(m.ident.to_string());
                }
            }
        }
        for item in &f.items {
            self.visit_item(item);
        }
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs: &[syn::Attribute] = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Struct(s) => &s.attrs,
            syn::Item::Enum(e) => &e.attrs,
            syn::Item::Const(c) => &c.attrs,
            syn::Item::Static(s) => &s.attrs,
            syn::Item::Trait(t) => &t.attrs,
            syn::Item::Type(t) => &t.attrs,
            _ => &[],
        };
        if is_test(attrs) {
            return;
        }
        match item {
            syn::Item::Use(u) => {
                let public = !matches!(u.vis, syn::Visibility::Inherited);
                self.use_tree(&mut Vec::new(), &u.tree, public);
            }
            syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                if let Some(name) = &m.ident {
                    if m.attrs.iter().any(|a| a.path().is_ident("macro_export")) {
                        self.module.exported_macros.push(name.to_string());
                    }
                }
            }
            syn::Item::Mod(m) if m.content.is_some() => {
                self.depth.push(m.ident.to_string());
                syn::visit::visit_item_mod(self, m);
                self.depth.pop();
            }
            _ => syn::visit::visit_item(self, item),
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_test(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {
        // `pub(crate)`, `pub(super)`: not a use.
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        // `crate::`, `self::`, `super::`, or a child module of this file (`checks::ALL`).
        let child = segs.len() > 1 && self.depth.is_empty() && self.module.children.contains(&segs[0]);
        let abs = if child {
            let mut base = self.current();
            base.extend(segs.iter().cloned());
            Some(base)
        } else {
            self.absolute(&segs)
        };
        if let Some(abs) = abs {
            // The last segment may be an item, an enum variant or a method: resolve drops what is not a module.
            self.module.uses.push(abs);
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // Paths inside macro calls (`format!`, `vec![..]`): parse the tokens as expressions where possible.
        if let Ok(args) = m.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
        {
            for e in &args {
                self.visit_expr(e);
            }
        }
        syn::visit::visit_macro(self, m);
    }
}
