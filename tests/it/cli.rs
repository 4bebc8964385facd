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
        civic_digest_sandbox::Route::page(500, "text/plain", "down"),
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

/// A feed of `n` full-text items (no page to fetch, no date: fresh news),
/// item 0 quoting Кошанов. Returns the sources file.
fn full_text_site(h: &Harness, n: usize) -> std::path::PathBuf {
    let topics = [
        "В сельской школе отремонтировали спортивный зал и столовую, учителя получили новые учебники",
        "В районной больнице открыли новое отделение, врачи принимают пациентов из соседних сёл",
        "Маслихат утвердил бюджет района на следующий год, больше денег пойдёт на дороги",
        "Фермеры получили субсидии на семена и удобрения, посевная начнётся раньше обычного",
        "Акимат областного центра запустил новый автобусный маршрут до вокзала и рынка",
    ];
    let mut items = String::new();
    for i in 0..n {
        let lead = topics[i % topics.len()];
        let speaker = if i == 0 {
            "«Мы услышали каждого жителя», — сказал Ерлан Кошанов."
        } else {
            "Жители поблагодарили за работу."
        };
        let body = format!(
            "&lt;p&gt;{lead}. Новость номер {i}.&lt;/p&gt;&lt;p&gt;{speaker} {}&lt;/p&gt;&lt;p&gt;{}&lt;/p&gt;",
            format!("Подробности сообщили в акимате, выпуск {i}. ").repeat(6),
            format!("Работы продолжатся в следующем месяце, этап {i}. ").repeat(6)
        );
        items.push_str(&format!(
            "<item><title>Новость {i}: {lead}</title><link>{}</link><description>{body}</description></item>",
            h.site.url(&format!("/full/news/novost-nomer-{i:04}"))
        ));
    }
    h.site.set(
        "/full/feed.xml",
        civic_digest_sandbox::Route::rss(format!(
            "<rss version=\"2.0\"><channel><title>Full</title>{items}</channel></rss>"
        )),
    );
    let sources = h.dir.path().join("sources.toml");
    std::fs::write(
        &sources,
        format!(
            "[[source]]\nname = \"Full\"\nurl = \"{}\"\nkind = \"feed\"\n",
            h.site.url("/full/feed.xml")
        ),
    )
    .unwrap();
    sources
}

/// Issue 11, item 2, from the command line: `digest --follow X` shows
/// everything `digest` shows, the followed stories among it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followed_person_adds_to_the_digest_preview() {
    let h = Harness::new().await;
    let sources = full_text_site(&h, 5);
    let sources = sources.to_str().unwrap();
    stdout(&civic(&h, &["ingest", "--once", "--sources", sources]).await);
    let rows = |out: String| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON rows");
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["title"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let all = rows(stdout(&civic(&h, &["digest", "--format", "json"]).await));
    assert_eq!(all.len(), 5, "{all:?}");
    let followed = rows(stdout(
        &civic(&h, &["digest", "--follow", "Кошанов", "--format", "json"]).await,
    ));
    eprintln!(
        "cli: digest: {} stories, with --follow Кошанов: {}",
        all.len(),
        followed.len()
    );
    assert_eq!(
        followed.len(),
        5,
        "a follow narrowed the digest: {followed:?}"
    );
    assert!(
        followed[0].starts_with("Новость 0:"),
        "the followed story comes first: {followed:?}"
    );
}

