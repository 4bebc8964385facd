//! Hardening: the fuzz corpora as regression tests, faults (SIGKILL during
//! ingest and broadcast, full and read-only disks, Telegram down, hostile
//! news sites), abuse and access (moderator commands, limits, SSRF, the
//! token, SQL, escaping). See `SECURITY.md`.

#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::PathBuf;

fn corpus_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target)
}

/// Every file of every fuzz target's corpus goes through the target's own
/// checks: what the fuzzers found stays fixed.
#[test]
fn fuzz_corpora_pass_their_checks() {
    let mut total = 0;
    for (name, check) in checks::TARGETS {
        let dir = corpus_dir(name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
            .map(|e| e.expect("corpus entry").path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "corpus {name} is empty");
        for f in files {
            let data = std::fs::read(&f).expect("corpus file");
            let r = std::panic::catch_unwind(|| check(&data));
            assert!(r.is_ok(), "fuzz target {name} fails on {}", f.display());
            total += 1;
        }
    }
    assert!(total >= 6);
}

/// The HTML checker the render target relies on catches what it must.
#[test]
fn html_checker_rejects_unbalanced_and_unescaped_markup() {
    for good in [
        "<b>a</b> &amp; <i>b</i>",
        "1. <a href=\"https://x.kz/?a=1&amp;b=2\">t &lt;3</a>",
        "plain",
    ] {
        assert_eq!(checks::check_html(good), Ok(()), "{good}");
    }
    for bad in [
        "<b>a",
        "<b>a</i>",
        "a & b",
        "a > b",
        "<script>x</script>",
        "<a href=\"x\"y\">t</a>",
        "</b>",
        "&nbsp;",
    ] {
        assert!(checks::check_html(bad).is_err(), "{bad}");
    }
}
