//! The layout's rules, checked on the source itself (see
//! `docs/architecture.md`):
//!
//! - a feature folder has `mod.rs`, `model.rs`, `service.rs` and
//!   `endpoints.rs`;
//! - `service.rs` and `model.rs` never reach for HTTP: no `actix_web`, no
//!   application state, no route table;
//! - only `routes`, `openapi`, `startup` and `main` name `routes` or
//!   `startup`;
//! - the crate's top-level modules import each other without a cycle
//!   (inside one folder, files may use each other freely).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("the source directory")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments, string contents, and its tests.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("a source file");
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    in_string = false;
                    out.push('"');
                }
                _ => {}
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                in_string = true;
                out.push('"');
            }
            _ => out.push(c),
        }
    }
    out
}

/// The top-level modules a file names through `crate::` paths, groups
/// (`use crate::{a, b::c}`) included.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut name = String::new();
            let mut names = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => names.push(std::mem::take(&mut name)),
                    _ if depth == 1 => name.push(c),
                    _ => {}
                }
            }
            names.push(name);
            for n in names {
                let head = n.trim().split("::").next().unwrap_or("").trim().to_string();
                if !head.is_empty() {
                    out.insert(head);
                }
            }
        } else {
            let head: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !head.is_empty() {
                out.insert(head);
            }
        }
    }
    out
}

struct Source {
    /// Relative to `src`, such as `products/service.rs`.
    rel: String,
    /// The top-level module it belongs to (`products`).
    module: String,
    code: String,
}

fn sources() -> Vec<Source> {
    let mut paths = Vec::new();
    files(Path::new(SRC), &mut paths);
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(SRC)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let module = rel
                .split('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".rs")
                .to_string();
            Source {
                module,
                code: code(&p),
                rel,
            }
        })
        .collect()
}

fn modules() -> BTreeSet<String> {
    let lib = std::fs::read_to_string(format!("{SRC}/lib.rs")).expect("lib.rs");
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect()
}

#[test]
fn feature_folders_have_their_four_files() {
    let mut missing = Vec::new();
    for source in sources()
        .iter()
        .filter(|s| s.rel.ends_with("/endpoints.rs"))
    {
        let folder = source.rel.trim_end_matches("endpoints.rs");
        for file in ["mod.rs", "model.rs", "service.rs"] {
            if !Path::new(&format!("{SRC}/{folder}{file}")).exists() {
                missing.push(format!("{folder}{file}"));
            }
        }
    }
    assert!(missing.is_empty(), "missing: {missing:?}");
}

#[test]
fn domain_code_never_reaches_for_http() {
    let mut leaks = Vec::new();
    for s in sources() {
        if !(s.rel.ends_with("/service.rs") || s.rel.ends_with("/model.rs")) {
            continue;
        }
        for needle in ["actix_web", "AppState", "crate::state", "HttpRequest"] {
            if s.code.contains(needle) {
                leaks.push(format!("{} uses {needle}", s.rel));
            }
        }
        let refs = crate_refs(&s.code);
        for m in ["state", "routes", "startup", "http", "operation"] {
            if refs.contains(m) {
                leaks.push(format!("{} imports crate::{m}", s.rel));
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}

#[test]
fn only_the_top_imports_routes_and_startup() {
    let allowed = ["routes", "openapi", "startup", "main", "lib"];
    let mut wrong = Vec::new();
    for s in sources() {
        if allowed.contains(&s.module.as_str()) {
            continue;
        }
        let refs = crate_refs(&s.code);
        for m in ["routes", "startup"] {
            if refs.contains(m) {
                wrong.push(format!("{} imports crate::{m}", s.rel));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Tarjan's strongly connected components with more than one module.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<String, usize>,
        low: BTreeMap<String, usize>,
        stack: Vec<String>,
        on_stack: BTreeSet<String>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit(s: &mut State, v: &str) {
        s.index.insert(v.to_string(), s.next);
        s.low.insert(v.to_string(), s.next);
        s.next += 1;
        s.stack.push(v.to_string());
        s.on_stack.insert(v.to_string());
        let targets: Vec<String> = s.edges.get(v).into_iter().flatten().cloned().collect();
        for w in targets {
            if !s.index.contains_key(&w) {
                visit(s, &w);
                let low = s.low[v].min(s.low[&w]);
                s.low.insert(v.to_string(), low);
            } else if s.on_stack.contains(&w) {
                let low = s.low[v].min(s.index[&w]);
                s.low.insert(v.to_string(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn modules_import_each_other_without_a_cycle() {
    let modules = modules();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in sources() {
        for r in crate_refs(&s.code) {
            if r != s.module && modules.contains(&r) {
                edges.entry(s.module.clone()).or_default().insert(r);
            }
        }
    }
    let found = cycles(&edges);
    assert!(found.is_empty(), "import cycles: {found:?}");
    // The check itself: a cycle made up here is found.
    let mut made_up = edges.clone();
    made_up
        .entry("auth".into())
        .or_default()
        .insert("products".into());
    made_up
        .entry("products".into())
        .or_default()
        .insert("auth".into());
    assert!(!cycles(&made_up).is_empty());
}

/// `validator` attributes name their message by key
/// (`message = "field.range_grams"`): each key must be a field code, or the
/// message would fall back to a generic one.
#[test]
fn validator_messages_name_known_field_codes() {
    let mut unknown = Vec::new();
    for s in sources() {
        let text = std::fs::read_to_string(format!("{SRC}/{}", s.rel)).expect("a source file");
        for part in text.split("message = \"").skip(1) {
            let key = part.split('"').next().unwrap_or_default();
            if crate::error::FieldCode::from_key(key).is_none() {
                unknown.push(format!("{}: {key}", s.rel));
            }
        }
    }
    assert!(unknown.is_empty(), "unknown message keys: {unknown:?}");
}

#[test]
fn crate_paths_and_groups_are_read() {
    let refs = crate_refs(
        "use crate::{auth::{scope, Caller}, db};\nlet x = crate::feed::begin(); // crate::nope",
    );
    let code = code_of_text("use crate::{auth::{scope, Caller}, db};\n// crate::nope\n");
    assert_eq!(
        refs,
        ["auth", "db", "feed", "nope"].map(String::from).into()
    );
    assert!(!code.contains("nope"));
}

fn code_of_text(text: &str) -> String {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("x.rs");
    std::fs::write(&path, text).expect("written");
    code(&path)
}
