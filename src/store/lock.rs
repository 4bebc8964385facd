//! One writer per database: `run` and `ingest` take an exclusive lock on
//! `<database>.lock` and hold it for the life of the [`Store`]. Two
//! processes polling and sending from one database send everything twice;
//! the second one is refused instead. The lock is the operating system's
//! (`flock` on Unix): it goes with the process, so a process killed with
//! SIGKILL leaves a lock file that no longer blocks anyone.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::{Result, Store, StoreError};

/// Why the writer lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "store: another civic-digest process (run or ingest) is already using {database}; \
         stop it first: two would poll and send every digest twice (lock {lock})"
    )]
    Held { database: String, lock: String },
    #[error("store: cannot open the lock file {lock}: {message}")]
    Io { lock: String, message: String },
}

/// The held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct WriterLock {
    _file: File,
    path: PathBuf,
}

impl WriterLock {
    /// The lock file next to `database`: `civic.db` → `civic.db.lock`.
    pub fn path_for(database: &Path) -> PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lock without waiting.
    pub fn acquire(database: &Path) -> std::result::Result<WriterLock, LockError> {
        let path = WriterLock::path_for(database);
        let shown = || path.display().to_string();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| LockError::Io {
                lock: shown(),
                message: e.to_string(),
            })?;
        match file.try_lock() {
            Ok(()) => Ok(WriterLock { _file: file, path }),
            Err(TryLockError::WouldBlock) => Err(LockError::Held {
                database: database.display().to_string(),
                lock: shown(),
            }),
            Err(TryLockError::Error(e)) => Err(LockError::Io {
                lock: shown(),
                message: e.to_string(),
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Store {
    /// Makes this store the database's only writer that polls and sends,
    /// for as long as it lives. Idempotent; an in-memory store has
    /// nothing to share and needs no lock.
    pub fn claim_writer(&self) -> Result<()> {
        let Some(database) = self.path.as_deref() else {
            return Ok(());
        };
        let mut held = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_none() {
            let lock = WriterLock::acquire(database).map_err(StoreError::Locked)?;
            log::debug!("store: holding {}", lock.path().display());
            *held = Some(lock);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_until_the_first_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("civic.db");
        let first = Store::open(&db).unwrap();
        first.claim_writer().unwrap();
        first.claim_writer().expect("claiming twice is fine");
        let second = Store::open(&db).expect("readers may still open it");
        let err = second.claim_writer().unwrap_err();
        let text = err.to_string();
        assert!(text.contains("another civic-digest process"), "{text}");
        assert!(text.contains("civic.db"), "{text}");
        drop(first);
        second.claim_writer().expect("free once the first is gone");
        assert!(Store::open_in_memory().unwrap().claim_writer().is_ok());
    }
}
