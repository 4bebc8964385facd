//! Data flows one way: no top-level module of `src/` uses another that
//! uses it back, directly or round a loop, and the same holds between the
//! submodules of each module folder (`bot/citizen.rs` ↔ `bot/gate.rs`).
//! Read from the sources: every `crate::<module>` path (and, inside a
//! folder, every `super::<submodule>`), comments and string contents left
//! out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Folders whose submodules still use each other round a loop, each with
/// the loop it has. Remove a folder from here when its loop is gone; never
/// add one.
const KNOWN_SUBMODULE_LOOPS: &[(&str, &str)] = &[(
    "summarize",
    "people ↔ quotes (names and attribution share helpers both ways)",
)];

/// Who uses whom: `from → to → the files that make the edge`.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// The source with comments dropped and string and character literals
/// emptied, so `// see crate::store` and `"crate::x"` are not uses.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push(' ');
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && !b[..i]
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') =>
            {
                // A raw string r"…" or r#"…"#.
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                j += 1;
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                while j < b.len() && !b[j..].starts_with(&close) {
                    j += 1;
                }
                i = j + close.len();
                out.push_str("\"\"");
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                out.push_str("\"\"");
            }
            b'\'' => {
                // A character literal ('x', '\n', '\u{..}', '"'), else a lifetime.
                let rest = &src[i + 1..];
                let len = if let Some(escaped) = rest.strip_prefix('\\') {
                    // Past the escaped character, which may be a quote.
                    let first = escaped.chars().next().map_or(0, char::len_utf8);
                    escaped[first..].find('\'').map(|k| k + first + 2)
                } else {
                    rest.chars()
                        .next()
                        .map(char::len_utf8)
                        .filter(|&n| rest[n..].starts_with('\''))
                        .map(|n| n + 1)
                };
                match len {
                    Some(n) => {
                        i += 1 + n;
                        out.push_str("' '");
                    }
                    None => {
                        out.push('\'');
                        i += 1;
                    }
                }
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

/// The first name of each path that follows `prefix`: `crate::store::X`
/// gives `store`; `crate::{store::X, text}` gives `store` and `text`.
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut from = 0;
    while let Some(k) = code[from..].find(prefix) {
        let at = from + k;
        from = at + prefix.len();
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level items of the group, up to its closing brace.
            let mut depth = 0;
            let mut item_start = true;
            let mut chars = group.char_indices().peekable();
            while let Some((p, c)) = chars.next() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && depth == 0 && (c.is_alphabetic() || c == '_') => {
                        let end = group[p..]
                            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .map_or(group.len(), |e| p + e);
                        names.push(group[p..end].to_string());
                        item_start = false;
                        while chars.peek().is_some_and(|&(q, _)| q < end) {
                            chars.next();
                        }
                    }
                    c if !c.is_whitespace() => item_start = false,
                    _ => {}
                }
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end > 0 {
                names.push(rest[..end].to_string());
            }
        }
    }
    names
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The modules of a folder: its `.rs` files (but `mod.rs`, `lib.rs`,
/// `main.rs`) and its subfolders, by name.
fn modules_in(dir: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let Some(stem) = p.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if (p.is_dir() || p.extension().is_some_and(|x| x == "rs"))
            && !["mod", "lib", "main"].contains(&stem)
        {
            names.insert(stem.to_string());
        }
    }
    names
}

/// The module of `dir` that `file` belongs to (`dir/x.rs` and `dir/x/…`
/// are `x`); `None` for `dir/mod.rs`, `lib.rs` and `main.rs`.
fn owner(dir: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(dir).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!["mod", "lib", "main"].contains(&name)).then(|| name.to_string())
}

/// The graph between the modules of `dir`, from the paths that start with
/// any of `prefixes`, over the files `files` (with their code).
fn graph(dir: &Path, files: &[(PathBuf, String)], prefixes: &[&str]) -> Graph {
    let modules = modules_in(dir);
    let mut g = Graph::new();
    for (path, code) in files {
        let Some(from) = owner(dir, path) else {
            continue;
        };
        // `super::` means this folder only in the folder's own files.
        let direct_child = path.parent() == Some(dir);
        for prefix in prefixes {
            if *prefix == "super::" && !direct_child {
                continue;
            }
            for to in names_after(code, prefix) {
                if to != from && modules.contains(&to) {
                    let shown = path.strip_prefix(dir).unwrap_or(path).display().to_string();
                    g.entry(from.clone())
                        .or_default()
                        .entry(to)
                        .or_default()
                        .insert(shown);
                }
            }
        }
    }
    g
}

