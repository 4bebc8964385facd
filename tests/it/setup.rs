//! What a newcomer copies to start the bot under Docker: `.env.example` sets
//! only what a person must set, never a variable the image sets itself (an
//! `--env-file .env` would override the image's database path on the volume
//! or turn off the metrics its health check reads).

use std::collections::BTreeSet;
use std::path::Path;

fn repo_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The names an `.env` file sets: `NAME=…` lines that are not comments.
fn env_file_sets(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(name, _)| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect()
}

/// The names the Dockerfile's `ENV` instructions set (`ENV A=1 \` continued
/// over several lines included).
fn dockerfile_env(text: &str) -> BTreeSet<String> {
    let joined = text.replace("\\\n", " ");
    joined
        .lines()
        .filter_map(|l| l.trim().strip_prefix("ENV "))
        .flat_map(|rest| rest.split_whitespace())
        .filter_map(|pair| pair.split_once('=').map(|(n, _)| n.to_string()))
        .collect()
}

#[test]
fn env_example_sets_nothing_the_image_sets() {
    let image = dockerfile_env(&repo_file("Dockerfile"));
    for var in ["DATABASE_PATH", "DATA_DIR", "METRICS_ADDR"] {
        assert!(
            image.contains(var),
            "the Dockerfile no longer sets {var}: {image:?}"
        );
    }
    let example = env_file_sets(&repo_file(".env.example"));
    let both: Vec<_> = example.intersection(&image).collect();
    assert!(
        both.is_empty(),
        ".env.example overrides the image's {both:?}"
    );
    assert_eq!(
        example,
        BTreeSet::from(["MODERATOR_IDS".to_string(), "TELOXIDE_TOKEN".to_string()]),
        ".env.example should set only what a person must set"
    );
}

#[test]
fn compose_file_keeps_the_database_on_a_volume_with_a_health_check() {
    let compose = repo_file("compose.yaml");
    for needed in [
        "env_file: .env",
        "/var/lib/civic-digest",
        "healthcheck:",
        "/healthz",
        "restart: unless-stopped",
    ] {
        assert!(compose.contains(needed), "compose.yaml lacks {needed:?}");
    }
}

#[test]
fn every_configuration_variable_is_in_env_example() {
    // Each variable `Config` reads is documented there, set or commented out.
    let example = repo_file(".env.example");
    let source = repo_file("src/config.rs");
    let config = source.split("#[cfg(test)]").next().unwrap_or_default();
    let documented: BTreeSet<String> = example
        .lines()
        .map(|l| l.trim_start_matches('#').trim())
        .filter_map(|l| l.split_once('=').map(|(n, _)| n.to_string()))
        .collect();
    for var in config
        .split('"')
        .filter(|s| s.len() > 3 && s.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
    {
        assert!(
            documented.contains(var),
            "{var} is read by Config but not in .env.example"
        );
    }
}

/// The binary run from a folder with no `data/` in it (as after `cargo
/// install`), with no `DATA_DIR`.
fn run_elsewhere(dir: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_civic-digest"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("DATA_DIR")
        .env_remove("DATABASE_PATH")
        .env_remove("TELOXIDE_TOKEN");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.output().expect("run civic-digest")
}

#[test]
fn the_binary_runs_from_any_folder_on_its_built_in_data() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_elsewhere(dir.path(), &["sources", "list"], &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("liter.kz"),
        "the shipped sources seed the database: {stdout}"
    );

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_civic-digest"))
        .current_dir(dir.path())
        .args(["summarize", "--format", "json", "-"])
        .env_remove("DATA_DIR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all("В Туркестанской области откроют новые школы для сельских детей.".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("summary JSON");
    assert_eq!(json["regions"][0], "turkistan", "{json}");
}

#[test]
fn a_wrong_data_dir_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    let out = run_elsewhere(
        dir.path(),
        &["sources", "list"],
        &[("DATA_DIR", missing.to_str().unwrap())],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("DATA_DIR") && stderr.contains("no-such-folder"),
        "{stderr}"
    );
}