/// Issue 11, item 13: every command that prints ends quietly (exit 0, no
/// panic) when its reader goes away, as in `civic-digest extract … | head`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pipe_ends_every_printing_command_quietly() {
    let h = Harness::new().await;
    let sources = full_text_site(&h, 5);
    stdout(
        &civic(
            &h,
            &["ingest", "--once", "--sources", sources.to_str().unwrap()],
        )
        .await,
    );
    let page = data_path("site/liter_schools.html");
    let page = page.to_str().unwrap();
    let db = h.config.database_path.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["extract", page],
        vec!["extract", "-"],
        vec!["summarize", page],
        vec!["summarize", "--format", "text", page],
        vec!["digest"],
        vec!["digest", "--format", "html"],
        vec!["digest", "--format", "json"],
        vec!["articles"],
        vec!["articles", "--format", "json"],
        vec!["sources", "list"],
        vec!["sources", "list", "--format", "json"],
        vec!["sources", "export"],
        vec!["ingest", "--once", "--sources", sources.to_str().unwrap()],
    ];
    let html = std::fs::read(page).unwrap();
    for args in commands {
        let mut child = std::process::Command::new(BIN)
            .args(["--db", db])
            .args(&args)
            .env("ALLOW_PRIVATE_SOURCES", "true")
            .env("HOST_DELAY_MS", "0")
            .env("DATA_DIR", data_path("../../data"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start civic-digest");
        // The reader is gone before the command writes a byte.
        drop(child.stdout.take());
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(&html);
        }
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// Runs the binary as an ordinary user (as root a read-only folder would
/// not stop SQLite); `None` when that is not possible here.
fn as_ordinary_user(args: &[&str], dir: &std::path::Path) -> Option<Output> {
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
        c
    } else {
        std::process::Command::new(BIN)
    };
    let out = cmd
        .args(args)
        .current_dir(dir)
        .env("ALLOW_PRIVATE_SOURCES", "true")
        .env("HOST_DELAY_MS", "0")
        .env("DATA_DIR", data_path("../../data"))
        .output()
        .ok()?;
    if root && String::from_utf8_lossy(&out.stderr).contains("setpriv:") {
        return None;
    }
    Some(out)
}

/// Issue 11, item 12: a database in a read-only folder, a full disk: the
/// ingest fails (exit code not 0) and says so in plain words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_folder_or_a_full_disk_fails_the_ingest_in_plain_words() {
    use std::os::unix::fs::PermissionsExt;
    let h = Harness::new().await;
    let sources = full_text_site(&h, 200);
    let sources = sources.to_str().unwrap();
    let base = h.dir.path();
    std::fs::set_permissions(base, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        base.join("sources.toml"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    // A new database in a read-only folder, and an existing one.
    let empty = base.join("empty");
    let existing = base.join("existing");
    for d in [&empty, &existing] {
        std::fs::create_dir(d).unwrap();
    }
    drop(civic_digest::Store::open(&existing.join("civic.db")).unwrap());
    for d in [&empty, &existing] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o555)).unwrap();
        let db = d.join("civic.db");
        let args = [
            "--db",
            db.to_str().unwrap(),
            "ingest",
            "--once",
            "--sources",
            sources,
        ];
        let Some(out) = as_ordinary_user(&args, base) else {
            eprintln!("cli: skipped the read-only folder check: cannot run as an ordinary user");
            return;
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        eprintln!(
            "cli: read-only folder {}: {}: {stderr}",
            d.display(),
            out.status
        );
        assert!(!out.status.success(), "{stderr}");
        assert!(
            stderr.contains("the database folder is read-only"),
            "{stderr}"
        );
        assert!(!stderr.contains("Error code"), "{stderr}");
    }

    // The disk fills up during the ingest: a small tmpfs of our own (in a
    // user and mount namespace), else a file-size limit that makes writes
    // fail as a full disk does.
    let small = base.join("small");
    std::fs::create_dir(&small).unwrap();
    let db = small.join("civic.db");
    let run = |script: String| {
        tokio::process::Command::new("bash")
            .args(["-c", &script, BIN, "--db", db.to_str().unwrap()])
            .args(["ingest", "--once", "--sources", sources])
            .env("ALLOW_PRIVATE_SOURCES", "true")
            .env("HOST_DELAY_MS", "0")
            .env("DATA_DIR", data_path("../../data"))
            .output()
    };
    let tmpfs = format!(
        "unshare -Urm bash -c 'mount -t tmpfs -o size=768k tmpfs {} && exec \"$0\" \"$@\"' \"$0\" \"$@\"",
        small.display()
    );
    let mut out = run(tmpfs).await.expect("run ingest on a full disk");
    let mut real_disk = true;
    if String::from_utf8_lossy(&out.stderr).contains("unshare:")
        || String::from_utf8_lossy(&out.stderr).contains("mount:")
    {
        real_disk = false;
        drop(civic_digest::Store::open(&db).unwrap());
        let room_kb = std::fs::metadata(&db).unwrap().len() / 1024 + 96;
        out = run(format!(
            "trap '' XFSZ; ulimit -f {room_kb}; exec \"$0\" \"$@\""
        ))
        .await
        .expect("run ingest with a file-size limit");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!(
        "cli: full disk (tmpfs {real_disk}): {}: {}{stderr}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        !out.status.success(),
        "a full disk passed for success:\n{stderr}"
    );
    assert!(
        stderr.contains("the disk is full") || (!real_disk && stderr.contains("is the disk full?")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