/// The loops of a graph: its strongly connected components of more than
/// one module (Tarjan), each as its sorted module names.
fn loops(g: &Graph) -> Vec<Vec<String>> {
    struct Walk<'a> {
        g: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let n = w.index.len();
        w.index.insert(v, n);
        w.low.insert(v, n);
        w.stack.push(v);
        w.on_stack.insert(v);
        for to in w.g.get(v).into_iter().flat_map(|m| m.keys()) {
            let to = to.as_str();
            if !w.index.contains_key(to) {
                visit(w, to);
                let l = w.low[v].min(w.low[to]);
                w.low.insert(v, l);
            } else if w.on_stack.contains(to) {
                let l = w.low[v].min(w.index[to]);
                w.low.insert(v, l);
            }
        }
        if w.low[v] == w.index[v] {
            let mut component = Vec::new();
            while let Some(x) = w.stack.pop() {
                w.on_stack.remove(x);
                component.push(x.to_string());
                if x == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                w.found.push(component);
            }
        }
    }
    let mut w = Walk {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in g.keys() {
        if !w.index.contains_key(v.as_str()) {
            visit(&mut w, v);
        }
    }
    w.found.sort();
    w.found
}

/// Each loop with the edges inside it and the files that make them.
fn describe(g: &Graph, found: &[Vec<String>]) -> String {
    let mut s = String::new();
    for component in found {
        s.push_str(&format!("  loop: {}\n", component.join(" ↔ ")));
        for from in component {
            for (to, files) in g.get(from).into_iter().flatten() {
                if component.contains(to) {
                    let files: Vec<&str> = files.iter().map(String::as_str).collect();
                    s.push_str(&format!("    {from} → {to}  ({})\n", files.join(", ")));
                }
            }
        }
    }
    s
}

fn read_sources(src: &Path) -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    rust_files(src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p, code_only(&text)))
        })
        .collect()
}

#[test]
fn modules_use_each_other_in_one_direction_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = read_sources(&src);
    assert!(
        files.len() > 50,
        "read only {} files in {src:?}",
        files.len()
    );
    let mut report = String::new();

    let top = graph(&src, &files, &["crate::"]);
    // The reading works: the edges every layout of this crate has are seen.
    assert!(
        top.get("service").is_some_and(|m| m.contains_key("store")),
        "{top:?}"
    );
    let found = loops(&top);
    if !found.is_empty() {
        report.push_str(&format!(
            "between the modules of src/:\n{}",
            describe(&top, &found)
        ));
    }

    let mut folders: Vec<PathBuf> = std::fs::read_dir(&src)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut checked = 0;
    for dir in folders {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
            continue;
        };
        let inside: Vec<(PathBuf, String)> = files
            .iter()
            .filter(|(p, _)| p.starts_with(&dir))
            .cloned()
            .collect();
        let own = format!("crate::{name}::");
        let g = graph(&dir, &inside, &["super::", &own]);
        let found = loops(&g);
        checked += 1;
        if KNOWN_SUBMODULE_LOOPS.iter().any(|(k, _)| *k == name) {
            assert!(
                !found.is_empty(),
                "src/{name}/ has no loop any more: remove it from KNOWN_SUBMODULE_LOOPS"
            );
            continue;
        }
        if !found.is_empty() {
            report.push_str(&format!(
                "between the modules of src/{name}/:\n{}",
                describe(&g, &found)
            ));
        }
    }
    assert!(checked >= 5, "only {checked} module folders in {src:?}");
    assert!(report.is_empty(), "modules that use each other:\n{report}");
}

#[test]
fn bot_handlers_and_the_gate_do_not_use_each_other() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bot");
    let files = read_sources(&dir);
    let g = graph(&dir, &files, &["super::", "crate::bot::"]);
    // The gate hands updates to the handlers …
    assert!(g["gate"].contains_key("citizen") && g["gate"].contains_key("moderation"));
    // … which never reach back into it.
    let found = loops(&g);
    assert!(found.is_empty(), "{}", describe(&g, &found));
}

