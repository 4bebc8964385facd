//! The files under `data/` (sources, topics, regions, bot texts, the demo
//! site), built into the binary so that it runs from any folder. A file under
//! `DATA_DIR` overrides its built-in twin, so operators edit texts and
//! keywords without a rebuild.

use std::borrow::Cow;
use std::path::Path;

use include_dir::{Dir, include_dir};

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data");

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("data: {path}: {message}")]
    Read { path: String, message: String },
    #[error("data: {0} is neither under DATA_DIR nor built in")]
    Missing(String),
}

/// The bytes of `rel` (a `/`-separated path inside `data/`): `data_dir/rel`
/// when that file exists, else the built-in copy.
pub fn read(data_dir: &Path, rel: &str) -> Result<Cow<'static, [u8]>, DataError> {
    let path = data_dir.join(rel);
    match std::fs::read(&path) {
        Ok(bytes) => Ok(Cow::Owned(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => EMBEDDED
            .get_file(rel)
            .map(|f| Cow::Borrowed(f.contents()))
            .ok_or_else(|| DataError::Missing(rel.to_string())),
        Err(e) => Err(DataError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        }),
    }
}

/// [`read`] as UTF-8 text.
pub fn read_text(data_dir: &Path, rel: &str) -> Result<Cow<'static, str>, DataError> {
    let not_utf8 = |path: String| DataError::Read {
        path,
        message: "not UTF-8".into(),
    };
    match read(data_dir, rel)? {
        Cow::Borrowed(b) => std::str::from_utf8(b)
            .map(Cow::Borrowed)
            .map_err(|_| not_utf8(rel.to_string())),
        Cow::Owned(b) => String::from_utf8(b)
            .map(Cow::Owned)
            .map_err(|_| not_utf8(data_dir.join(rel).display().to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_under_data_dir_overrides_its_built_in_twin() {
        let dir = tempfile::tempdir().unwrap();
        let builtin = read_text(dir.path(), "demo/site.toml").unwrap();
        assert!(builtin.contains("[[route]]"), "{builtin}");
        std::fs::create_dir_all(dir.path().join("demo")).unwrap();
        std::fs::write(dir.path().join("demo/site.toml"), "# edited").unwrap();
        assert_eq!(read_text(dir.path(), "demo/site.toml").unwrap(), "# edited");
    }

    #[test]
    fn a_file_neither_on_disk_nor_built_in_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(dir.path(), "no/such.toml").unwrap_err().to_string();
        assert!(err.contains("no/such.toml"), "{err}");
    }
}
