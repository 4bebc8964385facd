//! SQLite storage behind one `Store` type.