#[test]
fn the_reader_sees_uses_and_only_uses() {
    let code = code_only(
        "use crate::{store::{Store, X}, text as t};\n\
         // crate::bot in a comment\n\
         let s = \"crate::deliver in a string\"; let c = '\"'; let r = r#\"crate::cli\"#;\n\
         fn f<'a>(x: &'a crate::digest::Y) {}\n\
         /* crate::config */ super::{gate, views::esc}; crate::model::Summary",
    );
    assert_eq!(
        names_after(&code, "crate::"),
        ["store", "text", "digest", "model"]
    );
    assert_eq!(names_after(&code, "super::"), ["gate", "views"]);
}

#[test]
fn a_loop_is_found_and_shown_with_its_files() {
    let mut g = Graph::new();
    let mut edge = |a: &str, b: &str, file: &str| {
        g.entry(a.into())
            .or_default()
            .entry(b.into())
            .or_default()
            .insert(file.into());
    };
    edge("ingest", "store", "ingest/poller.rs");
    edge("store", "text", "store/mod.rs");
    edge("text", "ingest", "text/x.rs");
    edge("service", "ingest", "service/mod.rs");
    edge("bot", "text", "bot/mod.rs");
    let found = loops(&g);
    assert_eq!(found, [["ingest", "store", "text"]]);
    let shown = describe(&g, &found);
    assert!(
        shown.contains("ingest → store  (ingest/poller.rs)"),
        "{shown}"
    );
    assert!(!shown.contains("service"), "{shown}");
    g.get_mut("text").map(|m| m.remove("ingest"));
    assert!(loops(&g).is_empty());
}

/// The store's calls that async code may make directly: the rest go
/// through `Store::call` or `Store::run_blocking`, so no handler, poller
/// or sender waits for SQLite on a runtime worker.
const OFF_RUNTIME: &[&str] = &["call", "run_blocking", "clone"];

/// `store.<method>(` calls in a file's code (tests left out, a call
/// across lines included) other than those of [`OFF_RUNTIME`], each with
/// its line.
fn direct_store_calls(code: &str) -> Vec<(usize, String)> {
    let code = code.split("#[cfg(test)]").next().unwrap_or("");
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut found = Vec::new();
    for (at, _) in code.match_indices("store") {
        if code[..at].chars().last().is_some_and(word) {
            continue;
        }
        let Some(rest) = code[at + "store".len()..].trim_start().strip_prefix('.') else {
            continue;
        };
        let rest = rest.trim_start();
        let method: String = rest.chars().take_while(|&c| word(c)).collect();
        let called = rest[method.len()..].trim_start().starts_with('(');
        if !method.is_empty() && called && !OFF_RUNTIME.contains(&method.as_str()) {
            found.push((code[..at].matches('\n').count() + 1, method));
        }
    }
    found
}

#[test]
fn async_code_reaches_the_store_off_the_runtime() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = read_sources(&root.join("bot"));
    files.extend(
        read_sources(&root.join("service"))
            .into_iter()
            .filter(|(p, _)| {
                ["poller.rs", "run.rs", "metrics.rs"]
                    .iter()
                    .any(|f| p.ends_with(f))
            }),
    );
    assert!(files.len() > 10, "read only {} files", files.len());
    let direct: Vec<String> = files
        .iter()
        .flat_map(|(p, code)| {
            direct_store_calls(code)
                .into_iter()
                .map(move |(line, m)| format!("{}:{line}: store.{m}(…)", p.display()))
        })
        .collect();
    assert!(
        direct.is_empty(),
        "store calls on a runtime worker (wrap them in store.call(|db| …)):\n{}",
        direct.join("\n")
    );
}

#[test]
fn a_direct_store_call_is_seen() {
    let code = code_only(
        "let a = ctx.deps.store.call(|db| db.subscriber(1))?;\n\
         let b = self.store.user(2)?; let c = restore.x(); let d = store.clone();\n\
         let e = ctx\n    .store\n    .staff()?;\n\
         // store.staff() in a comment\n\
         #[cfg(test)]\nmod tests { fn t() { store.kv_get(\"k\"); } }",
    );
    assert_eq!(
        direct_store_calls(&code),
        [(2, "user".to_string()), (4, "staff".to_string())]
    );
}
