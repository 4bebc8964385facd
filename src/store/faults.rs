//! When the database itself fails (a full disk, a read-only file or
//! folder), the words a person can act on instead of SQLite's codes.

use rusqlite::ErrorCode;

use super::StoreError;

/// `SQLITE_READONLY_DIRECTORY`: the folder of a WAL database is read-only.
const READONLY_DIRECTORY: i32 = 8 | (6 << 8);

/// What failed, when it is the database's disk or permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    DiskFull,
    ReadOnlyFolder,
    ReadOnlyFile,
    /// A write failed at the disk (often a full disk as well).
    WriteFailed,
    CannotOpen,
}

impl Fault {
    pub fn message(self) -> &'static str {
        match self {
            Fault::DiskFull => "the disk is full",
            Fault::ReadOnlyFolder => "the database folder is read-only",
            Fault::ReadOnlyFile => "the database is read-only",
            Fault::WriteFailed => "writing to the disk failed (is the disk full?)",
            Fault::CannotOpen => "the database file cannot be opened",
        }
    }
}

impl StoreError {
    /// The disk or permission fault behind this error, if it is one.
    pub fn fault(&self) -> Option<Fault> {
        let StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) = self else {
            return None;
        };
        Some(match e.code {
            _ if e.extended_code == READONLY_DIRECTORY => Fault::ReadOnlyFolder,
            ErrorCode::DiskFull => Fault::DiskFull,
            ErrorCode::ReadOnly => Fault::ReadOnlyFile,
            ErrorCode::SystemIoFailure => Fault::WriteFailed,
            ErrorCode::CannotOpen => Fault::CannotOpen,
            _ => return None,
        })
    }

    /// The error in plain words first, SQLite's own after.
    pub fn plain(&self) -> String {
        match self.fault() {
            Some(f) => format!("{} ({self})", f.message()),
            None => self.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_database_says_the_disk_is_full() {
        let store = super::super::Store::open_in_memory().unwrap();
        let conn = store.conn();
        conn.execute_batch("CREATE TABLE filler (x BLOB)").unwrap();
        let pages: i64 = conn
            .pragma_query_value(None, "page_count", |r| r.get(0))
            .unwrap();
        conn.pragma_update(None, "max_page_count", pages + 2)
            .unwrap();
        let err = (0..100)
            .map(|_| conn.execute("INSERT INTO filler VALUES (zeroblob(100000))", []))
            .find_map(Result::err)
            .map(StoreError::from)
            .expect("the database fills up");
        assert_eq!(err.fault(), Some(Fault::DiskFull));
        assert!(
            err.plain().starts_with("the disk is full ("),
            "{}",
            err.plain()
        );
        let other = StoreError::NotFound { what: "x".into() };
        assert_eq!(other.fault(), None);
        assert_eq!(other.plain(), other.to_string());
    }
}
