//! The command-line contract, run as a user would: the real binary.

use std::process::Output;

use crate::support::{Harness, data_path, fixture};

const BIN: &str = env!("CARGO_BIN_EXE_civic-digest");

async fn civic(h: &Harness, args: &[&str]) -> Output {
    tokio::process::Command::new(BIN)
        .args(["--db", h.config.database_path.to_str().unwrap()])
        .args(args)
        .env("ALLOW_PRIVATE_SOURCES", "true")
        .env("HOST_DELAY_MS", "0")
        .env("DATA_DIR", data_path("../../data"))
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .await
        .expect("run civic-digest")
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_once_prints_counts_and_articles_lists_them() {
    let h = Harness::new().await;
    h.serve("/zakon/atom.xml", "zakon_atom.xml", "application/atom+xml");
    h.site.set(
        "/broken",
        civic_digest::sandbox::Route::page(500, "text/plain", "down"),
    );
    let sources = h.dir.path().join("sources.toml");
    std::fs::write(
        &sources,
        format!(
            "[[source]]\nname = \"Zakon\"\nurl = \"{}\"\nkind = \"feed\"\n\n[[source]]\nname = \"Broken\"\nurl = \"{}\"\nkind = \"feed\"\n",
            h.site.url("/zakon/atom.xml"),
            h.site.url("/broken")
        ),
    )
    .unwrap();
    let out = stdout(
        &civic(
            &h,
            &["ingest", "--once", "--sources", sources.to_str().unwrap()],
        )
        .await,
    );
    let line: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
    assert_eq!(line["sources"], 2);
    assert_eq!(line["new_articles"], 1);
    assert_eq!(line["errors"], 1);
    for key in ["not_modified", "duplicates"] {
        assert!(line.get(key).is_some(), "{key} missing from {line}");
    }

    let out = stdout(&civic(&h, &["articles", "--format", "json"]).await);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert!(rows[0]["title"].as_str().unwrap().contains("Мажилис"));

    let listed = stdout(&civic(&h, &["sources", "list"]).await);
    assert!(listed.contains("HTTP 500"), "{listed}");
    let opml = stdout(&civic(&h, &["sources", "export"]).await);
    assert!(
        opml.contains("<opml") && opml.contains("zakon/atom.xml"),
        "{opml}"
    );
}

#[tokio::test]
async fn sources_add_checks_the_url_and_remove_works() {
    let h = Harness::new().await;
    h.serve("/feed.xml", "liter_feed.xml", "application/rss+xml");
    h.serve("/page", "not_a_feed.html", "text/html");
    let out = stdout(&civic(&h, &["sources", "add", &h.site.url("/feed.xml")]).await);
    assert!(out.contains("Liter.kz") && out.contains("feed"), "{out}");
    let refused = civic(&h, &["sources", "add", &h.site.url("/page")]).await;
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("neither a feed nor a page listing articles"),
        "{err}"
    );
    stdout(&civic(&h, &["sources", "remove", "1"]).await);
    let missing = civic(&h, &["sources", "remove", "1"]).await;
    assert!(String::from_utf8_lossy(&missing.stderr).contains("not found"));
}

#[tokio::test]
async fn sources_import_reads_opml() {
    let h = Harness::new().await;
    let file = h.dir.path().join("subs.opml");
    std::fs::write(&file, "<?xml version=\"1.0\"?><opml version=\"2.0\"><head/><body><outline text=\"Tengrinews\" xmlUrl=\"https://tengrinews.kz/news.rss\"/></body></opml>").unwrap();
    let out = stdout(&civic(&h, &["sources", "import", file.to_str().unwrap()]).await);
    assert!(out.contains("Imported 1"), "{out}");
}

#[tokio::test]
async fn extract_prints_the_json_contract() {
    let h = Harness::new().await;
    let file = data_path("site/liter_schools.html");
    let out = stdout(
        &civic(
            &h,
            &[
                "extract",
                "--url",
                "https://liter.kz/news/1/",
                file.to_str().unwrap(),
            ],
        )
        .await,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in ["url", "title", "published_at", "language", "text"] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
    assert_eq!(v["url"], "https://liter.kz/news/1/");
    let _ = fixture("site/liter_schools.html");
}
